package main

import (
	"io/fs"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"

	"github.com/chromedp/chromedp"
	"github.com/gofiber/fiber/v2"

	"lontar/frontend"
)

// version builds the real web app with one change: a build marker in
// i18n.js, which every other module imports.
func version(t *testing.T, marker string) *frontend.App {
	t.Helper()
	files := fstest.MapFS{}
	err := fs.WalkDir(frontend.Files(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(frontend.Files(), p)
		if p == "i18n.js" {
			b = append(b, []byte("\nwindow.lontarBuild = '"+marker+"';\n")...)
		}
		files[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	app, err := frontend.NewFS(files)
	if err != nil {
		t.Fatal(err)
	}
	return app
}

// A phone has version 1 installed, with its service worker, when version 2
// is deployed. Whatever the old worker holds, a request for a version-2
// file gets the version-2 file (or nothing, with no signal), never the
// old one; the old page keeps getting its own files; and the next open
// runs version 2 throughout.
func TestBrowserServiceWorkerNeverServesAnOldFile(t *testing.T) {
	ctx := browser(t)
	v1, v2 := version(t, "v1"), version(t, "v2")
	var current atomic.Pointer[frontend.App]
	current.Store(v1)
	var down atomic.Bool
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Use(func(c *fiber.Ctx) error {
		if down.Load() {
			return c.Context().Conn().Close()
		}
		if strings.HasPrefix(c.Path(), "/api/") {
			return c.Status(503).JSON(fiber.Map{"error": fiber.Map{"code": "unavailable", "message": "-"}})
		}
		return current.Load().Handler()(c)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	t.Cleanup(func() { _ = app.Shutdown() })
	base := "http://" + ln.Addr().String()
	must := steps(t, ctx)

	var build string
	var controlled bool
	must("install version 1",
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(`header.top`, chromedp.ByQuery),
		eval(`navigator.serviceWorker.ready.then(() => new Promise((ok) => navigator.serviceWorker.controller ? ok(true) : navigator.serviceWorker.addEventListener('controllerchange', () => ok(true))))`, &controlled),
		eval(`window.lontarBuild`, &build),
	)
	if build != "v1" {
		t.Fatalf("build %q", build)
	}

	current.Store(v2)
	fetchText := func(url string) string {
		var s string
		must("fetch "+url, eval(`fetch('`+url+`').then((r) => r.text(), (e) => 'failed: ' + e)`, &s))
		return s
	}
	if got := fetchText(v2.URL("i18n.js")); !strings.Contains(got, "'v2'") {
		t.Fatalf("the old worker answered a version-2 URL with: %.80q…", got)
	}
	if got := fetchText(v1.URL("i18n.js")); !strings.Contains(got, "'v1'") {
		t.Fatalf("the old page's own file: %.80q…", got)
	}
	if got := fetchText(v2.URL("quiz.js")); strings.Contains(got, "failed") {
		t.Fatalf("quiz.js of version 2: %s", got)
	}
	// With no signal, a version-2 file the phone does not have fails
	// rather than being answered with version 1's.
	down.Store(true)
	if got := fetchText(v2.URL("ui.js") + "&probe"); !strings.HasPrefix(got, "failed") && strings.Contains(got, "'v1'") {
		t.Fatalf("with no signal a version-2 URL got an old file")
	}
	down.Store(false)

	// Opening the app again runs version 2 in every module.
	must("open again",
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(`header.top`, chromedp.ByQuery),
	)
	waitUntil(t, ctx, "version 2 runs", `window.lontarBuild === 'v2'`)
	var scripts []string
	must("modules loaded", eval(`performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.includes('.js?v='))`, &scripts))
	want := map[string]bool{}
	for _, n := range v2.Names() {
		want[v2.URL(n)] = true
	}
	for _, s := range scripts {
		if i := strings.Index(s, "/"); i >= 0 {
			path := s[strings.Index(s, "//")+2:]
			path = path[strings.Index(path, "/"):]
			if !want[path] {
				t.Errorf("version 2 page loaded %s, not a version-2 file", path)
			}
		}
	}
}
