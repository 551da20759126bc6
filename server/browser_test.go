package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// browser starts headless Chromium at a phone's size. It skips the test
// when no Chromium is installed (.ci/run installs Debian's chromium).
func browser(t *testing.T) context.Context {
	t.Helper()
	path := os.Getenv("LONTAR_CHROMIUM")
	if path == "" {
		for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if p, err := exec.LookPath(name); err == nil {
				path = p
				break
			}
		}
	}
	if path == "" {
		t.Skip("no Chromium installed: browser tests skipped (apt-get install chromium)")
	}
	// Not t.TempDir: Chromium may still be writing to its profile while
	// the test's directories are removed.
	profile, err := os.MkdirTemp("", "lontar-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(390, 844),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
		_ = os.RemoveAll(profile)
	})
	if err := chromedp.Run(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2))); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// screenshot saves what the phone shows into LONTAR_SCREENSHOTS, if set.
func screenshot(t *testing.T, ctx context.Context, name string) {
	dir := os.Getenv("LONTAR_SCREENSHOTS")
	if dir == "" {
		return
	}
	var png []byte
	if err := chromedp.Run(ctx, chromedp.FullScreenshot(&png, 100)); err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	_ = os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
}

// fill clears a text field and types into it as a person would.
func fill(sel, value string) chromedp.Action {
	return chromedp.Tasks{setValue(sel, ""), chromedp.SendKeys(sel, value, chromedp.ByQuery)}
}

// setValue sets a field's value directly (a select's choice).
func setValue(sel, value string) chromedp.Action {
	js, _ := json.Marshal([]string{sel, value})
	return chromedp.Evaluate(`(([s, v]) => { const el = document.querySelector(s); el.value = v; el.dispatchEvent(new Event('change')); return true })(`+string(js)+`)`, nil)
}

// A new learner on a phone registers with 0812…, sees field errors next to
// the fields, logs out and in again, reads a lesson and marks it done while
// offline, and the tap reaches the server once the phone is back online.
func TestBrowserLearnerJourney(t *testing.T) {
	ctx := browser(t)
	s := startServer(t, nil)

	var text string
	must := func(step string, actions ...chromedp.Action) {
		t.Helper()
		if err := chromedp.Run(ctx, actions...); err != nil {
			screenshot(t, ctx, "failed-"+strings.ReplaceAll(step, " ", "-"))
			t.Fatalf("%s: %v", step, err)
		}
	}

	must("open the app",
		chromedp.Navigate(s.URL+"/"),
		chromedp.WaitVisible(`#f-phone`, chromedp.ByQuery),
		chromedp.Click(`a[href="/daftar"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#f-name`, chromedp.ByQuery),
		chromedp.WaitReady(`#f-region option[value="5371030"]`, chromedp.ByQuery),
	)
	var lang string
	must("html lang", chromedp.AttributeValue(`html`, "lang", &lang, nil, chromedp.ByQuery))
	if lang != "id" {
		t.Fatalf("html lang = %q", lang)
	}
	screenshot(t, ctx, "register")

	// Bad input: errors appear next to the fields, in Indonesian.
	must("submit bad input",
		fill(`#f-name`, "Maria Bunga"),
		fill(`#f-phone`, "12345"),
		fill(`#f-password`, "pendek"),
		chromedp.Click(`button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#e-password:not(:empty)`, chromedp.ByQuery),
		chromedp.Text(`#e-phone`, &text, chromedp.ByQuery),
	)
	if text == "" {
		t.Fatal("no error next to the phone field")
	}
	screenshot(t, ctx, "register-errors")

	must("register",
		fill(`#f-phone`, "0812 3456 7891"),
		fill(`#f-password`, "sei-sapi-oebobo"),
		fill(`#f-business_name`, "Sei Ibu Maria"),
		setValue(`#f-sector`, "kuliner"),
		setValue(`#f-region`, "5371030"),
		chromedp.Click(`button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`a[href="/kursus/pembukuan-sederhana"]`, chromedp.ByQuery),
		chromedp.Text(`h1`, &text, chromedp.ByQuery),
	)
	if text != "Kursus saya" {
		t.Fatalf("home heading = %q", text)
	}
	screenshot(t, ctx, "home")

	must("switch to English and back",
		chromedp.Click(`button.lang`, chromedp.ByQuery),
		chromedp.WaitVisible(`//h1[text()="My courses"]`, chromedp.BySearch),
		chromedp.Click(`button.lang`, chromedp.ByQuery),
		chromedp.WaitVisible(`//h1[text()="Kursus saya"]`, chromedp.BySearch),
	)

	must("log out and in",
		chromedp.Click(`a[href="/profil"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`//button[text()="Keluar"]`, chromedp.BySearch),
		chromedp.Click(`//button[text()="Keluar"]`, chromedp.BySearch),
		chromedp.WaitVisible(`#f-phone`, chromedp.ByQuery),
		fill(`#f-phone`, "+62 812-3456-7891"),
		fill(`#f-password`, "sei-sapi-oebobo"),
		chromedp.Click(`button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`a[href="/kursus/pembukuan-sederhana"]`, chromedp.ByQuery),
	)

	must("enroll and open the first lesson",
		chromedp.Click(`a[href="/kursus/pembukuan-sederhana"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`button.primary`, chromedp.ByQuery),
		chromedp.Click(`button.primary`, chromedp.ByQuery),
		chromedp.WaitVisible(`.progress`, chromedp.ByQuery),
		chromedp.Click(`ol.lessons a`, chromedp.ByQuery),
		chromedp.WaitVisible(`article.lesson h2`, chromedp.ByQuery),
	)
	screenshot(t, ctx, "lesson")

	var pending int
	must("mark done while offline",
		network.Enable(),
		network.EmulateNetworkConditions(true, 0, -1, -1),
		chromedp.Click(`button.big`, chromedp.ByQuery),
		chromedp.WaitVisible(`button.big[disabled]`, chromedp.ByQuery),
		chromedp.Evaluate(`JSON.parse(localStorage.getItem('lontar.outbox')||'[]').length`, &pending),
	)
	if pending != 1 {
		t.Fatalf("outbox holds %d events while offline, want 1", pending)
	}
	must("back online",
		network.EmulateNetworkConditions(false, 0, -1, -1),
		chromedp.Evaluate(`window.dispatchEvent(new Event('online'))`, nil),
	)
	deadline := time.Now().Add(30 * time.Second)
	for pending != 0 && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
		must("read outbox", chromedp.Evaluate(`JSON.parse(localStorage.getItem('lontar.outbox')||'[]').length`, &pending))
	}
	if pending != 0 {
		var probe string
		_ = chromedp.Run(ctx, chromedp.Evaluate(`fetch('/api/v1/regions').then(r => 'status ' + r.status + ', online ' + navigator.onLine, e => 'error ' + e + ', online ' + navigator.onLine)`, &probe,
			func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
		t.Fatalf("outbox still holds %d events after coming back online (probe: %s)", pending, probe)
	}
	// The pretest: answers are graded on the server and shown with feedback.
	must("take the pretest",
		chromedp.Navigate(s.URL+"/kuis/pembukuan-sederhana-pretest"),
		chromedp.WaitVisible(`fieldset.question`, chromedp.ByQuery),
		chromedp.Click(`fieldset.question input[type=radio]`, chromedp.ByQuery),
		chromedp.Click(`button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.results h2`, chromedp.ByQuery),
		chromedp.Text(`.results h2`, &text, chromedp.ByQuery),
	)
	if !strings.HasPrefix(text, "Nilai:") {
		t.Fatalf("quiz result heading = %q", text)
	}
	screenshot(t, ctx, "quiz")

	var token string
	must("read token", chromedp.Evaluate(`localStorage.getItem('lontar.access')`, &token))
	r := s.Do(t, "GET", "/api/v1/me/enrollments/pembukuan-sederhana", token, nil)
	var en struct {
		CompletedLessons map[string]any `json:"completed_lessons"`
		QuizResults      map[string]any `json:"quiz_results"`
	}
	r.JSON(t, &en)
	if len(en.CompletedLessons) != 1 || en.QuizResults["pembukuan-sederhana-pretest"] == nil {
		t.Fatalf("server enrollment after sync: %s", r.Body)
	}
}

// A trainer logs in on a phone, lands on their classes, sees the join code
// with a WhatsApp share link, and opens the roster.
func TestBrowserTrainerPanel(t *testing.T) {
	ctx := browser(t)
	s := startServer(t, map[string]string{
		"LONTAR_BOOTSTRAP_ADMIN_PHONE": "081300000001", "LONTAR_BOOTSTRAP_ADMIN_PASSWORD": "admin-lontar-kupang"})
	admin := login(t, s, "081300000001", "admin-lontar-kupang")
	s.Do(t, "POST", "/api/v1/users", admin, map[string]any{"phone": "081300000002", "name": "Bu Dosen",
		"password": "politeknik-kupang", "role": "trainer", "institution": "lontar"})
	trainer := login(t, s, "081300000002", "politeknik-kupang")
	r := s.Do(t, "POST", "/api/v1/cohorts", trainer, map[string]any{"name": "Penenun Oesapa", "course_ids": []string{"jualan-online"},
		"starts_on": "2026-01-01", "ends_on": "2099-12-31", "region": "5371040"})
	var cohort struct {
		ID       string `json:"id"`
		JoinCode string `json:"join_code"`
	}
	r.JSON(t, &cohort)
	if r.Status != 201 {
		t.Fatalf("cohort: %d %s", r.Status, r.Body)
	}
	learner := register(t, s, "081234560000", "Maria Tefa", "tenun", "5371040", "f")
	if r := s.Do(t, "POST", "/api/v1/cohorts/join", learner, map[string]string{"code": cohort.JoinCode}); r.Status != 200 {
		t.Fatalf("join: %d %s", r.Status, r.Body)
	}

	var code, share, who string
	err := chromedp.Run(ctx,
		chromedp.Navigate(s.URL+"/masuk"),
		chromedp.WaitVisible(`#f-phone`, chromedp.ByQuery),
		fill(`#f-phone`, "081300000002"),
		fill(`#f-password`, "politeknik-kupang"),
		chromedp.Click(`button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`li.cohort b.code`, chromedp.ByQuery),
		chromedp.Text(`li.cohort b.code`, &code, chromedp.ByQuery),
		chromedp.AttributeValue(`li.cohort a[href^="https://wa.me/"]`, "href", &share, nil, chromedp.ByQuery),
		chromedp.Click(`li.cohort a[href^="/pelatih/"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`table.roster td`, chromedp.ByQuery),
		chromedp.Text(`table.roster tbody`, &who, chromedp.ByQuery),
	)
	screenshot(t, ctx, "trainer-roster")
	if err != nil {
		t.Fatal(err)
	}
	if code != cohort.JoinCode || !strings.Contains(share, cohort.JoinCode) || !strings.Contains(who, "Maria Tefa") {
		t.Fatalf("code %q share %q roster %q", code, share, who)
	}
}
