package main

import (
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

func awaitCert(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }

// A learner on a 360 × 640 phone taps the last lesson of a course done,
// is told at once that the course is complete, opens the certificate,
// finds the PDF and a WhatsApp link to its verify page, and still has the
// screen and the PDF with no signal.
func TestBrowserCertificateScreen(t *testing.T) {
	ctx := browser(t)
	s := startServer(t, map[string]string{
		"LONTAR_BOOTSTRAP_ADMIN_PHONE": "081300000001", "LONTAR_BOOTSTRAP_ADMIN_PASSWORD": "admin-lontar-kupang"})
	admin := login(t, s, "081300000001", "admin-lontar-kupang")
	learner := register(t, s, "081234567002", "Maria Goreti Ndun", "tenun", "5371040", "f")
	const course = "jualan-online"
	if r := s.Do(t, "POST", "/api/v1/courses/"+course+"/enroll", learner, nil); r.Status != 201 {
		t.Fatalf("enroll: %d %s", r.Status, r.Body)
	}
	lessons := courseLessons(t, s, course)
	for _, id := range lessons[:len(lessons)-1] {
		s.Do(t, "POST", "/api/v1/courses/"+course+"/lessons/"+id+"/complete", learner, nil)
	}
	final := map[string]any{"answers": finalAnswers(t, s, admin, course+"-final")}
	if r := s.Do(t, "POST", "/api/v1/quizzes/"+course+"-final/attempts", learner, final); r.Status != 201 {
		t.Fatalf("final: %d %s", r.Status, r.Body)
	}

	var text, href, code string
	must := func(step string, actions ...chromedp.Action) {
		t.Helper()
		if err := chromedp.Run(ctx, actions...); err != nil {
			screenshot(t, ctx, "cert-failed-"+strings.ReplaceAll(step, " ", "-"))
			t.Fatalf("%s: %v", step, err)
		}
	}
	must("log in on a 360 × 640 phone",
		chromedp.EmulateViewport(360, 640, chromedp.EmulateScale(2), chromedp.EmulateMobile),
		chromedp.Navigate(s.URL+"/masuk"),
		chromedp.WaitVisible(`#f-phone`, chromedp.ByQuery),
		fill(`#f-phone`, "081234567002"),
		fill(`#f-password`, "belajar-di-lontar"),
		chromedp.Click(`button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`a[href="/kursus/`+course+`"]`, chromedp.ByQuery),
		chromedp.Navigate(s.URL+"/sertifikat"),
		chromedp.WaitVisible(`.cert-none`, chromedp.ByQuery),
	)
	must("tap the last lesson done and hear the course is complete",
		chromedp.Navigate(s.URL+"/kursus/"+course+"/"+lessons[len(lessons)-1]),
		chromedp.WaitVisible(`button.big`, chromedp.ByQuery),
		chromedp.Click(`button.big`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cert-new`, chromedp.ByQuery),
		chromedp.Text(`.cert-new`, &text, chromedp.ByQuery),
	)
	screenshot(t, ctx, "cert-announced")
	if !strings.Contains(text, "Selamat") {
		t.Fatalf("announcement = %q", text)
	}
	must("open the certificate",
		chromedp.Click(`.cert-new a`, chromedp.ByQuery),
		chromedp.WaitVisible(`.certificate .cert-name`, chromedp.ByQuery),
		chromedp.Text(`.certificate .cert-name`, &text, chromedp.ByQuery),
		chromedp.Text(`.certificate .code`, &code, chromedp.ByQuery),
		chromedp.AttributeValue(`a.cert-share`, "href", &href, nil, chromedp.ByQuery),
	)
	screenshot(t, ctx, "cert-screen")
	if text != "Maria Goreti Ndun" {
		t.Fatalf("name on the certificate = %q", text)
	}
	shared, _ := url.Parse(href)
	if shared == nil || shared.Host != "wa.me" || !strings.HasSuffix(shared.Query().Get("text"), " "+s.URL+"/verify/"+code) {
		t.Fatalf("WhatsApp link %q does not carry the verify address of %s", href, code)
	}
	var fits bool
	must("fits the phone", chromedp.Evaluate(`document.documentElement.scrollWidth <= 360`, &fits))
	if !fits {
		t.Error("the certificate screen is wider than the phone")
	}

	// Once the service worker controls the page, opening the screen keeps
	// the PDF; then, with no signal, the screen and the PDF are there.
	must("service worker in control",
		chromedp.Poll(`!!navigator.serviceWorker.controller`, nil),
		chromedp.Reload(),
		chromedp.WaitVisible(`.certificate .cert-name`, chromedp.ByQuery),
		chromedp.Evaluate(`fetch('/api/v1/certificates/`+code+`/pdf').then(r => r.status)`, nil, awaitCert),
	)
	var pdf string
	must("offline",
		network.Enable(),
		network.EmulateNetworkConditions(true, 0, -1, -1),
		chromedp.Reload(),
		chromedp.WaitVisible(`.certificate .cert-name`, chromedp.ByQuery),
		chromedp.Evaluate(`fetch('/api/v1/certificates/`+code+`/pdf').then(r => r.status + ' ' + r.headers.get('Content-Type'), e => 'error ' + e)`, &pdf, awaitCert),
	)
	screenshot(t, ctx, "cert-offline")
	if pdf != "200 application/pdf" {
		t.Fatalf("the PDF with no signal: %s", pdf)
	}
	must("back online", network.EmulateNetworkConditions(false, 0, -1, -1))

	// The verify page a buyer opens from the QR code is the server's page,
	// not the app, even on the phone that has the app.
	must("verify page",
		chromedp.Navigate(s.URL+"/verify/"+code),
		chromedp.WaitVisible(`.status.valid`, chromedp.ByQuery),
		chromedp.Text(`.name`, &text, chromedp.ByQuery),
	)
	screenshot(t, ctx, "cert-verify")
	if text != "Maria Goreti Ndun" {
		t.Fatalf("verify page shows %q", text)
	}
}
