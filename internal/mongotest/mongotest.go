// Package mongotest gives tests a fresh database on a real Mongo-wire
// server: the one named by MONGODB_URI, or one embedded FerretDB per test
// binary, started on first use.
package mongotest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"lontar/database"
)

var shared = sync.OnceValues(func() (*mongo.Client, error) {
	uri := os.Getenv("MONGODB_URI")
	opts := options.Client()
	if uri == "" {
		dir, err := os.MkdirTemp("", "lontar-mongotest-")
		if err != nil {
			return nil, err
		}
		logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
		uri, _, err = database.StartEmbedded(context.Background(), dir, "normal", logger)
		if err != nil {
			return nil, err
		}
		// The same single connection the app uses on the embedded store.
		return database.ConnectEmbedded(uri)
	}
	return mongo.Connect(opts.ApplyURI(uri))
})

// Client returns the shared client, failing the test if no server can be had.
func Client(t testing.TB) *mongo.Client {
	t.Helper()
	c, err := shared()
	if err != nil {
		t.Fatalf("mongotest: %v", err)
	}
	return c
}

// NewDatabase returns a database with a fresh random name, dropped when the
// test ends.
func NewDatabase(t testing.TB) *mongo.Database {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	db := Client(t).Database("t_" + hex.EncodeToString(b[:]))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = db.Drop(ctx)
	})
	return db
}

// Context returns a context that ends with the test or after a minute.
func Context(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}
