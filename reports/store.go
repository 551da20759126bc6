package reports

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"lontar/database"
)

// Certificates tells whether a certificate is valid (issued and not
// revoked); the certificates feature satisfies it. Without it, an
// enrollment with a certificate code counts as certified.
type Certificates interface {
	CertificateValid(ctx context.Context, code string) (bool, error)
}

// Store keeps the report aggregates up to date and answers reports from
// them. It reads the enrollments, quizzes, attempts, cohorts and courses
// documents of the other features (never writing them) and owns:
//
//	report_cells    the aggregates: one document per cell (see cell)
//	report_facts    per enrollment, the Fact it last contributed
//	report_pending  the journal of the one change being applied
//	report_meta     _id "version": bumped by every change, for other instances
//	report_dirty    enrollments changed and not yet applied (queue.go)
//	xapi_*          the xAPI statement log (see xapi.go)
//
// A summary is computed from an in-memory copy of report_cells, kept in
// step with every change this process makes and reloaded when another
// instance has changed the cells (checked at most once a second).
type Store struct {
	enrollments, attempts, quizIndex, quizzes, cohorts, courses *mongo.Collection
	cells, facts, pending, meta                                 *mongo.Collection
	xlog, xlogged, xdays                                        *mongo.Collection
	dirty                                                       *mongo.Collection // changes not applied yet (queue.go)
	dirtyIns                                                    *database.Inserter
	q                                                           *queue

	certs  Certificates
	shared bool  // other instances may write the same cells (MongoDB)
	batch  int32 // documents per round trip when a rebuild reads enrollments
	now    func() time.Time

	stripes    [64]sync.Mutex // serialise maintenance per enrollment
	mu         sync.Mutex     // serialises changes to the cells (one writer)
	rebuilding sync.Mutex     // one rebuild at a time
	// touched notes the enrollments changed while a rebuild reads (nil
	// otherwise); guarded by mu.
	touched map[string]bool
	tmu     sync.RWMutex // guards the fields below
	table   table
	seen    int64 // the version the table reflects
	checked time.Time
	stale   bool

	posttests sync.Map // course id → posttestEntry
}

type posttestEntry struct {
	has bool
	at  time.Time
}

// NewStore returns a Store on db. certs may be nil. The other features'
// documents are read through the embedded store's pool of reading
// connections (database.Reads), so reports never queue behind writes.
func NewStore(db *mongo.Database, certs Certificates) *Store {
	read := func(name string) *mongo.Collection { return database.Reads(db.Collection(name)) }
	return &Store{
		enrollments: read("enrollments"),
		attempts:    read("quiz_attempts"),
		quizIndex:   read("course_quizzes"),
		quizzes:     read("quizzes"),
		cohorts:     read("cohorts"),
		courses:     read("courses"),
		cells:       db.Collection("report_cells"),
		facts:       db.Collection("report_facts"),
		pending:     db.Collection("report_pending"),
		meta:        db.Collection("report_meta"),
		xlog:        db.Collection("xapi_statements"),
		xlogged:     db.Collection("xapi_logged"),
		xdays:       db.Collection("xapi_days"),
		dirty:       db.Collection("report_dirty"),
		dirtyIns:    database.NewInserter(db.Collection("report_dirty")),
		q:           newQueue(),
		certs:       certs,
		shared:      !database.IsEmbedded(db),
		batch:       1000,
		now:         time.Now,
		table:       table{},
	}
}

// EnsureIndexes creates the store's collections, so that the embedded
// store's _id lookup index (database.Conn.IndexIDLookups) covers them from
// the start. A real MongoDB needs no other index: every read is by _id.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	names, err := s.cells.Database().ListCollectionNames(ctx, bson.M{})
	if err != nil {
		return fmt.Errorf("reports: list collections: %w", err)
	}
	for _, c := range []*mongo.Collection{s.cells, s.facts, s.pending, s.meta, s.xlog, s.xlogged, s.xdays, s.dirty} {
		if slices.Contains(names, c.Name()) {
			continue
		}
		if err := c.Database().CreateCollection(ctx, c.Name()); err != nil && !isNamespaceExists(err) {
			return fmt.Errorf("reports: create %s: %w", c.Name(), err)
		}
	}
	return nil
}

// isNamespaceExists reports a collection created meanwhile (code 48).
func isNamespaceExists(err error) bool {
	var ce mongo.CommandError
	return errors.As(err, &ce) && ce.Code == 48
}

// Start finishes a change a crash interrupted and loads the cells into
// memory. Call it once before serving.
func (s *Store) Start(ctx context.Context) error {
	if again, err := s.rebuildInterrupted(ctx); err != nil || again {
		if err == nil {
			_, err = s.Rebuild(ctx)
		}
		return err
	}
	if err := s.recover(ctx); err != nil {
		return err
	}
	return s.reload(ctx)
}

// factDoc is an enrollment's stored contribution.
type factDoc struct {
	ID   string    `bson:"_id"`
	Fact Fact      `bson:"fact"`
	Seq  int64     `bson:"seq"`
	Src  time.Time `bson:"src"` // the enrollment's updated_at it was derived from
}

// pendingDoc journals one change: after a crash it is applied again, and
// every step it takes is idempotent under its Op id.
type pendingDoc struct {
	ID  string    `bson:"_id"` // the enrollment
	Op  string    `bson:"op"`
	Seq int64     `bson:"seq"` // the facts seq the change applies to
	Old *Fact     `bson:"old"`
	New *Fact     `bson:"new"`
	Src time.Time `bson:"src"`
	At  time.Time `bson:"at"` // when the change began
}

// staleJournal is how old a journalled change must be before another
// process finishes it: younger, its own process is still applying it.
const staleJournal = 30 * time.Second

// Apply brings the aggregates up to date with the enrollment of the user
// in the course, at once (EnrollmentChanged does it in the background).
// It reads the enrollment as stored, so applying again, late, or for a
// replayed event is harmless.
func (s *Store) Apply(ctx context.Context, userID, courseID string) error {
	return s.maintain(ctx, userID+":"+courseID)
}

func (s *Store) maintain(ctx context.Context, id string) error {
	h := fnv.New32a()
	h.Write([]byte(id))
	stripe := &s.stripes[h.Sum32()%uint32(len(s.stripes))]
	stripe.Lock()
	defer stripe.Unlock()

	e, err := s.enrollment(ctx, id)
	if err != nil {
		return err
	}
	var newFact *Fact
	var src time.Time
	if e != nil {
		f, err := s.factOf(ctx, e, nil)
		if err != nil {
			return err
		}
		newFact, src = &f, e.UpdatedAt
		if err := s.logStatements(ctx, e); err != nil {
			return err
		}
	}
	return s.commit(ctx, id, newFact, src)
}

// enrollment reads one enrollment, or nil when there is none.
func (s *Store) enrollment(ctx context.Context, id string) (*enrollmentDoc, error) {
	var e enrollmentDoc
	err := s.enrollments.FindOne(ctx, bson.M{"_id": id}).Decode(&e)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reports: read enrollment %s: %w", id, err)
	}
	return &e, nil
}

// factOf derives e's fact, asking the quizzes for the posttest (through
// cache, a per-rebuild map, when given) and the certificates for validity.
func (s *Store) factOf(ctx context.Context, e *enrollmentDoc, cache map[string]bool) (Fact, error) {
	has, err := s.hasPosttest(ctx, e.CourseID, cache)
	if err != nil {
		return Fact{}, err
	}
	certified := e.CertificateCode != ""
	if certified && s.certs != nil {
		if certified, err = s.certs.CertificateValid(ctx, e.CertificateCode); err != nil {
			return Fact{}, fmt.Errorf("reports: certificate of %s: %w", e.ID, err)
		}
	}
	return factOf(e, has, certified), nil
}

// posttestTTL bounds how long a course's quiz kinds are remembered.
const posttestTTL = time.Minute

// hasPosttest reports whether the course has a posttest quiz.
func (s *Store) hasPosttest(ctx context.Context, courseID string, cache map[string]bool) (bool, error) {
	if cache != nil {
		if has, ok := cache[courseID]; ok {
			return has, nil
		}
	} else if v, ok := s.posttests.Load(courseID); ok && s.now().Sub(v.(posttestEntry).at) < posttestTTL {
		return v.(posttestEntry).has, nil
	}
	var ix struct {
		QuizIDs []string `bson:"quiz_ids"`
	}
	err := s.quizIndex.FindOne(ctx, bson.M{"_id": courseID}).Decode(&ix)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return false, fmt.Errorf("reports: quizzes of %s: %w", courseID, err)
	}
	has := false
	for _, id := range ix.QuizIDs {
		var q struct {
			Kind string `bson:"kind"`
		}
		err := s.quizzes.FindOne(ctx, bson.M{"_id": id}, options.FindOne().SetProjection(bson.M{"kind": 1})).Decode(&q)
		if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			return false, fmt.Errorf("reports: quiz %s: %w", id, err)
		}
		if q.Kind == kindPosttest {
			has = true
			break
		}
	}
	if cache != nil {
		cache[courseID] = has
	} else {
		s.posttests.Store(courseID, posttestEntry{has: has, at: s.now()})
	}
	return has, nil
}

// commit replaces the enrollment's contribution by newFact (nil: none).
func (s *Store) commit(ctx context.Context, id string, newFact *Fact, src time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.touched != nil {
		s.touched[id] = true // a running rebuild may have read the enrollment before this change
	}
	var fd factDoc
	err := s.facts.FindOne(ctx, bson.M{"_id": id}).Decode(&fd)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return fmt.Errorf("reports: read fact %s: %w", id, err)
	}
	var old *Fact
	if err == nil {
		old = &fd.Fact
		if src.Before(fd.Src) {
			return nil // another instance applied a newer state already
		}
	}
	if old == nil && newFact == nil || old != nil && newFact != nil && old.equal(newFact) {
		return nil
	}
	p := pendingDoc{ID: id, Op: newOp(), Seq: fd.Seq, Old: old, New: newFact, Src: src, At: s.now().UTC()}
	if _, err := s.pending.InsertOne(ctx, p); err != nil {
		if !mongo.IsDuplicateKeyError(err) {
			return fmt.Errorf("reports: journal %s: %w", id, err)
		}
		// Another change of this enrollment is journalled: another
		// instance is applying it (the client retries later), or a crash
		// interrupted it (finish it; the retry applies the rest).
		var other pendingDoc
		if err := s.pending.FindOne(ctx, bson.M{"_id": id}).Decode(&other); err != nil {
			return fmt.Errorf("reports: read journal %s: %w", id, err)
		}
		if s.now().Sub(other.At) < staleJournal {
			return fmt.Errorf("reports: %s is being changed by another process", id)
		}
		return s.recoverOne(ctx, id)
	}
	return s.apply(ctx, &p, false)
}

// apply performs a journalled change; every step is idempotent.
func (s *Store) apply(ctx context.Context, p *pendingDoc, replay bool) error {
	chs := changes(p.Old, p.New)
	for i := range chs {
		if err := s.applyCell(ctx, p.Op, &chs[i]); err != nil {
			return err
		}
	}
	// The fact is written only if it is still the one the change replaces
	// (a replay after the write finds the seq moved on). A first run read
	// it under s.mu just before.
	cur := factDoc{Seq: p.Seq}
	var err error
	if replay {
		err = s.facts.FindOne(ctx, bson.M{"_id": p.ID}, options.FindOne().SetProjection(bson.M{"seq": 1})).Decode(&cur)
		if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			return fmt.Errorf("reports: read fact %s: %w", p.ID, err)
		}
	}
	if cur.Seq == p.Seq {
		if p.New == nil {
			_, err = s.facts.DeleteOne(ctx, bson.M{"_id": p.ID})
		} else {
			_, err = s.facts.UpdateOne(ctx, bson.M{"_id": p.ID},
				bson.M{"$set": bson.M{"fact": p.New, "seq": p.Seq + 1, "src": p.Src}}, options.UpdateOne().SetUpsert(true))
		}
		if err != nil {
			return fmt.Errorf("reports: record fact %s: %w", p.ID, err)
		}
	}
	// Other instances learn of the change from the version; the embedded
	// store has no other instance.
	v := s.seen + 1
	if s.shared {
		if v, err = s.bump(ctx); err != nil {
			return err
		}
	}
	if _, err := s.pending.DeleteOne(ctx, bson.M{"_id": p.ID}); err != nil {
		return fmt.Errorf("reports: clear journal %s: %w", p.ID, err)
	}
	s.tmu.Lock()
	for i := range chs {
		s.table.apply(&chs[i])
	}
	if v == s.seen+1 {
		s.seen = v
	} else {
		s.stale = true // another instance changed cells in between
	}
	s.tmu.Unlock()
	return nil
}

// applyCell adds one change to its stored cell, once: the op id recorded
// in the cell makes a replay a no-op. The counters are read, changed and
// written back. On the embedded store writes are serialised (s.mu, one
// connection) and filtered by _id alone, since any other filter makes it
// decode every cell; on a shared MongoDB the write is guarded by the
// cell's version and retried when another instance wrote first.
func (s *Store) applyCell(ctx context.Context, op string, ch *change) error {
	for try := 0; ; try++ {
		var d cellDoc
		err := s.cells.FindOne(ctx, bson.M{"_id": ch.Key}).Decode(&d)
		found := err == nil
		if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			return fmt.Errorf("reports: read cell %s: %w", ch.Key, err)
		}
		if slices.Contains(d.Ops, op) {
			return nil
		}
		c := newCell(ch.Fact)
		if found {
			if c, err = cellOf(&d); err != nil {
				return err
			}
		}
		c.add(ch)
		f := ch.Fact
		update := bson.M{
			"$set": bson.M{"course": f.Course, "region": f.Region, "sector": f.Sector, "gender": f.Gender,
				"cohorts": f.Cohorts, "b": encodeDays(c.days), "v": d.V + 1},
			"$push": bson.M{"ops": bson.M{"$each": bson.A{op}, "$slice": -20}},
		}
		filter := bson.M{"_id": ch.Key}
		if s.shared && found {
			filter["v"] = d.V
		}
		res, err := s.cells.UpdateOne(ctx, filter, update, options.UpdateOne().SetUpsert(!found))
		switch {
		case err == nil && (res.MatchedCount == 1 || res.UpsertedCount == 1):
			return nil
		case err != nil && !mongo.IsDuplicateKeyError(err):
			return fmt.Errorf("reports: update cell %s: %w", ch.Key, err)
		case try == 10:
			return fmt.Errorf("reports: cell %s keeps changing under this update", ch.Key)
		}
		// Another instance wrote the cell first: read it again.
	}
}

// bump increments the cells' version and returns it.
func (s *Store) bump(ctx context.Context) (int64, error) {
	var m struct {
		V int64 `bson:"v"`
	}
	err := s.meta.FindOneAndUpdate(ctx, bson.M{"_id": "version"}, bson.M{"$inc": bson.M{"v": int64(1)}},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&m)
	if err != nil {
		return 0, fmt.Errorf("reports: bump version: %w", err)
	}
	return m.V, nil
}

func (s *Store) version(ctx context.Context) (int64, error) {
	var m struct {
		V int64 `bson:"v"`
	}
	err := s.meta.FindOne(ctx, bson.M{"_id": "version"}).Decode(&m)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return 0, fmt.Errorf("reports: read version: %w", err)
	}
	return m.V, nil
}

// recover finishes every journalled change (normally none: only a crash
// leaves one behind) and then brings those enrollments up to date.
func (s *Store) recover(ctx context.Context) error {
	cur, err := s.pending.Find(ctx, bson.M{}, options.Find().SetProjection(bson.M{"_id": 1}))
	if err != nil {
		return fmt.Errorf("reports: read journal: %w", err)
	}
	var ids []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &ids); err != nil {
		return fmt.Errorf("reports: read journal: %w", err)
	}
	for _, d := range ids {
		s.mu.Lock()
		err := s.recoverOne(ctx, d.ID)
		s.mu.Unlock()
		if err != nil {
			return err
		}
		if err := s.maintain(ctx, d.ID); err != nil {
			return err
		}
	}
	return nil
}

// recoverOne re-applies the journalled change of one enrollment. The
// caller holds s.mu.
func (s *Store) recoverOne(ctx context.Context, id string) error {
	var p pendingDoc
	err := s.pending.FindOne(ctx, bson.M{"_id": id}).Decode(&p)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reports: read journal %s: %w", id, err)
	}
	if err := s.apply(ctx, &p, true); err != nil {
		return err
	}
	s.tmu.Lock()
	s.stale = true // the interrupted process may not have counted it in memory
	s.tmu.Unlock()
	return nil
}

// snapshot returns the in-memory table for reading, reloading it first
// when another instance has changed the cells. The caller must call
// release when done.
func (s *Store) snapshot(ctx context.Context) (table, func(), error) {
	s.q.wait(ctx, readWait)
	s.tmu.RLock()
	fresh := !s.stale && s.now().Sub(s.checked) < time.Second
	s.tmu.RUnlock()
	if !fresh {
		v, err := s.version(ctx)
		if err != nil {
			return nil, nil, err
		}
		s.tmu.Lock()
		s.checked = s.now()
		reload := s.stale || v != s.seen
		s.tmu.Unlock()
		if reload {
			if err := s.reload(ctx); err != nil {
				return nil, nil, err
			}
		}
	}
	s.tmu.RLock()
	return s.table, s.tmu.RUnlock, nil
}

// reload replaces the in-memory table by the stored cells.
func (s *Store) reload(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, err := s.version(ctx)
	if err != nil {
		return err
	}
	t, err := s.loadCells(ctx)
	if err != nil {
		return err
	}
	s.tmu.Lock()
	s.table, s.seen, s.stale, s.checked = t, v, false, s.now()
	s.tmu.Unlock()
	return nil
}

func (s *Store) loadCells(ctx context.Context) (table, error) {
	cur, err := s.cells.Find(ctx, bson.M{}, options.Find().SetBatchSize(1000))
	if err != nil {
		return nil, fmt.Errorf("reports: read cells: %w", err)
	}
	defer cur.Close(ctx)
	t := table{}
	for cur.Next(ctx) {
		var d cellDoc
		if err := cur.Decode(&d); err != nil {
			return nil, fmt.Errorf("reports: decode cell: %w", err)
		}
		c, err := cellOf(&d)
		if err != nil {
			return nil, err
		}
		if len(c.days) > 0 {
			t[d.ID] = c
		}
	}
	if err := cur.Err(); err != nil {
		return nil, fmt.Errorf("reports: read cells: %w", err)
	}
	return t, nil
}

func newOp() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
