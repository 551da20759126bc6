package database_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"lontar/database"
)

// Many requests insert at once, some the same _id: every document is
// stored once, exactly one request hears "new" for each _id, and the
// others hear "duplicate".
func TestInserterGroupsConcurrentInserts(t *testing.T) {
	s := openEmbedded(t, t.TempDir())
	defer s.Close(context.Background())
	ctx := context.Background()
	coll := s.DB.Collection("sync_events")
	ins := database.NewInserter(coll)
	const callers, each = 20, 10
	var mu sync.Mutex
	fresh := map[string]int{}
	var wg sync.WaitGroup
	for c := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			docs := make([]any, each)
			ids := make([]string, each)
			for i := range each {
				// Half the ids are shared by every caller, half are its own.
				ids[i] = fmt.Sprint("shared-", i)
				if i%2 == 1 {
					ids[i] = fmt.Sprint("own-", c, "-", i)
				}
				docs[i] = bson.M{"_id": ids[i], "by": c}
			}
			dup, err := ins.Insert(ctx, docs...)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			for i, d := range dup {
				if !d {
					fresh[ids[i]]++
				}
			}
		}()
	}
	wg.Wait()
	n, err := coll.CountDocuments(ctx, bson.M{})
	if err != nil {
		t.Fatal(err)
	}
	want := each/2 + callers*each/2
	if int(n) != want || len(fresh) != want {
		t.Fatalf("%d documents stored, %d ids reported new; want %d", n, len(fresh), want)
	}
	for id, k := range fresh {
		if k != 1 {
			t.Fatalf("%s reported new to %d callers", id, k)
		}
	}
}
