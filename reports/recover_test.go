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
		if err := s.EnrollmentChanged(ctx, p.user, p.course); err != nil {
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
		if _, err := s.enrollments.UpdateOne(ctx, bson.M{"_id": id},
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
	s2 := NewStore(s.cells.Database(), nil, false)
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
