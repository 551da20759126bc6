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

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// browser starts headless Chromium at a phone's size (360×640). It skips
// the test when no Chromium is installed (.ci/run installs Debian's chromium).
func browser(t testing.TB) context.Context {
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
		chromedp.WindowSize(360, 640),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 5*time.Minute)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
		_ = os.RemoveAll(profile)
	})
	if err := chromedp.Run(ctx, chromedp.EmulateViewport(360, 640, chromedp.EmulateScale(2), chromedp.EmulateMobile)); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// screenshot saves what the phone shows into LONTAR_SCREENSHOTS, or, for
// a failure, into a temporary directory named in the test log.
func screenshot(t *testing.T, ctx context.Context, name string) {
	dir := os.Getenv("LONTAR_SCREENSHOTS")
	failed := strings.HasPrefix(name, "failed-")
	if dir == "" && !failed {
		return
	}
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "lontar-screenshots")
	}
	_ = os.MkdirAll(dir, 0o755)
	var png []byte
	if err := chromedp.Run(ctx, chromedp.FullScreenshot(&png, 100)); err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	file := filepath.Join(dir, t.Name()+"-"+name+".png")
	_ = os.WriteFile(file, png, 0o644)
	if failed {
		t.Logf("screenshot of the failure: %s", file)
	}
}

// steps runs browser actions as named steps, each within 40 s; a failing
// step saves a screenshot and fails the test.
func steps(t *testing.T, ctx context.Context) func(step string, actions ...chromedp.Action) {
	return func(step string, actions ...chromedp.Action) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 40*time.Second)
		defer cancel()
		if err := chromedp.Run(sctx, actions...); err != nil {
			screenshot(t, ctx, "failed-"+strings.ReplaceAll(step, " ", "-"))
			t.Fatalf("%s: %v", step, err)
		}
	}
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

// click taps the element matching a CSS selector.
func click(sel string) chromedp.Action { return chromedp.Click(sel, chromedp.ByQuery) }

// visible waits until the element matching a CSS selector shows.
func visible(sel string) chromedp.Action { return chromedp.WaitVisible(sel, chromedp.ByQuery) }

// clickText taps the button or link whose text contains text.
func clickText(text string) chromedp.Action {
	sel := `//*[self::button or self::a][contains(normalize-space(.), ` + xpathString(text) + `)]`
	return chromedp.Tasks{chromedp.WaitVisible(sel, chromedp.BySearch), chromedp.Click(sel, chromedp.BySearch)}
}

func xpathString(s string) string {
	if !strings.Contains(s, `"`) {
		return `"` + s + `"`
	}
	return `'` + s + `'`
}

// eval runs JavaScript in the page and stores its (awaited) result.
func eval(js string, out any) chromedp.Action {
	return chromedp.Evaluate(js, out, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) })
}

// A trainer of a university other than the one that seeded the courses
// logs in on a phone, lands on their classes, opens a class on a seeded
// course with the region picker, copies the code, and follows a
// participant on the roster card: last seen, last sync and what was
// still waiting then, lessons done and where they stopped.
func TestBrowserTrainerPanel(t *testing.T) {
	ctx := browser(t)
	s := startServer(t, map[string]string{
		"LONTAR_BOOTSTRAP_ADMIN_PHONE": "081300000001", "LONTAR_BOOTSTRAP_ADMIN_PASSWORD": "admin-lontar-kupang"})
	admin := login(t, s, "081300000001", "admin-lontar-kupang")
	if r := s.Do(t, "POST", "/api/v1/users", admin, map[string]any{"phone": "081300000002", "name": "Bu Dosen",
		"password": "politeknik-kupang", "role": "trainer", "institution": "undana"}); r.Status != 201 {
		t.Fatalf("trainer: %d %s", r.Status, r.Body)
	}
	must := steps(t, ctx)
	var home, code, share string
	must("trainer lands on their classes",
		chromedp.Navigate(s.URL+"/masuk"),
		loginUI("081300000002", "politeknik-kupang"),
		chromedp.WaitVisible(`//h1[text()="Kelas saya"]`, chromedp.BySearch),
		chromedp.Location(&home),
	)
	if !strings.HasSuffix(home, "/pelatih") {
		t.Fatalf("trainer landed on %s", home)
	}
	must("open a class on a seeded course",
		fill(`#f-name`, "Penenun Oesapa"),
		setValue(`#f-course_ids`, "jualan-online"),
		setValue(`#f-starts_on`, "2026-01-01"),
		setValue(`#f-ends_on`, "2099-12-31"),
		chromedp.WaitReady(`#f-region option[value="5371040"]`, chromedp.ByQuery),
		setValue(`#f-region`, "5371040"),
		click(`form button[type=submit]`),
		visible(`li.cohort b.code`),
		chromedp.Text(`li.cohort b.code`, &code, chromedp.ByQuery),
		chromedp.AttributeValue(`li.cohort a[href^="https://wa.me/"]`, "href", &share, nil, chromedp.ByQuery),
	)
	var card string
	must("class card", chromedp.Text(`li.cohort`, &card, chromedp.ByQuery))
	if !strings.Contains(card, "Jualan online") || !strings.Contains(card, "2099") || !strings.Contains(share, code) {
		t.Fatalf("class card %q, share %q", card, share)
	}
	screenshot(t, ctx, "trainer-classes")
	var copied string
	must("copy the code",
		chromedp.ActionFunc(func(ctx context.Context) error {
			return browserGrant(ctx, s.URL)
		}),
		clickText("Salin kode"),
		chromedp.WaitVisible(`//button[contains(., "Tersalin")]`, chromedp.BySearch),
		eval(`navigator.clipboard.readText().catch(() => '')`, &copied),
	)
	if copied != "" && copied != code {
		t.Fatalf("clipboard holds %q, want %q", copied, code)
	}

	learner := register(t, s, "081234560000", "Maria Tefa", "tenun", "5371040", "f")
	if r := s.Do(t, "POST", "/api/v1/cohorts/join", learner, map[string]string{"code": code}); r.Status != 200 {
		t.Fatalf("join: %d %s", r.Status, r.Body)
	}
	r := s.Do(t, "POST", "/api/v1/sync", learner, map[string]any{"pending": 3, "events": []map[string]any{{
		"id": "6f1c7c9e-8a51-4c1e-9a52-1f0e2b3c4d5e", "type": "lesson_completed", "occurred_at": time.Now().UTC().Format(time.RFC3339),
		"course_id": "jualan-online", "lesson_id": "jualan-online-m1-l1"}}})
	if r.Status != 200 {
		t.Fatalf("sync: %d %s", r.Status, r.Body)
	}
	var who string
	must("roster card",
		click(`li.cohort a[href^="/pelatih/kelas/"]`),
		visible(`li.participant`),
		chromedp.Text(`li.participant`, &who, chromedp.ByQuery),
	)
	screenshot(t, ctx, "trainer-roster")
	for _, want := range []string{"Maria Tefa", "Sinkron terakhir", "3 belum terkirim saat itu", "Pelajaran selesai\n1/", "Berhenti di\nMemilih marketplace"} {
		if !strings.Contains(who, want) {
			t.Errorf("roster card lacks %q: %q", want, who)
		}
	}
}

// browserGrant lets the page read the clipboard, as a person would allow.
func browserGrant(ctx context.Context, origin string) error {
	return cdpbrowser.GrantPermissions([]cdpbrowser.PermissionType{cdpbrowser.PermissionTypeClipboardReadWrite, cdpbrowser.PermissionTypeClipboardSanitizedWrite}).
		WithOrigin(origin).Do(ctx)
}

// Each role lands on its own home page: an agency user on the reports
// dashboard, never the learner's home or a 404.
func TestBrowserRoleHomes(t *testing.T) {
	ctx := browser(t)
	s := startServer(t, map[string]string{
		"LONTAR_BOOTSTRAP_ADMIN_PHONE": "081300000001", "LONTAR_BOOTSTRAP_ADMIN_PASSWORD": "admin-lontar-kupang"})
	admin := login(t, s, "081300000001", "admin-lontar-kupang")
	if r := s.Do(t, "POST", "/api/v1/users", admin, map[string]any{"phone": "081300000003", "name": "Dinas Koperasi",
		"password": "dinas-koperasi-ntt", "role": "agency"}); r.Status != 201 {
		t.Fatalf("agency user: %d %s", r.Status, r.Body)
	}
	must := steps(t, ctx)
	var where, text string
	must("agency signs in",
		chromedp.Navigate(s.URL+"/masuk"),
		loginUI("081300000003", "dinas-koperasi-ntt"),
		chromedp.WaitVisible(`//h1[contains(., "Laporan")]`, chromedp.BySearch),
		chromedp.Location(&where),
		chromedp.Text(`.page h1`, &text, chromedp.ByQuery),
	)
	if !strings.HasSuffix(where, "/laporan") || text != "Laporan" {
		t.Fatalf("agency landed on %s: %q", where, text)
	}
	screenshot(t, ctx, "agency-home")
}
