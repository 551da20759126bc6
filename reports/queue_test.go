package reports

import (
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"lontar"
	"lontar/internal/mongotest"
)

// Changes recorded by requests reach the aggregates in the background:
// those a stopped process never applied are applied by the next one, and
// changes arriving from many requests while workers apply them (the same
// enrollment changed again mid-run included) all end up counted, with no
// record left behind.
func TestRecordedChangesAreAppliedInTheBackground(t *testing.T) {
	ctx := mongotest.Context(t)
	s := newTestStore(t)
	db := s.cells.Database()
	people := genPopulation(rand.New(rand.NewPCG(21, 22)), 80)
	mustSeedWorld(t, ctx, db, people)
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	// A process that recorded 40 changes and stopped before its workers
	// applied any (Work was never called).
	for _, p := range people[:40] {
		if err := s.EnrollmentChanged(ctx, p.user, p.course); err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := s.dirty.CountDocuments(ctx, bson.M{}); n != 40 {
		t.Fatalf("%d changes recorded, want 40", n)
	}
	if got := mustCells(t, s); len(got) != 0 {
		t.Fatalf("applied before any worker ran: %d cells", len(got))
	}

	// The next process applies them, and everything that happens while it runs.
	s2 := NewStore(db, nil)
	s2.now = s.now
	wctx, stop := context.WithCancel(ctx)
	t.Cleanup(stop)
	if err := s2.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s2.Work(wctx, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	enrollments := db.Collection("enrollments")
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Each goroutine changes its own ten enrollments, each several
			// times, as one learner's requests follow each other.
			for i := range 30 {
				p := people[g*10+i%10]
				at := testNow.Add(-time.Duration((g+i)%9) * 24 * time.Hour)
				update := bson.M{"active_at": at, "updated_at": testNow.Add(time.Duration(i) * time.Second)}
				if i%4 == 0 {
					update["completed_at"] = at
				}
				if _, err := enrollments.UpdateOne(ctx, bson.M{"_id": p.user + ":" + p.course}, bson.M{"$set": update}); err != nil {
					errs <- err
					return
				}
				if err := s2.EnrollmentChanged(ctx, p.user, p.course); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for _, p := range people[40:] {
		if err := s2.EnrollmentChanged(ctx, p.user, p.course); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// A summary waits for what was queued before it.
	sum, err := s2.Summary(ctx, admin, Filter{}, lontar.LangID)
	if err != nil {
		t.Fatal(err)
	}
	if e := sum.Totals.Enrolled; e == nil || *e != int64(len(people)) {
		t.Errorf("summary after the changes: %v enrolled, want %d", e, len(people))
	}
	s2.q.wait(ctx, time.Minute)
	if n, _ := s2.dirty.CountDocuments(ctx, bson.M{}); n != 0 {
		t.Errorf("%d change records left after the workers finished", n)
	}
	maintained := mustCells(t, s2)
	if _, err := s2.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	if d := diffTables(maintained, mustCells(t, s2)); d != "" {
		t.Fatalf("changes applied in the background differ from a rebuild:\n%s", d)
	}
}

// A reader waits for the changes made before it, not for those that keep
// arriving after it (a workshop never leaves the queue empty).
func TestReadersWaitOnlyForEarlierChanges(t *testing.T) {
	q := newQueue()
	q.push("a")
	q.push("b")
	returned := make(chan struct{})
	upTo := q.mark() // the reader arrives
	go func() {
		q.waitFor(context.Background(), upTo, time.Minute)
		close(returned)
	}()
	q.push("c") // after the reader: not waited for
	for _, want := range []string{"a", "b"} {
		select {
		case <-returned:
			t.Fatalf("the reader returned before %s was applied", want)
		default:
		}
		id, ok := q.next()
		if !ok || id != want {
			t.Fatalf("next: %q %v, want %q", id, ok, want)
		}
		if id == "b" {
			q.push("b") // changed again during its run: a later change
		}
		q.done(id)
	}
	select {
	case <-returned:
	case <-time.After(10 * time.Second):
		t.Fatal("the reader still waits, for changes made after it")
	}
	if id, _ := q.next(); id != "c" {
		t.Fatalf("next: %q, want c", id)
	}
	if id, _ := q.next(); id != "b" {
		t.Fatalf("next: %q, want b again", id)
	}
}
