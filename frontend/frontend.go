// Package frontend embeds Lontar's web app (plain HTML, CSS and ES modules,
// no build step) and serves it compressed, with checksum ETags, a strict
// Content-Security-Policy and long cache lifetimes for versioned assets.
package frontend

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"

	"lontar/httpapi"
)

//go:embed static
var static embed.FS

// CSP allows only same-origin scripts, styles, images and connections: no
// inline script or style anywhere in the app.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; manifest-src 'self'; worker-src 'self'; " +
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

type asset struct {
	body, gz    []byte
	hash        string // of body after stamping: the ?v= value and the ETag
	contentType string
}

// App serves the embedded web app.
type App struct {
	assets  map[string]*asset // by path without leading slash
	version string            // one hash over every asset: the service worker's cache name
}

// assetRef matches `"/x.js"`-style references in HTML, CSS, JS and the
// manifest, including module imports, so each can be stamped with its
// content hash (?v=…) and cached for a year.
var assetRef = regexp.MustCompile(`(["'])/((?:[a-z0-9_-]+/)*[a-z0-9_.-]+\.(?:js|css|svg|png|webmanifest))(["'])`)

// versionMark in sw.js is replaced by the hash of the whole app.
const versionMark = "__LONTAR_VERSION__"

// New loads the embedded web app.
func New() (*App, error) {
	return NewFS(Files())
}

// Files are the web app's source files, as embedded.
func Files() fs.FS {
	sub, _ := fs.Sub(static, "static") // "static" is embedded, so Sub cannot fail
	return sub
}

// NewFS loads a web app from fsys, stamps every reference between its
// files with the referenced file's content hash, and compresses each once.
// A file's hash covers its stamped references, so changing a module
// changes the URL of every module that imports it, up to index.html:
// no browser or service worker can pair a new file with an old one.
func NewFS(fsys fs.FS) (*App, error) {
	raw := map[string][]byte{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		raw[p] = b
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("frontend: read: %w", err)
	}
	if raw["index.html"] == nil {
		return nil, fmt.Errorf("frontend: no index.html: %w", fs.ErrNotExist)
	}
	a := &App{assets: map[string]*asset{}}
	visiting := map[string]bool{}
	var stamp func(name string) error
	stamp = func(name string) error {
		if a.assets[name] != nil {
			return nil
		}
		if visiting[name] {
			return fmt.Errorf("frontend: %s imports itself through a cycle", name)
		}
		visiting[name] = true
		b, ok := raw[name]
		if !ok {
			return fmt.Errorf("frontend: %s is referenced but does not exist", name)
		}
		if strings.HasSuffix(name, ".js") {
			b = compact(b)
		}
		if name != "sw.js" { // the worker is stamped last, with the whole app
			var err error
			b, err = a.stampRefs(name, b, stamp)
			if err != nil {
				return err
			}
		}
		a.assets[name] = newAsset(name, b)
		return nil
	}
	names := make([]string, 0, len(raw))
	for name := range raw {
		names = append(names, name)
	}
	sort.Strings(names)
	all := sha256.New()
	for _, name := range names {
		if name == "sw.js" {
			continue
		}
		if err := stamp(name); err != nil {
			return nil, err
		}
		all.Write([]byte(name + a.assets[name].hash))
	}
	a.version = hex.EncodeToString(all.Sum(nil)[:8])
	if sw, ok := raw["sw.js"]; ok {
		b, err := a.stampRefs("sw.js", sw, stamp)
		if err != nil {
			return nil, err
		}
		a.assets["sw.js"] = newAsset("sw.js", bytes.ReplaceAll(b, []byte(versionMark), []byte(a.version)))
	}
	return a, nil
}

// compact drops whole-line comments and indentation from a script: a
// fifth of the bytes a phone on 3G waits for, with no build step. Line
// breaks stay, so automatic semicolons mean what they meant. A script
// with a template literal spanning lines is left as written, since its
// lines are text.
func compact(b []byte) []byte {
	lines := bytes.Split(b, []byte("\n"))
	for _, l := range lines {
		if bytes.Count(l, []byte("`"))%2 == 1 {
			return b
		}
	}
	out := make([]byte, 0, len(b))
	for _, l := range lines {
		l = bytes.TrimLeft(l, " \t")
		if len(l) == 0 || bytes.HasPrefix(l, []byte("//")) {
			continue
		}
		out = append(append(out, l...), '\n')
	}
	return out
}

// stampRefs rewrites each reference in b to an asset as /name?v=hash,
// stamping the referenced asset first. A reference to a missing asset is
// an error: it would fail on every phone.
func (a *App) stampRefs(from string, b []byte, stamp func(string) error) ([]byte, error) {
	var failed error
	out := assetRef.ReplaceAllFunc(b, func(m []byte) []byte {
		sub := assetRef.FindSubmatch(m)
		ref := string(sub[2])
		if ref == "sw.js" { // registered by its fixed name
			return m
		}
		if err := stamp(ref); err != nil {
			if failed == nil {
				failed = fmt.Errorf("%s: %w", from, err)
			}
			return m
		}
		return []byte(string(sub[1]) + "/" + ref + "?v=" + a.assets[ref].hash + string(sub[3]))
	})
	return out, failed
}

func newAsset(name string, b []byte) *asset {
	sum := sha256.Sum256(b)
	ct := mime.TypeByExtension(path.Ext(name))
	switch path.Ext(name) {
	case ".webmanifest":
		ct = "application/manifest+json"
	case ".js":
		ct = "text/javascript; charset=utf-8"
	}
	var gz bytes.Buffer
	w, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression) // the level is valid
	w.Write(b)
	w.Close()
	return &asset{body: b, gz: gz.Bytes(), hash: hex.EncodeToString(sum[:8]), contentType: ct}
}

// Version is the hash of the whole app: it changes when any file changes.
func (a *App) Version() string { return a.version }

// URL is the stamped URL of an asset, as index.html references it.
func (a *App) URL(name string) string {
	if as := a.assets[name]; as != nil {
		return "/" + name + "?v=" + as.hash
	}
	return ""
}

// Names lists the embedded assets.
func (a *App) Names() []string {
	names := make([]string, 0, len(a.assets))
	for n := range a.assets {
		names = append(names, n)
	}
	return names
}

// Handler serves assets by path; any other GET path that is not an API path
// gets index.html, so app routes like /join/ABCD-EFGH work when opened from
// a WhatsApp link.
func (a *App) Handler() fiber.Handler {
	return func(c *fiber.Ctx) error {
		if c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead {
			return fiber.ErrNotFound
		}
		name := strings.TrimPrefix(c.Path(), "/")
		as, ok := a.assets[name]
		if !ok {
			if name != "" && strings.Contains(path.Base(name), ".") {
				return fiber.ErrNotFound
			}
			name, as = "index.html", a.assets["index.html"]
		}
		c.Set(fiber.HeaderContentSecurityPolicy, CSP)
		c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
		c.Set(fiber.HeaderReferrerPolicy, "same-origin")
		c.Set(fiber.HeaderXFrameOptions, "DENY")
		c.Set(fiber.HeaderVary, fiber.HeaderAcceptEncoding)
		switch {
		case strings.HasSuffix(name, ".html") || name == "sw.js":
			// Must never be served stale: they point at everything else.
			c.Set(fiber.HeaderCacheControl, "no-cache")
		case c.Query("v") == as.hash:
			c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
		default:
			c.Set(fiber.HeaderCacheControl, "no-cache")
		}
		// The ETag is the content hash, so the service worker can check that
		// a response is the version its URL asks for before caching it.
		etag := `"` + as.hash + `"`
		c.Set(fiber.HeaderETag, etag)
		if httpapi.ETagMatch(c.Get(fiber.HeaderIfNoneMatch), etag) {
			return c.SendStatus(fiber.StatusNotModified)
		}
		c.Set(fiber.HeaderContentType, as.contentType)
		if strings.Contains(c.Get(fiber.HeaderAcceptEncoding), "gzip") {
			c.Set(fiber.HeaderContentEncoding, "gzip")
			return c.Send(as.gz)
		}
		return c.Send(as.body)
	}
}
