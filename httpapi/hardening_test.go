package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"lontar"
	"lontar/httpapi"
)

type nested struct {
	Name    string `json:"name"`
	Profile struct {
		BirthYear int      `json:"birth_year"`
		Scope     []string `json:"scope"`
		Score     float64  `json:"score"`
		Active    bool     `json:"active"`
	} `json:"profile"`
	Answers map[string]json.RawMessage `json:"answers"`
}

func TestTypeErrorsSayWhatIsExpectedInWords(t *testing.T) {
	app := newApp(io.Discard)
	app.Post("/nested", func(c *fiber.Ctx) error {
		var in nested
		return httpapi.DecodeJSON(c, &in)
	})
	for _, tt := range []struct{ body, field, id, en string }{
		{`{"answers":[1]}`, "answers", "objek", "an object"},
		{`{"name":7}`, "name", "teks", "text"},
		{`{"profile":{"birth_year":"tua"}}`, "profile.birth_year", "bilangan bulat", "whole number"},
		{`{"profile":{"scope":"5371"}}`, "profile.scope", "daftar", "a list"},
		{`{"profile":{"score":"x"}}`, "profile.score", "angka", "a number"},
		{`{"profile":{"active":"ya"}}`, "profile.active", "true atau false", "true or false"},
	} {
		for _, lang := range []string{"id", "en"} {
			status, eb, raw, _ := call(t, app, "POST", "/nested", "application/json", []byte(tt.body), lang)
			want := tt.id
			if lang == "en" {
				want = tt.en
			}
			msg := eb.Error.Fields[tt.field]
			if status != 422 || !strings.Contains(msg, want) {
				t.Errorf("%s (%s): %d %s", tt.body, lang, status, raw)
			}
			for _, goType := range []string{"map[", "json.", "int", "float64", "[]string", "bool"} {
				if strings.Contains(msg, goType) {
					t.Errorf("%s: message shows a Go type: %q", tt.body, msg)
				}
			}
		}
	}
}

func TestInvalidUTF8IsRefused(t *testing.T) {
	app := newApp(io.Discard)
	for _, body := range [][]byte{
		[]byte("{\"name\":\"Ina \xff\xfe\"}"),
		[]byte("{\"name\":\"Ina\",\"x\":\"\xc3\"}"),
		[]byte(`{"name":"Ina \ud800"}`),       // half a surrogate pair, escaped
		[]byte(`{"name":"Ina \udc00\ud800"}`), // the halves in the wrong order
		[]byte(`{"name":"Ina \ud83d\u0041"}`), // a high half with no low one
	} {
		status, eb, raw, _ := call(t, app, "POST", "/echo", "application/json", body, "en")
		if status != 400 || eb.Error.Code != "bad_request" || !strings.Contains(eb.Error.Message, "UTF-8") {
			t.Errorf("%q: %d %s", body, status, raw)
		}
	}
}

func TestValidEscapesAreAccepted(t *testing.T) {
	app := newApp(io.Discard)
	for _, body := range []string{`{"name":"Ina \ud83d\ude00"}`, `{"name":"Ina \\ud800"}`, `{"name":"Ina\n\u00e9"}`} {
		if status, _, raw, _ := call(t, app, "POST", "/echo", "application/json", []byte(body), "en"); status != 200 {
			t.Errorf("%s: %d %s", body, status, raw)
		}
	}
}

func TestAPIResponsesSayNosniff(t *testing.T) {
	app := newApp(io.Discard)
	app.Get("/ok", func(c *fiber.Ctx) error { return c.JSON(fiber.Map{"ok": true}) })
	for _, path := range []string{"/ok", "/nope", "/internal", "/me"} {
		_, _, _, h := call(t, app, "GET", path, "", nil, "")
		if got := http.Header(h).Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("GET %s: X-Content-Type-Options %q", path, got)
		}
	}
}

func TestStoreOutageIs503AndLogged(t *testing.T) {
	var logs bytes.Buffer
	app := newApp(&logs)
	app.Get("/outage", func(*fiber.Ctx) error {
		return lontar.Unavailable(errors.New("server selection timeout: secret-host:27017"))
	})
	status, eb, raw, h := call(t, app, "GET", "/outage", "", nil, "")
	if status != 503 || eb.Error.Code != "unavailable" || strings.Contains(raw, "secret") || http.Header(h).Get("Retry-After") == "" {
		t.Fatalf("%d %s %v", status, raw, h)
	}
	if !strings.Contains(logs.String(), "secret-host") {
		t.Fatalf("the cause was not logged: %s", logs.String())
	}
}

type fixedVerifier struct{}

func (fixedVerifier) Verify(token string) (*lontar.Caller, error) {
	if token != "good" {
		return nil, lontar.ErrUnauthenticated
	}
	return &lontar.Caller{UserID: "u1", Role: lontar.RoleAdmin}, nil
}

func TestBearerSchemeIsCaseInsensitive(t *testing.T) {
	app := httpapi.NewApp(httpapi.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Verifier: fixedVerifier{}})
	app.Get("/me", func(c *fiber.Ctx) error {
		if _, err := httpapi.Authorize(c, lontar.RoleAdmin); err != nil {
			return err
		}
		return c.SendStatus(204)
	})
	for _, h := range []string{"Bearer good", "bearer good", "BEARER good", "BeArEr   good "} {
		req, _ := http.NewRequest("GET", "/me", nil)
		req.Header.Set("Authorization", h)
		resp, err := app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 204 {
			t.Errorf("%q: %d", h, resp.StatusCode)
		}
	}
	for _, h := range []string{"Basic good", "Bearergood", "Bearer bad"} {
		req, _ := http.NewRequest("GET", "/me", nil)
		req.Header.Set("Authorization", h)
		resp, _ := app.Test(req, -1)
		if resp.StatusCode != 401 {
			t.Errorf("%q: %d", h, resp.StatusCode)
		}
	}
}

// An 8 MiB body from Go's own HTTP client must get the 413 in the error
// shape, not a connection reset, over a real socket.
func TestOversizedBodyGets413NotAReset(t *testing.T) {
	app := newApp(io.Discard)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(httpapi.Listener(ln)) }()
	t.Cleanup(func() { _ = app.Shutdown() })
	body := bytes.Repeat([]byte("a"), 8<<20)
	copy(body, `{"name":"`)
	for i := range 10 {
		resp, err := http.Post("http://"+ln.Addr().String()+"/echo", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatalf("try %d: %v", i, err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 413 || !strings.Contains(string(raw), `"too_large"`) || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("try %d: %d %v %s", i, resp.StatusCode, resp.Header, raw)
		}
	}
}

// A store that cannot be reached is a 503 the app retries, wherever it
// happens, not a 500.
func TestUnreachableStoreIs503(t *testing.T) {
	var logs bytes.Buffer
	app := newApp(&logs)
	client, err := mongo.Connect(options.Client().ApplyURI("mongodb://127.0.0.1:1/").
		SetServerSelectionTimeout(200 * time.Millisecond).SetConnectTimeout(200 * time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(context.Background())
	app.Get("/down", func(c *fiber.Ctx) error {
		err := client.Database("x").Collection("y").FindOne(c.UserContext(), map[string]string{"_id": "z"}).Err()
		return fmt.Errorf("accounts: get user: %w", err)
	})
	status, eb, raw, _ := call(t, app, "GET", "/down", "", nil, "")
	if status != 503 || eb.Error.Code != "unavailable" || strings.Contains(raw, "127.0.0.1") {
		t.Fatalf("%d %s", status, raw)
	}
	if !strings.Contains(logs.String(), "store unavailable") {
		t.Fatalf("not logged: %s", logs.String())
	}
}
