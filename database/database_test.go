package database_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
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
	// Meanwhile readers go through the reading pool: they must never see
	// the counter go back, and must not disturb the writers.
	stop := make(chan struct{})
	var readers sync.WaitGroup
	for range 4 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			last := 0
			for {
				select {
				case <-stop:
					return
				default:
				}
				var got struct{ N int }
				err := database.Reads(coll).FindOne(ctx, bson.M{"_id": "c"}).Decode(&got)
				if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
					t.Error(err)
					return
				}
				if got.N < last {
					t.Errorf("a reader saw the counter go back from %d to %d", last, got.N)
					return
				}
				last = got.N
				time.Sleep(time.Millisecond)
			}
		}()
	}
	wg.Wait()
	close(stop)
	readers.Wait()
	for name, c := range map[string]*mongo.Collection{"writing connection": coll, "reading pool": database.Reads(coll)} {
		var got struct{ N int }
		if err := c.FindOne(ctx, bson.M{"_id": "c"}).Decode(&got); err != nil {
			t.Fatal(err)
		}
		if got.N != writers*each {
			t.Fatalf("counter read through the %s = %d, want %d: concurrent updates were lost", name, got.N, writers*each)
		}
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
