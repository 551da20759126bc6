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
	"os"
	"os/signal"
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

func storeKind(s *database.Conn) string {
	if s.Embedded {
		return "embedded FerretDB (SQLite)"
	}
	return "MongoDB"
}
