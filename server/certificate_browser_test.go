package main

import (
	"fmt"
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
		chromedp.WaitVisible(`.actions button.primary`, chromedp.ByQuery),
		chromedp.Click(`.actions button.primary`, chromedp.ByQuery),
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
	var kept bool
	must("service worker in control and the PDF kept",
		chromedp.Poll(`!!navigator.serviceWorker.controller`, nil),
		chromedp.Reload(),
		chromedp.WaitVisible(`.certificate .cert-name`, chromedp.ByQuery),
		chromedp.Evaluate(`(async () => {
			for (let i = 0; i < 600; i++) {
				if (await caches.match('/api/v1/certificates/`+code+`/pdf', {cacheName: 'lontar-certificates'})) return true;
				await new Promise((r) => setTimeout(r, 50));
			}
			return false;
		})()`, &kept, awaitCert),
	)
	if !kept {
		t.Fatal("the PDF was not kept on the phone")
	}
	var pdf string
	must("offline",
		network.Enable(),
		network.EmulateNetworkConditions(true, 0, -1, -1),
		chromedp.Reload(),
		chromedp.WaitVisible(`.certificate .cert-name`, chromedp.ByQuery),
		chromedp.Evaluate(`caches.match('/api/v1/certificates/`+code+`/pdf', {cacheName: 'lontar-certificates'}).then(r => r ? r.status + ' ' + r.headers.get('Content-Type') : 'not kept')`, &pdf, awaitCert),
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

// A trainer on a phone opens a class's certificates from the roster,
// sees who has one and what the others still miss, and revokes one with a
// reason, which the public verify page then shows.
func TestBrowserTrainerRevokesACertificate(t *testing.T) {
	ctx := browser(t)
	s := startServer(t, map[string]string{
		"LONTAR_BOOTSTRAP_ADMIN_PHONE": "081300000001", "LONTAR_BOOTSTRAP_ADMIN_PASSWORD": "admin-lontar-kupang"})
	admin := login(t, s, "081300000001", "admin-lontar-kupang")
	s.Do(t, "POST", "/api/v1/users", admin, map[string]any{"phone": "081300000002", "name": "Bu Dosen",
		"password": "politeknik-kupang", "role": "trainer", "institution": "Politeknik Negeri Kupang"})
	trainer := login(t, s, "081300000002", "politeknik-kupang")
	// The polytechnic's own course (no final quiz: the last lesson completes it).
	const course = "foto-tenun"
	lesson := func(id, title string) map[string]any {
		return map[string]any{"id": id, "title": map[string]string{"id": title}, "est_minutes": 20,
			"body": map[string]string{"id": title + ": cahaya pagi dari jendela, kain dibentangkan rata."}}
	}
	if r := s.Do(t, "POST", "/api/v1/courses", trainer, map[string]any{"id": course, "topic": "content",
		"title":   map[string]string{"id": "Memotret kain tenun", "en": "Photographing ikat"},
		"summary": map[string]string{"id": "Foto yang menjual"},
		"modules": []any{map[string]any{"id": "m1", "title": map[string]string{"id": "Foto"},
			"lessons": []any{lesson("cahaya", "Cahaya"), lesson("sudut", "Sudut"), lesson("detail", "Detail motif")}}},
	}); r.Status != 201 {
		t.Fatalf("course: %d %s", r.Status, r.Body)
	}
	if r := s.Do(t, "POST", "/api/v1/courses/"+course+"/publish", trainer, nil); r.Status != 200 {
		t.Fatalf("publish: %d %s", r.Status, r.Body)
	}
	r := s.Do(t, "POST", "/api/v1/cohorts", trainer, map[string]any{"name": "Penenun Oesapa", "course_ids": []string{course},
		"starts_on": "2026-01-01", "ends_on": "2099-12-31", "region": "5371040"})
	var cohort struct {
		ID       string `json:"id"`
		JoinCode string `json:"join_code"`
	}
	r.JSON(t, &cohort)
	if r.Status != 201 {
		t.Fatalf("cohort: %d %s", r.Status, r.Body)
	}
	done := register(t, s, "081234567003", "Yuliana Bani", "tenun", "5371040", "f")
	busy := register(t, s, "081234567004", "Agustina Tefa", "tenun", "5371040", "f")
	for _, tok := range []string{done, busy} {
		if r := s.Do(t, "POST", "/api/v1/cohorts/join", tok, map[string]string{"code": cohort.JoinCode}); r.Status != 200 {
			t.Fatalf("join: %d %s", r.Status, r.Body)
		}
	}
	lessons := courseLessons(t, s, course)
	for _, id := range lessons {
		s.Do(t, "POST", "/api/v1/courses/"+course+"/lessons/"+id+"/complete", done, nil)
	}
	s.Do(t, "POST", "/api/v1/courses/"+course+"/lessons/"+lessons[0]+"/complete", busy, nil)
	var mine []struct {
		Code        string `json:"code"`
		Institution string `json:"institution"`
	}
	s.Do(t, "GET", "/api/v1/me/certificates", done, nil).JSON(t, &mine)
	if len(mine) != 1 || mine[0].Institution != "Politeknik Negeri Kupang" {
		t.Fatalf("the learner's certificates: %+v", mine)
	}

	var issued, pending, revoked string
	must := func(step string, actions ...chromedp.Action) {
		t.Helper()
		if err := chromedp.Run(ctx, actions...); err != nil {
			screenshot(t, ctx, "trainer-cert-failed-"+strings.ReplaceAll(step, " ", "-"))
			t.Fatalf("%s: %v", step, err)
		}
	}
	must("log in and open the class's certificates",
		chromedp.EmulateViewport(360, 640, chromedp.EmulateScale(2), chromedp.EmulateMobile),
		chromedp.Navigate(s.URL+"/masuk"),
		chromedp.WaitVisible(`#f-phone`, chromedp.ByQuery),
		fill(`#f-phone`, "081300000002"),
		fill(`#f-password`, "politeknik-kupang"),
		chromedp.Click(`button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`a[href="/profil"]`, chromedp.ByQuery),
		chromedp.Navigate(s.URL+"/pelatih/kelas/"+cohort.ID),
		chromedp.WaitVisible(`a[href="/pelatih/kelas/`+cohort.ID+`/sertifikat"]`, chromedp.ByQuery),
		chromedp.Click(`a[href="/pelatih/kelas/`+cohort.ID+`/sertifikat"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cert-issued li`, chromedp.ByQuery),
		chromedp.Text(`.cert-issued`, &issued, chromedp.ByQuery),
		chromedp.Text(`.cert-pending`, &pending, chromedp.ByQuery),
	)
	screenshot(t, ctx, "trainer-certificates")
	if !strings.Contains(issued, "Yuliana Bani") || !strings.Contains(issued, mine[0].Code) {
		t.Fatalf("issued list: %q", issued)
	}
	if !strings.Contains(pending, "Agustina Tefa") || !strings.Contains(pending, fmt.Sprintf("%d pelajaran", len(lessons)-1)) ||
		strings.Contains(pending, "kuis akhir") {
		t.Fatalf("pending list: %q", pending)
	}
	must("revoke with a reason",
		chromedp.Evaluate(`window.confirm = () => true`, nil),
		fill(`.cert-issued textarea`, "Ujian akhir dikerjakan orang lain"),
		chromedp.Click(`.cert-issued form button`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cert-revoked li`, chromedp.ByQuery),
		chromedp.Text(`.cert-revoked`, &revoked, chromedp.ByQuery),
	)
	screenshot(t, ctx, "trainer-revoked")
	if !strings.Contains(revoked, "Yuliana Bani") || !strings.Contains(revoked, "Ujian akhir dikerjakan orang lain") {
		t.Fatalf("revoked list: %q", revoked)
	}
	page := string(s.Do(t, "GET", "/verify/"+mine[0].Code, "", nil).Body)
	if !strings.Contains(page, "DICABUT") || !strings.Contains(page, "Ujian akhir dikerjakan orang lain") {
		t.Fatal("the verify page does not show the revocation")
	}
}
