package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lontar/database"
	"lontar/internal/apitest"
)

func TestLoadConfig(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	c, err := loadConfig(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DataDir != "./data" || c.DBName != "lontar" || c.MongoURI != "" || c.SQLiteSynchronous != "full" ||
		c.HomeRegion != "5371" || c.DataPricePerGB != 3500 {
		t.Fatalf("defaults: %+v", c)
	}
	_, err = loadConfig(env(map[string]string{
		"LONTAR_ADDR": "nonsense", "MONGODB_URI": "postgres://x", "LONTAR_BOOTSTRAP_ADMIN_PHONE": "0812",
		"LONTAR_SQLITE_SYNCHRONOUS": "off", "LONTAR_PUBLIC_URL": "ftp://x", "LONTAR_PPROF_ADDR": "0.0.0.0:6060",
		"LONTAR_HOME_REGION": "Kupang", "LONTAR_DATA_PRICE_PER_GB": "murah",
		"LONTAR_REBUILD_REPORTS": "yes",
	}))
	if err == nil {
		t.Fatal("bad config accepted")
	}
	for _, want := range []string{"LONTAR_ADDR", "MONGODB_URI", "BOOTSTRAP", "SYNCHRONOUS", "PUBLIC_URL", "PPROF", "HOME_REGION", "DATA_PRICE", "REBUILD_REPORTS"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not report %s: %v", want, err)
		}
	}
}

func TestServerStartsServesAndStops(t *testing.T) {
	s := startServer(t, nil)
	for _, p := range []string{"/healthz", "/readyz", "/api/openapi.json", "/api/v1/regions"} {
		if r := s.Do(t, "GET", p, "", nil); r.Status != 200 {
			t.Errorf("GET %s = %d %s", p, r.Status, r.Body)
		}
	}
	r := s.Do(t, "GET", "/api/v1/nope", "", nil)
	var e struct {
		Error struct{ Code, Message string }
	}
	r.JSON(t, &e)
	if r.Status != 404 || e.Error.Code != "not_found" {
		t.Fatalf("unknown API path: %d %s", r.Status, r.Body)
	}
	// A body over 1 MiB is refused with the contract's shape, over real HTTP.
	// The server answers from the declared length, before reading the
	// body, so the client announces 2 MiB and reads the reply.
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/auth/login HTTP/1.1\r\nHost: lontar\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n{", 2<<20)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 413 || !strings.Contains(string(body), `"too_large"`) {
		t.Fatalf("2 MiB body: %d %s", resp.StatusCode, body)
	}
	if !strings.Contains(s.log.String(), "listening on http://127.0.0.1:") {
		t.Fatalf("log lacks the listening line:\n%s", s.log)
	}
	if strings.Contains(s.log.String(), "level=INFO msg=\"connection") {
		t.Fatal("FerretDB's info logs reach the app log")
	}
	s.stop(t)
	if _, err := http.Get(s.URL + "/healthz"); err == nil {
		t.Fatal("still serving after shutdown")
	}
}

func TestDataSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, map[string]string{"LONTAR_DATA_DIR": dir})
	r := s.Do(t, "POST", "/api/v1/auth/register", "", map[string]any{
		"phone": "0812 3456 7890", "name": "Yuliana Ndun", "password": "tenun-amarasi-2024",
		"profile": map[string]any{"business_name": "Tenun Ina", "sector": "tenun", "region": "5371030", "gender": "f"},
	})
	if r.Status != 201 {
		t.Fatalf("register: %d %s", r.Status, r.Body)
	}
	var reg struct {
		AccessToken string `json:"access_token"`
	}
	r.JSON(t, &reg)
	key, err := os.ReadFile(filepath.Join(dir, "keys", "access-token.key"))
	if err != nil {
		t.Fatal(err)
	}
	if info, _ := os.Stat(filepath.Join(dir, "keys", "access-token.key")); info.Mode().Perm() != 0o600 {
		t.Fatalf("key mode %v", info.Mode())
	}
	s.stop(t)

	s = startServer(t, map[string]string{"LONTAR_DATA_DIR": dir})
	if r := s.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"phone": "+6281234567890", "password": "tenun-amarasi-2024"}); r.Status != 200 {
		t.Fatalf("login after restart: %d %s", r.Status, r.Body)
	}
	// The signing key persisted too: a token from before the restart works.
	if r := s.Do(t, "GET", "/api/v1/me", reg.AccessToken, nil); r.Status != 200 || !strings.Contains(string(r.Body), "Yuliana Ndun") {
		t.Fatalf("old token after restart: %d %s", r.Status, r.Body)
	}
	key2, _ := os.ReadFile(filepath.Join(dir, "keys", "access-token.key"))
	if string(key) != string(key2) {
		t.Fatal("signing key changed across restart")
	}
}

func TestBootstrapAdmin(t *testing.T) {
	env := map[string]string{"LONTAR_BOOTSTRAP_ADMIN_PHONE": "081300000001", "LONTAR_BOOTSTRAP_ADMIN_PASSWORD": "admin-lontar-kupang"}
	s := startServer(t, env)
	r := s.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"phone": "081300000001", "password": "admin-lontar-kupang"})
	var got struct {
		User struct{ Role string }
	}
	r.JSON(t, &got)
	if r.Status != 200 || got.User.Role != "admin" {
		t.Fatalf("bootstrap admin login: %d %s", r.Status, r.Body)
	}
}

// Every route the app registers must be in the OpenAPI document.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	conn, err := database.Open(ctx, database.Options{URI: os.Getenv("MONGODB_URI"), DataDir: dir, DBName: "openapi", Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	cfg, _ := loadConfig(func(k string) string { return map[string]string{"LONTAR_DATA_DIR": dir}[k] })
	app, err := buildApp(ctx, cfg, conn, logger)
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, r := range apiRoutes {
		if documented[r.Method+" "+r.Path] {
			t.Errorf("the OpenAPI table lists %s %s twice", r.Method, r.Path)
		}
		documented[r.Method+" "+r.Path] = true
	}
	for _, r := range app.GetRoutes(true) {
		// Every route but the API's JSON 404 and the web app (mounted with
		// Use, so not listed): the contract's absolute paths (/verify/{code},
		// /.well-known/jwks.json) are part of the API clients rely on.
		if r.Method == "HEAD" || r.Path == "/api/*" {
			continue
		}
		if !documented[r.Method+" "+r.Path] {
			t.Errorf("route %s %s is missing from the OpenAPI document", r.Method, r.Path)
		}
	}
	registered := map[string]bool{}
	for _, r := range app.GetRoutes(true) {
		registered[r.Method+" "+r.Path] = true
	}
	for _, r := range apiRoutes {
		if !registered[r.Method+" "+r.Path] {
			t.Errorf("the OpenAPI document lists %s %s, which the app does not serve", r.Method, r.Path)
		}
	}
	doc, err := openAPIDocument()
	if err != nil {
		t.Fatal(err)
	}
	var parsed struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(doc, &parsed); err != nil || parsed.OpenAPI != "3.1.0" {
		t.Fatalf("document: %v", err)
	}
	if _, ok := parsed.Paths["/api/v1/courses/{id}/lessons/{lesson}/complete"]["post"]; !ok {
		t.Fatal("path parameters not rendered in OpenAPI style")
	}
}

// /readyz tells a load balancer to stop sending traffic when the store is
// gone, while /healthz still says the process runs.
func TestReadyzFollowsTheStore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	conn, err := database.Open(ctx, database.Options{DataDir: dir, DBName: "ready", Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := loadConfig(func(k string) string { return map[string]string{"LONTAR_DATA_DIR": dir}[k] })
	app, err := buildApp(ctx, cfg, conn, logger)
	if err != nil {
		t.Fatal(err)
	}
	client := apitest.AppClient(app)
	status := func(path string) int { return client.Do(t, "GET", path, "", nil).Status }
	if s := status("/readyz"); s != 200 {
		t.Fatalf("ready with a store: %d", s)
	}
	if err := conn.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if s := status("/readyz"); s != 503 {
		t.Fatalf("ready without a store: %d", s)
	}
	if s := status("/healthz"); s != 200 {
		t.Fatalf("healthz: %d", s)
	}
}
