package reports

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// RebuildResult says what a rebuild recomputed.
type RebuildResult struct {
	Enrollments int     `json:"enrollments"`
	Cells       int     `json:"cells"`
	Seconds     float64 `json:"seconds"`
}

// Rebuild recomputes every aggregate from the enrollments as stored,
// replacing the maintained cells and facts. Learners' writes go on while
// the enrollments are read (the long part); those it may have missed are
// noted and maintained again on top of the rebuilt facts. Only writing the
// result holds back maintenance. A rebuild interrupted by a crash is run
// again by Start.
func (s *Store) Rebuild(ctx context.Context) (RebuildResult, error) {
	s.rebuilding.Lock() // one at a time
	defer s.rebuilding.Unlock()
	start := time.Now()
	if _, err := s.meta.UpdateOne(ctx, bson.M{"_id": "rebuild"}, bson.M{"$set": bson.M{"running": true}},
		options.UpdateOne().SetUpsert(true)); err != nil {
		return RebuildResult{}, fmt.Errorf("reports: mark rebuild: %w", err)
	}
	s.mu.Lock()
	s.touched = map[string]bool{}
	s.mu.Unlock()
	t, facts, err := s.recompute(ctx)
	if err != nil {
		s.mu.Lock()
		s.touched = nil
		s.mu.Unlock()
		return RebuildResult{}, err
	}
	touched, v, err := s.replace(ctx, t, facts)
	if err != nil {
		return RebuildResult{}, err
	}
	s.tmu.Lock()
	s.table, s.seen, s.stale, s.checked = t, v, false, s.now()
	s.tmu.Unlock()
	for id := range touched {
		if err := s.maintain(ctx, id); err != nil {
			return RebuildResult{}, err
		}
	}
	return RebuildResult{Enrollments: len(facts), Cells: len(t), Seconds: time.Since(start).Seconds()}, nil
}

// replace writes the rebuilt cells and facts in place of the maintained
// ones and returns the enrollments changed while they were computed.
func (s *Store) replace(ctx context.Context, t table, facts []any) (map[string]bool, int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	touched := s.touched
	s.touched = nil
	// Emptied, not dropped: a dropped collection would lose the _id index
	// the database package gave its table on the embedded store.
	for _, c := range []*mongo.Collection{s.cells, s.facts, s.pending} {
		if _, err := c.DeleteMany(ctx, bson.M{}); err != nil {
			return nil, 0, fmt.Errorf("reports: empty %s: %w", c.Name(), err)
		}
	}
	docs := make([]any, 0, len(t))
	for key, c := range t {
		docs = append(docs, c.doc(key))
	}
	if err := insertAll(ctx, s.cells, docs); err != nil {
		return nil, 0, err
	}
	if err := insertAll(ctx, s.facts, facts); err != nil {
		return nil, 0, err
	}
	v, err := s.bump(ctx)
	if err != nil {
		return nil, 0, err
	}
	if _, err := s.meta.DeleteOne(ctx, bson.M{"_id": "rebuild"}); err != nil {
		return nil, 0, fmt.Errorf("reports: unmark rebuild: %w", err)
	}
	return touched, v, nil
}

// recompute derives every fact and the cells they sum to, from scratch.
func (s *Store) recompute(ctx context.Context) (table, []any, error) {
	cur, err := s.enrollments.Find(ctx, bson.M{}, options.Find().SetBatchSize(s.batch).SetProjection(bson.M{
		"completed_lessons": 0, "applied_attempts": 0}))
	if err != nil {
		return nil, nil, fmt.Errorf("reports: read enrollments: %w", err)
	}
	defer cur.Close(ctx)
	posttests := map[string]bool{}
	t := table{}
	var facts []any
	for cur.Next(ctx) {
		var e enrollmentDoc
		if err := cur.Decode(&e); err != nil {
			return nil, nil, fmt.Errorf("reports: decode enrollment: %w", err)
		}
		f, err := s.factOf(ctx, &e, posttests)
		if err != nil {
			return nil, nil, err
		}
		for _, ch := range changes(nil, &f) {
			t.apply(&ch)
		}
		facts = append(facts, factDoc{ID: e.ID, Fact: f, Seq: 1, Src: e.UpdatedAt})
	}
	if err := cur.Err(); err != nil {
		return nil, nil, fmt.Errorf("reports: read enrollments: %w", err)
	}
	return t, facts, nil
}

func insertAll(ctx context.Context, c *mongo.Collection, docs []any) error {
	const batch = 1000
	for i := 0; i < len(docs); i += batch {
		_, err := c.InsertMany(ctx, docs[i:min(i+batch, len(docs))], options.InsertMany().SetOrdered(false))
		if err != nil {
			return fmt.Errorf("reports: write %s: %w", c.Name(), err)
		}
	}
	return nil
}

// rebuildInterrupted reports whether a rebuild started and never finished.
func (s *Store) rebuildInterrupted(ctx context.Context) (bool, error) {
	n, err := s.meta.CountDocuments(ctx, bson.M{"_id": "rebuild"})
	if err != nil {
		return false, fmt.Errorf("reports: read rebuild mark: %w", err)
	}
	return n > 0, nil
}
