package database_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"lontar/database"
)

// BenchmarkWrite measures one acknowledged write by _id (the shape of a
// lesson completion) under each SQLite synchronous level: the price of
// fsyncing every commit.
func BenchmarkWrite(b *testing.B) {
	for _, sync := range []string{"full", "normal"} {
		b.Run("synchronous="+sync, func(b *testing.B) {
			ctx := context.Background()
			s, err := database.Open(ctx, database.Options{DataDir: b.TempDir(), DBName: "bench", Synchronous: sync,
				Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close(ctx)
			coll := s.DB.Collection("enrollments")
			i := 0
			for b.Loop() {
				i++
				_, err := coll.UpdateOne(ctx, bson.M{"_id": fmt.Sprintf("u%d:course", i%100)},
					bson.M{"$set": bson.M{fmt.Sprintf("completed_lessons.l%d", i): i}}, options.UpdateOne().SetUpsert(true))
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkConcurrentInserts is 32 requests inserting at once, each its
// own acknowledged document (a sync record, a graded attempt), through
// the one writing connection: one insert each, or grouped by Inserter
// into shared insertMany calls (one fsync per group).
func BenchmarkConcurrentInserts(b *testing.B) {
	for _, grouped := range []bool{false, true} {
		b.Run(fmt.Sprintf("grouped=%v", grouped), func(b *testing.B) {
			ctx := context.Background()
			s, err := database.Open(ctx, database.Options{DataDir: b.TempDir(), DBName: "bench",
				Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close(ctx)
			coll := s.DB.Collection("sync_events")
			ins := database.NewInserter(coll)
			var n atomic.Int64
			b.SetParallelism(16) // × GOMAXPROCS goroutines
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					doc := bson.M{"_id": fmt.Sprint("u:", n.Add(1)), "type": "lesson_completed"}
					var err error
					if grouped {
						_, err = ins.Insert(ctx, doc)
					} else {
						_, err = coll.InsertOne(ctx, doc)
					}
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
