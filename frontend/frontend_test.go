package frontend_test

import (
	"io"
	"io/fs"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

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

// appFS is a tiny web app: index → app.js → ui.js → i18n.js, and a worker.
func appFS(i18n string) fstest.MapFS {
	return fstest.MapFS{
		"index.html": {Data: []byte(`<!doctype html><script type="module" src="/app.js"></script><link rel="modulepreload" href="/ui.js">`)},
		"app.js":     {Data: []byte("import { h } from '/ui.js';\nconst lazy = () => import('/extra.js');\n")},
		"ui.js":      {Data: []byte("import { t } from '/i18n.js';\nexport const h = 1;\n")},
		"i18n.js":    {Data: []byte(i18n)},
		"extra.js":   {Data: []byte("export const x = 1;\n")},
		"sw.js":      {Data: []byte("const VERSION = '__LONTAR_VERSION__';\nconst ASSETS = ['/app.js', '/ui.js'];\n")},
	}
}

var stampRe = regexp.MustCompile(`'/([a-z0-9]+\.js)\?v=([0-9a-f]+)'`)

// Every reference between files carries the referenced file's content
// hash, which is also its ETag; a change deep in the import graph changes
// every URL on the way up to index.html and the worker's version.
func TestImportsStampedWithContentHashes(t *testing.T) {
	v1, err := frontend.NewFS(appFS("export const t = 'lama';\n"))
	if err != nil {
		t.Fatal(err)
	}
	v2, err := frontend.NewFS(appFS("export const t = 'baru';\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"i18n.js", "ui.js", "app.js", "index.html"} {
		if name != "index.html" && v1.URL(name) == v2.URL(name) {
			t.Errorf("%s keeps its URL %s although a module it imports changed", name, v1.URL(name))
		}
	}
	if v1.URL("extra.js") != v2.URL("extra.js") {
		t.Error("a module that did not change got a new URL")
	}
	if v1.Version() == v2.Version() {
		t.Error("the worker's version did not change")
	}
	app := fiber.New()
	app.Use(v2.Handler())
	for _, name := range []string{"app.js", "ui.js"} {
		_, h, body := get(t, app, "/"+name)
		for _, m := range stampRe.FindAllStringSubmatch(body, -1) {
			if "/"+m[1]+"?v="+m[2] != v2.URL(m[1]) {
				t.Errorf("%s imports %s?v=%s, want %s", name, m[1], m[2], v2.URL(m[1]))
			}
		}
		if !strings.Contains(body, "?v=") {
			t.Errorf("%s has unstamped imports: %s", name, body)
		}
		if h["Etag"] != `"`+strings.TrimPrefix(v2.URL(name), "/"+name+"?v=")+`"` {
			t.Errorf("%s ETag %s is not its URL's hash %s", name, h["Etag"], v2.URL(name))
		}
	}
	_, _, sw := get(t, app, "/sw.js")
	if !strings.Contains(sw, "'"+v2.Version()+"'") || !strings.Contains(sw, "'"+v2.URL("app.js")+"'") {
		t.Errorf("worker not stamped: %s", sw)
	}
	_, _, html := get(t, app, "/")
	if !strings.Contains(html, v2.URL("app.js")) || !strings.Contains(html, v2.URL("ui.js")) {
		t.Errorf("index not stamped: %s", html)
	}
}

func TestStampingRefusesBrokenGraphs(t *testing.T) {
	cyc := appFS("import '/app.js';\n")
	if _, err := frontend.NewFS(cyc); err == nil || !strings.Contains(err.Error(), "cycle") {
		t.Errorf("an import cycle: %v", err)
	}
	missing := appFS("import '/gone.js';\n")
	if _, err := frontend.NewFS(missing); err == nil {
		t.Error("an import of a missing file was accepted")
	}
}

// The embedded app itself: every module reference in every file is
// stamped, so no import can fetch a file of another version.
func TestEmbeddedAppFullyStamped(t *testing.T) {
	web, err := frontend.New()
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New()
	app.Use(web.Handler())
	bare := regexp.MustCompile(`['"]/[a-z0-9_-]+\.(?:js|css|svg|webmanifest)['"]`)
	for _, name := range web.Names() {
		_, _, body := get(t, app, "/"+name)
		for _, m := range bare.FindAllString(body, -1) {
			if m != `'/sw.js'` {
				t.Errorf("%s: unstamped reference %s", name, m)
			}
		}
	}
}

// Every word the app shows comes from the dictionary: each t('key') in
// any module names a key that exists in Indonesian and in English.
func TestEveryWordInTheDictionary(t *testing.T) {
	files := frontend.Files()
	entries, err := fs.ReadDir(files, ".")
	if err != nil {
		t.Fatal(err)
	}
	keyRe := regexp.MustCompile(`(?m)^\s*([a-z_]+): '`)
	keyInline := regexp.MustCompile(`[{,]\s*([a-z_]+): ['"]`)
	// A key built at run time ('kind_' + kind) is not a literal here.
	used := regexp.MustCompile(`\bt\('([a-z_]+)'[,)]`)
	comment := regexp.MustCompile(`(?m)^\s*//.*$`)
	have := map[string]int{} // key → languages
	var sources []string
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".js") {
			continue
		}
		b, _ := fs.ReadFile(files, e.Name())
		src := string(b)
		sources = append(sources, src)
		if e.Name() != "i18n.js" && !strings.HasPrefix(e.Name(), "words-") {
			continue
		}
		for _, lang := range []string{"\n  id: {", "\n  en: {"} {
			i := strings.Index(src, lang)
			if i < 0 {
				t.Fatalf("%s has no %q section", e.Name(), lang)
			}
			block := src[i : i+strings.Index(src[i:], "\n  },")]
			seen := map[string]bool{}
			for _, m := range append(keyRe.FindAllStringSubmatch(block, -1), keyInline.FindAllStringSubmatch(block, -1)...) {
				if !seen[m[1]] {
					seen[m[1]] = true
					have[m[1]]++
				}
			}
		}
	}
	n := 0
	for _, src := range sources {
		for _, m := range used.FindAllStringSubmatch(comment.ReplaceAllString(src, ""), -1) {
			n++
			if have[m[1]] != 2 {
				t.Errorf("t('%s') is in %d of 2 languages", m[1], have[m[1]])
			}
		}
	}
	if n < 100 {
		t.Fatalf("found only %d uses of t(): the test no longer reads the modules", n)
	}
}
