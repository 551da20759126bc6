package frontend_test

import (
	"io"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"lontar/frontend"
)

func newApp(t testing.TB) *fiber.App {
	t.Helper()
	web, err := frontend.New()
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New()
	app.Use(web.Handler())
	return app
}

func get(t testing.TB, app *fiber.App, path string, headers ...string) (int, map[string]string, string) {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(k, strings.TrimSpace(v))
	}
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	hs := map[string]string{}
	for k := range resp.Header {
		hs[k] = resp.Header.Get(k)
	}
	return resp.StatusCode, hs, string(b)
}

var (
	refRe    = regexp.MustCompile(`(?:src|href)="(/[^"]+)"`)
	importRe = regexp.MustCompile(`(?m)^import [^'"]*['"](/[^'"]+)['"]`)
)

// firstLoad returns what a learner's phone downloads, compressed, to show
// the first screen: the page, everything it references (its preloads
// included), and every module those import statically. Modules imported
// with import() load later, when their screen opens.
func firstLoad(t testing.TB, app *fiber.App) (int, []string) {
	_, _, html := get(t, app, "/")
	paths := []string{"/"}
	seen := map[string]bool{}
	var queue []string
	for _, m := range refRe.FindAllStringSubmatch(html, -1) {
		queue = append(queue, m[1])
	}
	total := 0
	_, _, gz := get(t, app, "/", "Accept-Encoding: gzip")
	total += len(gz)
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if seen[p] {
			continue
		}
		seen[p] = true
		paths = append(paths, p)
		_, h, body := get(t, app, p, "Accept-Encoding: gzip")
		if h["Content-Encoding"] != "gzip" {
			t.Fatalf("%s not served compressed", p)
		}
		total += len(body)
		if strings.Contains(p, ".js") {
			_, _, src := get(t, app, p)
			for _, m := range importRe.FindAllStringSubmatch(src, -1) {
				queue = append(queue, m[1])
			}
		}
	}
	return total, paths
}

func TestFirstLoadBudget(t *testing.T) {
	app := newApp(t)
	total, paths := firstLoad(t, app)
	t.Logf("first load: %d bytes compressed over %d files: %v", total, len(paths), paths)
	if total > 60*1024 {
		t.Fatalf("first load is %d bytes compressed; the budget is 60 KB", total)
	}
}

func TestIndexIsStrictAndIndonesian(t *testing.T) {
	app := newApp(t)
	status, h, html := get(t, app, "/")
	if status != 200 || !strings.Contains(html, `<html lang="id">`) {
		t.Fatalf("index: %d %s", status, html)
	}
	csp := h["Content-Security-Policy"]
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "style-src 'self'") {
		t.Fatalf("CSP: %q", csp)
	}
	if regexp.MustCompile(`<script(?:\s[^>]*)?>[^<]`).MatchString(html) || strings.Contains(html, "style=") || strings.Contains(html, "<style") {
		t.Fatal("inline script or style in index.html")
	}
	if h["Cache-Control"] != "no-cache" {
		t.Fatalf("index cache: %q", h["Cache-Control"])
	}
	// Referenced assets carry their content hash and are cached for a year.
	m := regexp.MustCompile(`src="(/app\.js\?v=[0-9a-f]+)"`).FindStringSubmatch(html)
	if m == nil {
		t.Fatalf("app.js not versioned: %s", html)
	}
	_, h, _ = get(t, app, m[1])
	if !strings.Contains(h["Cache-Control"], "immutable") {
		t.Fatalf("versioned asset cache: %q", h["Cache-Control"])
	}
	_, h, _ = get(t, app, "/app.js?v=stale")
	if h["Cache-Control"] != "no-cache" {
		t.Fatalf("stale version cached for a year: %q", h["Cache-Control"])
	}
}

func TestETagAndRoutes(t *testing.T) {
	app := newApp(t)
	_, h, _ := get(t, app, "/app.css")
	if h["Etag"] == "" {
		t.Fatal("no ETag")
	}
	if status, _, body := get(t, app, "/app.css", "If-None-Match: "+h["Etag"]); status != 304 || body != "" {
		t.Fatalf("revalidation: %d", status)
	}
	// A WhatsApp join link opens the app.
	if status, _, body := get(t, app, "/join/ABCD-EFGH"); status != 200 || !strings.Contains(body, `id="app"`) {
		t.Fatalf("/join/…: %d", status)
	}
	if status, _, _ := get(t, app, "/nope.js"); status != 404 {
		t.Fatalf("missing asset: %d", status)
	}
}

func BenchmarkFirstLoad(b *testing.B) {
	app := newApp(b)
	var total int
	for b.Loop() {
		total, _ = firstLoad(b, app)
	}
	b.ReportMetric(float64(total), "bytes-gz")
}
