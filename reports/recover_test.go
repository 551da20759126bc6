package reports

import (
	"math/rand/v2"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"lontar/internal/mongotest"
)

// A crash can stop maintenance right after the journal entry is written,
// or after the cells are changed but before the journal is cleared. The
// next start finishes the change exactly once either way.
func TestInterruptedChangesAreFinishedOnceAtStart(t *testing.T) {
	ctx := mongotest.Context(t)
	s := newTestStore(t)
	people := genPopulation(rand.New(rand.NewPCG(9, 10)), 60)
	mustSeedWorld(t, ctx, s.cells.Database(), people)
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	for _, p := range people {
		if err := s.Apply(ctx, p.user, p.course); err != nil {
			t.Fatal(err)
		}
	}
	// journal writes what maintenance would have journalled for person i
	// after their enrollment changed.
	journal := func(i int, applied bool) {
		t.Helper()
		p := people[i]
		id := p.user + ":" + p.course
		at := testNow.Add(-time.Hour)
		if _, err := s.cells.Database().Collection("enrollments").UpdateOne(ctx, bson.M{"_id": id},
			bson.M{"$set": bson.M{"completed_at": at, "active_at": at, "updated_at": at}}); err != nil {
			t.Fatal(err)
		}
		e, err := s.enrollment(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		f, err := s.factOf(ctx, e, nil)
		if err != nil {
			t.Fatal(err)
		}
		var fd factDoc
		if err := s.facts.FindOne(ctx, bson.M{"_id": id}).Decode(&fd); err != nil {
			t.Fatal(err)
		}
		pd := pendingDoc{ID: id, Op: newOp(), Seq: fd.Seq, Old: &fd.Fact, New: &f, Src: e.UpdatedAt, At: testNow.Add(-time.Hour)}
		if applied {
			s.mu.Lock()
			err := s.apply(ctx, &pd, false)
			s.mu.Unlock()
			if err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.pending.InsertOne(ctx, pd); err != nil {
			t.Fatal(err)
		}
	}
	journal(0, false) // crashed after journalling
	journal(1, true)  // crashed after applying, before clearing the journal

	// A new process on the same data.
	s2 := NewStore(s.cells.Database(), nil)
	s2.now = s.now
	if err := s2.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := s2.pending.CountDocuments(ctx, bson.M{}); n != 0 {
		t.Errorf("%d journal entries left after start", n)
	}
	maintained := mustCells(t, s2)
	if _, err := s2.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	if d := diffTables(maintained, mustCells(t, s2)); d != "" {
		t.Fatalf("after recovery the cells differ from a rebuild:\n%s", d)
	}
}

// Learners keep writing while an admin rebuilds: whatever the interleaving,
// the aggregates afterwards equal a rebuild made in quiet.
func TestWritesDuringARebuildAreKept(t *testing.T) {
	ctx := mongotest.Context(t)
	s := newTestStore(t)
	people := genPopulation(rand.New(rand.NewPCG(15, 16)), 300)
	mustSeedWorld(t, ctx, s.cells.Database(), people)
	s.batch = 10 // many round trips, for writes to fall between
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		for i := range 120 {
			p := people[(i*7)%len(people)]
			at := testNow.Add(-time.Duration(i%6) * 24 * time.Hour)
			update := bson.M{"active_at": at, "updated_at": testNow.Add(time.Duration(i) * time.Second)}
			if i%3 == 0 {
				update["completed_at"] = at
			}
			if _, err := s.cells.Database().Collection("enrollments").UpdateOne(ctx, bson.M{"_id": p.user + ":" + p.course}, bson.M{"$set": update}); err != nil {
				done <- err
				return
			}
			if err := s.Apply(ctx, p.user, p.course); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for range 2 {
		if _, err := s.Rebuild(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	maintained := mustCells(t, s)
	inMemory := s.table
	if _, err := s.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	rebuilt := mustCells(t, s)
	if d := diffTables(maintained, rebuilt); d != "" {
		t.Fatalf("writes during a rebuild were lost:\n%s", d)
	}
	if d := diffTables(inMemory, rebuilt); d != "" {
		t.Fatalf("the in-memory copy drifted:\n%s", d)
	}
}
