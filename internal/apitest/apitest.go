// Package apitest drives HTTP routes the way a client would. Client is the
// one HTTP test client: it sends a request to a Fiber app in process or
// to a running server's URL and returns what came back. Env is a feature's
// test app: the real middleware and error handler, a fresh database on a
// real Mongo-wire server, and real signed access tokens.
package apitest

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"lontar"
	"lontar/accounts"
	"lontar/httpapi"
	"lontar/internal/mongotest"
)

// Env is one test's app, database and token issuer.
type Env struct {
	App    *fiber.App
	DB     *mongo.Database
	Tokens *accounts.Tokens
}

// New returns an Env; register the feature's routes on Env.App (or on
// Env.API()) before sending requests.
func New(t testing.TB) *Env {
	t.Helper()
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	tokens := accounts.NewTokens(key)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	return &Env{
		App:    httpapi.NewApp(httpapi.Options{Logger: logger, Verifier: tokens}),
		DB:     mongotest.NewDatabase(t),
		Tokens: tokens,
	}
}

// API returns the /api/v1 group.
func (e *Env) API() fiber.Router { return e.App.Group("/api/v1") }

// Token returns a valid access token for the caller.
func (e *Env) Token(t testing.TB, c lontar.Caller) string {
	t.Helper()
	tok, _, err := e.Tokens.Issue(c)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// Response is what came back.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test if it is not JSON.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("response %d is not JSON: %v\n%s", r.Status, err, r.Body)
	}
}

// ErrorCode returns error.code of an error body, or "".
func (r *Response) ErrorCode() string {
	var b struct {
		Error struct{ Code string } `json:"error"`
	}
	_ = json.Unmarshal(r.Body, &b)
	return b.Error.Code
}

// Do sends a request to App through a Client (see Client.Do).
func (e *Env) Do(t testing.TB, method, path, token string, body any, headers ...string) *Response {
	t.Helper()
	return AppClient(e.App).Do(t, method, path, token, body, headers...)
}

// Client sends requests to a Fiber app in process, or over HTTP to a URL.
type Client struct {
	app  *fiber.App
	base string
}

// AppClient returns a Client for app, called in process.
func AppClient(app *fiber.App) *Client { return &Client{app: app} }

// URLClient returns a Client for the server at base (http://host:port).
func URLClient(base string) *Client { return &Client{base: strings.TrimRight(base, "/")} }

// Do sends a request. body may be nil, a string or []byte (sent as is, with
// Content-Type application/json unless headers say otherwise), or any
// other value (encoded as JSON). headers are "Name: value" strings.
func (cl *Client) Do(t testing.TB, method, path, token string, body any, headers ...string) *Response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	var req *http.Request
	if cl.app != nil {
		req = httptest.NewRequest(method, path, rd)
	} else {
		var err error
		if req, err = http.NewRequest(method, cl.base+path, rd); err != nil {
			t.Fatal(err)
		}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	var resp *http.Response
	var err error
	if cl.app != nil {
		resp, err = cl.app.Test(req, -1)
	} else {
		resp, err = http.DefaultClient.Do(req)
	}
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}
