// Command server runs Lontar: the API, the web app and, unless MONGODB_URI
// is set, an embedded MongoDB-wire store (FerretDB on SQLite).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"syscall"
	"time"

	"lontar/database"
	"lontar/httpapi"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "lontar:", err)
		os.Exit(1)
	}
}

// run starts the store, builds the app, listens until ctx ends, then shuts
// down gracefully: stop accepting, finish requests in flight, close the
// store.
func run(ctx context.Context, getenv func(string) string, out io.Writer) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	var handler slog.Handler = slog.NewTextHandler(out, nil)
	if cfg.LogFormat == "json" {
		handler = slog.NewJSONHandler(out, nil)
	}
	logger := slog.New(handler)
	started := time.Now()
	if getenv("GOMEMLIMIT") == "" {
		// A soft ceiling for the Go heap, so a registration wave (each
		// argon2id hash holds 19 MiB) does not leave the heap at twice
		// its live size on a small server; GOMEMLIMIT overrides it.
		debug.SetMemoryLimit(defaultMemoryLimit)
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	listenURL := "http://" + ln.Addr().String()
	if cfg.PublicURL == "" {
		cfg.PublicURL = listenURL
	}

	conn, err := database.Open(ctx, database.Options{
		URI: cfg.MongoURI, DataDir: cfg.DataDir, DBName: cfg.DBName,
		Synchronous: cfg.SQLiteSynchronous, Logger: logger,
	})
	if err != nil {
		ln.Close()
		return err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := conn.Close(cctx); err != nil {
			logger.Error("close store", "err", err)
		}
	}()

	app, err := buildApp(ctx, cfg, conn, logger)
	if err != nil {
		ln.Close()
		return err
	}

	if cfg.PprofAddr != "" {
		stopPprof, err := servePprof(cfg.PprofAddr, logger)
		if err != nil {
			ln.Close()
			return err
		}
		defer stopPprof()
	}

	served := make(chan error, 1)
	go func() { served <- app.Listener(httpapi.Listener(ln)) }()
	logger.Info("listening on "+listenURL, "store", storeKind(conn), "ready_after", time.Since(started).Round(time.Millisecond).String())

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	if err := app.ShutdownWithTimeout(30 * time.Second); err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// defaultMemoryLimit is the Go heap's soft limit unless GOMEMLIMIT is set.
const defaultMemoryLimit = 150 << 20

// servePprof serves the runtime profiles on a loopback address of their
// own, so they are never reachable through the public listener, and turns
// on block and mutex profiling, which cost a little on every contention.
func servePprof(addr string, logger *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("pprof: listen on %s: %w", addr, err)
	}
	runtime.SetBlockProfileRate(int(10 * time.Microsecond))
	runtime.SetMutexProfileFraction(10)
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	logger.Info("pprof on http://" + ln.Addr().String() + "/debug/pprof/")
	return func() { _ = srv.Close() }, nil
}

func storeKind(s *database.Conn) string {
	if s.Embedded {
		return "embedded FerretDB (SQLite)"
	}
	return "MongoDB"
}
