package httpapi_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"lontar"
	"lontar/httpapi"
	"lontar/internal/apitest"
)

type input struct {
	Name string `json:"name" validate:"required,min=2"`
	Age  int    `json:"age" validate:"min=0"`
}

func newApp(logs io.Writer) *fiber.App {
	app := httpapi.NewApp(httpapi.Options{Logger: slog.New(slog.NewTextHandler(logs, nil))})
	app.Post("/echo", func(c *fiber.Ctx) error {
		var in input
		if err := httpapi.BindJSON(c, &in); err != nil {
			return err
		}
		return c.JSON(in)
	})
	app.Get("/boom", func(*fiber.Ctx) error { panic("secret driver detail") })
	app.Get("/internal", func(*fiber.Ctx) error { return errors.New("mongo: secret connection string") })
	app.Get("/limited", func(*fiber.Ctx) error {
		e := *lontar.NewError(lontar.ERateLimited, "Tunggu.", "Wait.")
		e.RetryAfter = 42
		return &e
	})
	app.Get("/me", func(c *fiber.Ctx) error {
		_, err := httpapi.Authorize(c, lontar.RoleAdmin)
		return err
	})
	return app
}

type errBody struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

func call(t *testing.T, app *fiber.App, method, path, ctype string, body []byte, lang string) (int, errBody, string, map[string][]string) {
	t.Helper()
	var headers []string
	if ctype != "" {
		headers = append(headers, "Content-Type: "+ctype)
	}
	if lang != "" {
		headers = append(headers, "Accept-Language: "+lang)
	}
	var payload any
	if body != nil {
		payload = body
	}
	r := apitest.AppClient(app).Do(t, method, path, "", payload, headers...)
	var eb errBody
	_ = json.Unmarshal(r.Body, &eb) // not every reply is an error body
	return r.Status, eb, string(r.Body), r.Header
}

func TestErrorsHaveTheContractShape(t *testing.T) {
	var logs bytes.Buffer
	app := newApp(&logs)
	tests := []struct {
		name, method, path, ctype, body, lang string
		raw                                   []byte
		status                                int
		code, inMessage                       string
		field                                 string
	}{
		{name: "malformed JSON", method: "POST", path: "/echo", ctype: "application/json", body: `{"name":`, status: 400, code: "bad_request"},
		{name: "wrong content type", method: "POST", path: "/echo", ctype: "text/plain", body: `{}`, status: 400, code: "bad_request"},
		{name: "wrong field type", method: "POST", path: "/echo", ctype: "application/json", body: `{"name":"Ina","age":"tua"}`, status: 422, code: "validation_failed", field: "age"},
		{name: "missing field, Indonesian", method: "POST", path: "/echo", ctype: "application/json", body: `{}`, status: 422, code: "validation_failed", field: "name", inMessage: "belum benar"},
		{name: "missing field, English", method: "POST", path: "/echo", ctype: "application/json", body: `{}`, lang: "en", status: 422, code: "validation_failed", field: "name", inMessage: "not valid"},
		{name: "unknown route", method: "GET", path: "/nope", status: 404, code: "not_found"},
		{name: "panic", method: "GET", path: "/boom", status: 500, code: "internal"},
		{name: "internal error", method: "GET", path: "/internal", lang: "en", status: 500, code: "internal", inMessage: "Something went wrong"},
		{name: "no token", method: "GET", path: "/me", status: 401, code: "unauthenticated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := tt.raw
			if body == nil {
				body = []byte(tt.body)
			}
			status, eb, raw, _ := call(t, app, tt.method, tt.path, tt.ctype, body, tt.lang)
			if status != tt.status || eb.Error.Code != tt.code || eb.Error.Message == "" {
				t.Fatalf("got %d %s", status, raw)
			}
			if tt.field != "" && eb.Error.Fields[tt.field] == "" {
				t.Fatalf("no message for %s: %s", tt.field, raw)
			}
			if tt.inMessage != "" && !strings.Contains(eb.Error.Message, tt.inMessage) {
				t.Fatalf("message %q lacks %q", eb.Error.Message, tt.inMessage)
			}
			if strings.Contains(raw, "secret") || strings.Contains(raw, "goroutine") {
				t.Fatalf("internals leaked: %s", raw)
			}
		})
	}
	if !strings.Contains(logs.String(), "secret connection string") {
		t.Fatal("internal errors must be logged for operators")
	}
}

func TestRetryAfter(t *testing.T) {
	app := newApp(io.Discard)
	status, eb, _, h := call(t, app, "GET", "/limited", "", nil, "")
	if status != 429 || eb.Error.Code != "rate_limited" || h["Retry-After"][0] != "42" {
		t.Fatalf("%d %v %v", status, eb, h)
	}
}
