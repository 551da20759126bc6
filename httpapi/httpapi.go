// Package httpapi holds what every HTTP feature shares: the Fiber app with
// its middleware, the one mapping from lontar errors to HTTP responses,
// request language, JSON binding and the caller from the bearer token.
package httpapi

import (
	"encoding/json"
	"errors"
	"log/slog"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"

	"lontar"
)

// BodyLimit is the largest request body accepted; larger ones get 413.
const BodyLimit = 1 << 20

// Verifier turns a bearer token into the caller it was issued to.
type Verifier interface {
	Verify(token string) (*lontar.Caller, error)
}

// Options configure NewApp.
type Options struct {
	Logger   *slog.Logger
	Verifier Verifier // nil: every request is anonymous
	// TrustedProxies are the load balancers whose X-Forwarded-For is
	// believed; with none, the client address is the peer address.
	TrustedProxies []string
}

// NewApp returns a Fiber app with the error handler, panic recovery,
// request IDs and bearer-token authentication installed. Routes come after.
func NewApp(o Options) *fiber.App {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	proxyHeader := ""
	if len(o.TrustedProxies) > 0 {
		proxyHeader = fiber.HeaderXForwardedFor
	}
	app := fiber.New(fiber.Config{
		AppName:               "lontar",
		BodyLimit:             BodyLimit,
		ErrorHandler:          ErrorHandler(o.Logger),
		DisableStartupMessage: true,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		// Behind a load balancer the client address (used by rate limits)
		// comes from its header, believed only from the proxies configured.
		EnableTrustedProxyCheck: true,
		TrustedProxies:          o.TrustedProxies,
		ProxyHeader:             proxyHeader,
	})
	app.Use(func(c *fiber.Ctx) error {
		// No browser may guess a JSON or CSV answer to be HTML or script.
		c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
		return c.Next()
	})
	app.Use(requestid.New())
	app.Use(recover.New())
	app.Use(authenticate(o.Verifier))
	return app
}

// authenticate puts the caller of a valid bearer token into the request's
// user context. A missing or invalid token leaves the request anonymous;
// routes that need a caller reject it through lontar.Require.
func authenticate(v Verifier) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if v == nil {
			return c.Next()
		}
		token, ok := bearer(c.Get(fiber.HeaderAuthorization))
		if !ok {
			return c.Next()
		}
		caller, err := v.Verify(token)
		if err != nil {
			// An invalid token on a protected route must say so, not fall
			// through to a confusing 403.
			return err
		}
		c.SetUserContext(lontar.NewContext(c.UserContext(), caller))
		return c.Next()
	}
}

// bearer returns the token of an Authorization header using the Bearer
// scheme, whose name is case-insensitive (RFC 7235).
func bearer(h string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// ErrBadLang rejects a ?lang other than id, en or all.
var ErrBadLang = lontar.NewError(lontar.EBadRequest,
	"Parameter lang harus id, en atau all.", "The lang parameter must be id, en or all.")

// LangParam reads ?lang=id|en|all in any case, else Accept-Language, else
// Indonesian. all is true for lang=all, which asks for texts as {id, en}
// objects (lang is then Indonesian); any other value is ErrBadLang.
func LangParam(c *fiber.Ctx) (lang lontar.Lang, all bool, err error) {
	switch strings.ToLower(c.Query("lang")) {
	case "":
		return lontar.ParseAcceptLanguage(c.Get(fiber.HeaderAcceptLanguage)), false, nil
	case "id":
		return lontar.LangID, false, nil
	case "en":
		return lontar.LangEN, false, nil
	case "all":
		return lontar.LangID, true, nil
	}
	return "", false, ErrBadLang
}

// Lang is the language of the response's messages: ?lang=id|en, else
// Accept-Language, else Indonesian. It never fails, so that even the
// error about a bad ?lang can be read.
func Lang(c *fiber.Ctx) lontar.Lang {
	if lang, all, err := LangParam(c); err == nil && !all {
		return lang
	}
	return lontar.ParseAcceptLanguage(c.Get(fiber.HeaderAcceptLanguage))
}

// ETagMatch applies If-None-Match's weak comparison (RFC 9110 13.1.2):
// true for "*" or when any listed tag, with or without W/, is etag.
func ETagMatch(ifNoneMatch, etag string) bool {
	etag = strings.TrimPrefix(etag, "W/")
	for tag := range strings.SplitSeq(ifNoneMatch, ",") {
		tag = strings.TrimSpace(tag)
		if tag == "*" || strings.TrimPrefix(tag, "W/") == etag {
			return true
		}
	}
	return false
}

// ErrBadJSON is returned for a body that is not the JSON object expected.
var ErrBadJSON = lontar.NewError(lontar.EBadRequest,
	"Isi permintaan bukan JSON yang benar.", "The request body is not valid JSON.")

// BindJSON decodes the JSON body into v and validates it.
func BindJSON(c *fiber.Ctx, v any) error {
	if err := DecodeJSON(c, v); err != nil {
		return err
	}
	return lontar.Validate(v)
}

// DecodeJSON decodes the JSON body into v without validating it, for
// inputs that get defaults filled in before their rules are checked.
func DecodeJSON(c *fiber.Ctx, v any) error {
	ct := strings.ToLower(c.Get(fiber.HeaderContentType))
	if !strings.HasPrefix(ct, fiber.MIMEApplicationJSON) {
		return lontar.NewError(lontar.EBadRequest,
			"Kirim data sebagai application/json.", "Send the data as application/json.")
	}
	body := c.Body()
	if !utf8.Valid(body) || loneSurrogate(body) {
		// Go's decoder would quietly store U+FFFD instead.
		return errNotUTF8
	}
	if err := json.Unmarshal(body, v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			id, en := kindInWords(typeErr.Type)
			return lontar.FieldErrors(map[string]lontar.Text{typeErr.Field: {
				ID: "Jenis isian salah: harus " + id + ".",
				EN: "Wrong kind of value: must be " + en + ".",
			}})
		}
		return ErrBadJSON
	}
	return nil
}

// loneSurrogate reports a \u escape of half a UTF-16 surrogate pair
// without its other half: text that is not Unicode, written in ASCII.
// Backslashes appear only inside JSON strings, so a scan of escapes is
// exact.
func loneSurrogate(b []byte) bool {
	hex4 := func(i int) (rune, bool) {
		if i+6 > len(b) || b[i] != '\\' || b[i+1] != 'u' {
			return 0, false
		}
		var r rune
		for _, c := range b[i+2 : i+6] {
			switch {
			case c >= '0' && c <= '9':
				r = r<<4 | rune(c-'0')
			case c >= 'a' && c <= 'f':
				r = r<<4 | rune(c-'a'+10)
			case c >= 'A' && c <= 'F':
				r = r<<4 | rune(c-'A'+10)
			default:
				return 0, false
			}
		}
		return r, true
	}
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' {
			continue
		}
		r, ok := hex4(i)
		if !ok {
			i++ // an escape such as \\ or \n: skip the escaped byte
			continue
		}
		switch {
		case r >= 0xDC00 && r <= 0xDFFF:
			return true // a low half first
		case r >= 0xD800 && r <= 0xDBFF:
			low, ok := hex4(i + 6)
			if !ok || low < 0xDC00 || low > 0xDFFF {
				return true
			}
			i += 11
		default:
			i += 5
		}
	}
	return false
}

var errNotUTF8 = lontar.NewError(lontar.EBadRequest,
	"Isi permintaan harus teks UTF-8 yang benar.", "The request body must be valid UTF-8 text.")

// kindInWords says what kind of JSON value a Go type takes, for people:
// error messages never show Go types.
func kindInWords(t reflect.Type) (id, en string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "teks dalam tanda petik", "text in quotes"
	case reflect.Bool:
		return "true atau false", "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "bilangan bulat", "a whole number"
	case reflect.Float32, reflect.Float64:
		return "angka", "a number"
	case reflect.Slice, reflect.Array:
		return "daftar dalam [ ]", "a list in [ ]"
	case reflect.Map, reflect.Struct:
		return "objek dalam { }", "an object in { }"
	}
	return "nilai lain", "another kind of value"
}

// Authorize returns the request's caller if it has one of roles: unauthenticated
// without a valid token, forbidden for any other role (any role when none are given).
func Authorize(c *fiber.Ctx, roles ...lontar.Role) (*lontar.Caller, error) {
	return lontar.Require(c.UserContext(), roles...)
}
