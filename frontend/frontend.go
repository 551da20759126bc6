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
	"io/fs"
	"mime"
	"path"
	"regexp"
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
	etag        string
	hash        string
	contentType string
}

// App serves the embedded web app.
type App struct {
	assets map[string]*asset // by path without leading slash
}

// assetRef matches `src="/x.js"`-style references in HTML and JS so each
// can be stamped with its content hash (?v=…) and cached for a year.
var assetRef = regexp.MustCompile(`(["'])/((?:[a-z0-9_-]+/)*[a-z0-9_.-]+\.(?:js|css|svg|png|webmanifest))(["'])`)

// New loads and compresses every asset once.
func New() (*App, error) {
	a := &App{assets: map[string]*asset{}}
	raw := map[string][]byte{}
	err := fs.WalkDir(static, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := static.ReadFile(p)
		raw[strings.TrimPrefix(p, "static/")] = b
		return err
	})
	if err != nil {
		return nil, err
	}
	hashes := map[string]string{}
	for name, b := range raw {
		sum := sha256.Sum256(b)
		hashes[name] = hex.EncodeToString(sum[:6])
	}
	for name, b := range raw {
		// The service worker and HTML are fetched by fixed names, so they
		// carry the hashes of what they reference.
		if strings.HasSuffix(name, ".html") || name == "sw.js" {
			b = assetRef.ReplaceAllFunc(b, func(m []byte) []byte {
				sub := assetRef.FindSubmatch(m)
				ref := string(sub[2])
				h, ok := hashes[ref]
				if !ok || ref == "sw.js" {
					return m
				}
				return []byte(string(sub[1]) + "/" + ref + "?v=" + h + string(sub[3]))
			})
		}
		sum := sha256.Sum256(b)
		ct := mime.TypeByExtension(path.Ext(name))
		switch path.Ext(name) {
		case ".webmanifest":
			ct = "application/manifest+json"
		case ".js":
			ct = "text/javascript; charset=utf-8"
		}
		var gz bytes.Buffer
		w, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		w.Write(b)
		w.Close()
		a.assets[name] = &asset{body: b, gz: gz.Bytes(), etag: `"` + hex.EncodeToString(sum[:12]) + `"`,
			hash: hashes[name], contentType: ct}
	}
	if a.assets["index.html"] == nil {
		return nil, fs.ErrNotExist
	}
	return a, nil
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
		c.Set(fiber.HeaderETag, as.etag)
		if httpapi.ETagMatch(c.Get(fiber.HeaderIfNoneMatch), as.etag) {
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
