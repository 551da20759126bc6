package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"regexp"
	"sync"
	"testing"
	"time"

	"lontar/internal/apitest"
)

// server is a Lontar started by run, as `go run ./server` starts it,
// listening on a free loopback port.
type server struct {
	*apitest.Client // to URL
	URL             string
	cancel          context.CancelFunc
	done            chan error
	log             *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var listenLine = regexp.MustCompile(`listening on (http://[0-9.:]+)`)

// startServer runs the server with env (LONTAR_ADDR defaults to a free
// port, LONTAR_DATA_DIR to a fresh directory) and waits for its URL.
func startServer(t testing.TB, env map[string]string) *server {
	t.Helper()
	if env == nil {
		env = map[string]string{}
	}
	if env["LONTAR_ADDR"] == "" {
		env["LONTAR_ADDR"] = "127.0.0.1:0"
	}
	if env["LONTAR_DATA_DIR"] == "" {
		env["LONTAR_DATA_DIR"] = t.TempDir()
	}
	if uri := os.Getenv("MONGODB_URI"); uri != "" && env["MONGODB_URI"] == "" {
		env["MONGODB_URI"] = uri
		env["LONTAR_DB_NAME"] = fmt.Sprintf("srv_%d", time.Now().UnixNano())
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{cancel: cancel, done: make(chan error, 1), log: &syncBuffer{}}
	r, w := io.Pipe()
	go func() {
		s.done <- run(ctx, func(k string) string { return env[k] }, io.MultiWriter(w, s.log))
		w.Close()
	}()
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			if m := listenLine.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
	}()
	select {
	case s.URL = <-found:
		s.Client = apitest.URLClient(s.URL)
	case err := <-s.done:
		cancel()
		t.Fatalf("server stopped at start: %v\n%s", err, s.log)
	case <-time.After(2 * time.Minute):
		cancel()
		t.Fatalf("no listening line within 2 minutes:\n%s", s.log)
	}
	t.Cleanup(func() { s.stop(t) })
	return s
}

// stop sends the equivalent of SIGTERM and waits for a clean exit.
func (s *server) stop(t testing.TB) {
	t.Helper()
	if s.cancel == nil {
		return
	}
	s.cancel()
	s.cancel = nil
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("server exited with %v", err)
		}
	case <-time.After(time.Minute):
		t.Error("server did not stop within a minute")
	}
}
