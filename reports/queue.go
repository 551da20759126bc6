package reports

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Learners' requests do not wait for the aggregates. Applying one change
// costs several writes (the journal, the cells, the fact, the xAPI log),
// and on the embedded store every write queues for its one writing
// connection: done inside the request it took a 300-learner workshop's
// lesson completions from 3 ms to 0.7 s at the median (BENCHMARKS.md).
// So a request only records, durably, that the enrollment changed: one
// insert by _id into report_dirty, which concurrent requests share
// (database.Inserter: one transaction, one fsync). Background workers
// apply the changes and delete the records; Start queues the records a
// crash left behind, so no change is ever lost, only applied late.
// Readers of the aggregates wait (briefly) for the changes queued before
// them, so a report read after a learner's answer includes it.

// dirtyDoc records that an enrollment changed and the aggregates may not
// show it yet. Every change writes a new token, so a worker deletes the
// record only if no change came after the one it applied.
type dirtyDoc struct {
	ID    string    `bson:"_id"` // the enrollment
	Token string    `bson:"token"`
	At    time.Time `bson:"at"`
}

// Queue states of an enrollment.
const (
	queued   = 1
	running  = 2
	runAgain = 3 // changed again while being applied
)

// queue is the set of enrollments waiting to be applied, each once
// however often it changed, in the order they first changed. Every change
// gets a number, so a reader can wait for the changes made before it
// without waiting for the ones that keep arriving after.
type queue struct {
	mu    sync.Mutex
	state map[string]*entry
	order []string
	seq   uint64        // the number of the latest change
	wake  chan struct{} // a worker may have work
	ran   chan struct{} // closed and replaced whenever a run ends
}

type entry struct {
	st    uint8
	seq   uint64 // the oldest change not yet applied
	again uint64 // with runAgain: the change that came during the run
}

func newQueue() *queue {
	return &queue{state: map[string]*entry{}, wake: make(chan struct{}, 1), ran: make(chan struct{})}
}

func (q *queue) push(id string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	e := q.state[id]
	switch {
	case e == nil:
		q.seq++
		q.state[id] = &entry{st: queued, seq: q.seq}
		q.order = append(q.order, id)
		q.signal()
	case e.st == running:
		q.seq++
		e.st, e.again = runAgain, q.seq
	}
}

// signal wakes a worker; the caller holds q.mu.
func (q *queue) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// next takes the oldest queued enrollment.
func (q *queue) next() (string, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.order) == 0 {
		return "", false
	}
	id := q.order[0]
	q.order = q.order[1:]
	q.state[id].st = running
	return id, true
}

// done ends a run of id. again reports that it changed during the run and
// is queued once more (its record must stay).
func (q *queue) done(id string) (again bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	close(q.ran)
	q.ran = make(chan struct{})
	e := q.state[id]
	if e.st == runAgain {
		e.st, e.seq = queued, e.again
		q.order = append(q.order, id)
		q.signal()
		return true
	}
	delete(q.state, id)
	return false
}

// wait returns once every change numbered up to now has been applied (or
// its run failed), or after at most limit.
func (q *queue) wait(ctx context.Context, limit time.Duration) {
	q.waitFor(ctx, q.mark(), limit)
}

// mark is the number of the latest change.
func (q *queue) mark() uint64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.seq
}

// waitFor returns once every change numbered up to upTo has been applied
// (or its run failed), or after at most limit.
func (q *queue) waitFor(ctx context.Context, upTo uint64, limit time.Duration) {
	t := time.NewTimer(limit)
	defer t.Stop()
	q.mu.Lock()
	for {
		pending := false
		for _, e := range q.state {
			if e.seq <= upTo {
				pending = true
				break
			}
		}
		ran := q.ran
		q.mu.Unlock()
		if !pending {
			return
		}
		select {
		case <-ran:
		case <-t.C:
			return
		case <-ctx.Done():
			return
		}
		q.mu.Lock()
	}
}

// readWait is how long a reader of the aggregates waits for queued changes.
const readWait = 3 * time.Second

// EnrollmentChanged records that the enrollment of the user in the course
// changed, for the workers to apply; the enrollments and certificates
// features call it after each stored change. It returns once the record
// is stored, so a crash cannot lose the change; the aggregates follow
// within moments (Apply does the same at once).
func (s *Store) EnrollmentChanged(ctx context.Context, userID, courseID string) error {
	id := userID + ":" + courseID
	// Queued before the record is written: a worker that finishes a run
	// in between then either runs again (the record stays) or has read
	// the change already (a leftover record is applied again at the next
	// start, which changes nothing).
	s.q.push(id)
	d := dirtyDoc{ID: id, Token: newOp(), At: s.now().UTC()}
	dup, err := s.dirtyIns.Insert(ctx, d)
	if err == nil && dup[0] {
		// Recorded before and not applied yet: a new token keeps a worker
		// applying the earlier change from deleting the record.
		_, err = s.dirty.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"token": d.Token, "at": d.At}},
			options.UpdateOne().SetUpsert(true))
	}
	if err != nil {
		return fmt.Errorf("reports: record change of %s: %w", id, err)
	}
	return nil
}

// workers is how many enrollments are applied at once; the cells are
// written one change at a time (s.mu) anyway, so more only overlap reads.
const workers = 2

// Work queues the changes a crash left recorded and starts the workers
// that apply changes until ctx ends. Call it once, after Start.
func (s *Store) Work(ctx context.Context, logger *slog.Logger) error {
	cur, err := s.dirty.Find(ctx, bson.M{})
	if err != nil {
		return fmt.Errorf("reports: read recorded changes: %w", err)
	}
	var left []dirtyDoc
	if err := cur.All(ctx, &left); err != nil {
		return fmt.Errorf("reports: read recorded changes: %w", err)
	}
	for _, d := range left {
		s.q.push(d.ID)
	}
	for range workers {
		go s.work(ctx, logger)
	}
	return nil
}

func (s *Store) work(ctx context.Context, logger *slog.Logger) {
	for {
		id, ok := s.q.next()
		if !ok {
			select {
			case <-ctx.Done():
				return
			case <-s.q.wake:
			}
			continue
		}
		// A change under way finishes even when the server is stopping;
		// one the store refuses stays recorded for the next start.
		err := s.applyRecorded(context.WithoutCancel(ctx), id)
		if again := s.q.done(id); err != nil && !again && ctx.Err() == nil {
			logger.Warn("reports: apply a change later", "enrollment", id, "err", err)
			time.AfterFunc(time.Second, func() { s.q.push(id) })
		}
	}
}

// applyRecorded applies the enrollment's change and deletes its record,
// unless a later change wrote a new token meanwhile (then it is queued
// again and its record stays until that run).
func (s *Store) applyRecorded(ctx context.Context, id string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var d dirtyDoc
	err := s.dirty.FindOne(ctx, bson.M{"_id": id}).Decode(&d)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return fmt.Errorf("reports: read record of %s: %w", id, err)
	}
	if err := s.maintain(ctx, id); err != nil {
		return err
	}
	// The filter names more than _id; report_dirty holds only the changes
	// not yet applied, so even the embedded store's scan of it is short.
	// When nothing is deleted, a request recorded a change after the
	// record was read (perhaps already applied by this run, perhaps not):
	// one more run reads its token and clears it.
	var deleted int64
	if d.ID != "" {
		res, err := s.dirty.DeleteOne(ctx, bson.M{"_id": id, "token": d.Token})
		if err != nil {
			return fmt.Errorf("reports: clear record of %s: %w", id, err)
		}
		deleted = res.DeletedCount
	}
	if deleted == 0 {
		err := s.dirty.FindOne(ctx, bson.M{"_id": id}).Err()
		if err == nil {
			s.q.push(id)
		} else if !errors.Is(err, mongo.ErrNoDocuments) {
			return fmt.Errorf("reports: read record of %s: %w", id, err)
		}
	}
	return nil
}
