package database_test

import (
	"context"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"lontar/database"
)

func openEmbedded(t *testing.T, dir string) *database.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	s, err := database.Open(ctx, database.Options{DataDir: dir, DBName: "lontar", Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// FerretDB v1 applies an update as read, change, write back without a
// transaction; through the app's single connection nothing may be lost.
func TestConcurrentIncrementsLoseNothing(t *testing.T) {
	s := openEmbedded(t, t.TempDir())
	defer s.Close(context.Background())
	ctx := context.Background()
	coll := s.DB.Collection("counters")
	const writers, each = 20, 50
	var wg sync.WaitGroup
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				_, err := coll.UpdateOne(ctx, bson.M{"_id": "c"}, bson.M{"$inc": bson.M{"n": 1}},
					options.UpdateOne().SetUpsert(true))
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	var got struct{ N int }
	if err := coll.FindOne(ctx, bson.M{"_id": "c"}).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got.N != writers*each {
		t.Fatalf("counter = %d, want %d: concurrent updates were lost", got.N, writers*each)
	}
}

func TestEmbeddedStorePersistsAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	s := openEmbedded(t, dir)
	if _, err := s.DB.Collection("notes").InsertOne(ctx, bson.M{"_id": "n1", "text": "sei sapi"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}
	s = openEmbedded(t, dir)
	defer s.Close(ctx)
	var got struct{ Text string }
	if err := s.DB.Collection("notes").FindOne(ctx, bson.M{"_id": "n1"}).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got.Text != "sei sapi" {
		t.Fatalf("text = %q after restart", got.Text)
	}
}
