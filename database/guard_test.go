package database_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"lontar/database"
)

// 20 writers each try to count the same 50 attempt ids at once: a guarded
// update must count each id exactly once, never 20 times and never lose one.
func TestUpdateIfCountsEachIDOnceUnderConcurrency(t *testing.T) {
	s := openEmbedded(t, t.TempDir())
	defer s.Close(context.Background())
	ctx := context.Background()
	coll := s.DB.Collection("enrollments")
	if _, err := coll.InsertOne(ctx, bson.M{"_id": "u:c", "attempts": 0, "applied": bson.A{}}); err != nil {
		t.Fatal(err)
	}
	const writers, ids = 20, 50
	var wg sync.WaitGroup
	var mu sync.Mutex
	applied := 0
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range ids {
				id := fmt.Sprint("a", i)
				err := database.UpdateIf(ctx, coll, "u:c", bson.M{"applied": bson.M{"$ne": id}},
					bson.M{"$addToSet": bson.M{"applied": id}, "$inc": bson.M{"attempts": 1}}, false, nil)
				if errors.Is(err, mongo.ErrNoDocuments) {
					continue // counted by another writer
				}
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				applied++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	var got struct {
		Attempts int
		Applied  []string
	}
	if err := coll.FindOne(ctx, bson.M{"_id": "u:c"}).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got.Attempts != ids || len(got.Applied) != ids || applied != ids {
		t.Fatalf("attempts = %d, applied ids = %d, updates reported = %d; want %d each", got.Attempts, len(got.Applied), applied, ids)
	}
}

func TestUpdateIfUpsertAndMissing(t *testing.T) {
	s := openEmbedded(t, t.TempDir())
	defer s.Close(context.Background())
	ctx := context.Background()
	coll := s.DB.Collection("counters")
	guard := bson.M{"used": bson.M{"$lt": 2}}
	inc := bson.M{"$inc": bson.M{"used": 1}}
	if err := database.UpdateIf(ctx, coll, "missing", guard, inc, false, nil); !errors.Is(err, mongo.ErrNoDocuments) {
		t.Fatalf("missing without upsert: %v, want ErrNoDocuments", err)
	}
	for want := 1; want <= 2; want++ {
		var c struct{ Used int }
		if err := database.UpdateIf(ctx, coll, "k", guard, inc, true, &c); err != nil || c.Used != want {
			t.Fatalf("upsert %d: used %d, %v", want, c.Used, err)
		}
	}
	err := database.UpdateIf(ctx, coll, "k", guard, inc, true, nil)
	if !mongo.IsDuplicateKeyError(err) {
		t.Fatalf("guard failing on upsert: %v, want a duplicate key error as MongoDB gives", err)
	}
}

func TestMatches(t *testing.T) {
	at := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	doc, err := bson.Marshal(bson.M{"ids": bson.A{"a", "b"}, "n": 3, "f": 2.5, "s": "x", "t": at, "null": nil,
		"q": bson.M{"first": 40}, "ok": true})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		filter bson.M
		want   bool
	}{
		{bson.M{"ids": bson.M{"$ne": "c"}}, true},
		{bson.M{"ids": bson.M{"$ne": "a"}}, false},
		{bson.M{"ids": "b"}, true},
		{bson.M{"missing": bson.M{"$ne": "a"}}, true},
		{bson.M{"q.first": bson.M{"$exists": false}}, false},
		{bson.M{"q.last": bson.M{"$exists": false}}, true},
		{bson.M{"q.first": bson.M{"$exists": true}}, true},
		{bson.M{"n": bson.M{"$lt": 4}}, true},
		{bson.M{"n": bson.M{"$lt": 3}}, false},
		{bson.M{"n": bson.M{"$lte": 3}, "f": bson.M{"$gt": 2}}, true},
		{bson.M{"f": bson.M{"$gte": 2.6}}, false},
		{bson.M{"missing": bson.M{"$lt": 4}}, false},
		{bson.M{"t": bson.M{"$gt": at.Add(-time.Second)}}, true},
		{bson.M{"t": bson.M{"$lte": at.Add(-time.Second)}}, false},
		{bson.M{"null": nil}, true},
		{bson.M{"missing": nil}, true},
		{bson.M{"s": nil}, false},
		{bson.M{"s": "x", "ok": true}, true},
		{bson.M{"s": 3}, false},
	}
	for _, c := range cases {
		got, err := database.Matches(doc, c.filter)
		if err != nil || got != c.want {
			t.Errorf("Matches(%v) = %v, %v; want %v", c.filter, got, err, c.want)
		}
	}
	if _, err := database.Matches(doc, bson.M{"n": bson.M{"$in": bson.A{3}}}); err == nil {
		t.Error("an unsupported operator must be an error, not a guess")
	}
}
