package enrollments

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"lontar"
	"lontar/database"
)

// MaxSyncEvents is the most events one POST /sync may carry.
const MaxSyncEvents = 500

// Sync result statuses.
const (
	SyncApplied   = "applied"
	SyncDuplicate = "duplicate"
	SyncRejected  = "rejected"
)

// EventLessonCompleted is the sync event type for a completed lesson:
// {id, type, occurred_at, course_id, lesson_id}.
const EventLessonCompleted = "lesson_completed"

// SyncResult is what happened to one event.
type SyncResult struct {
	ID     string
	Status string
	Reason *lontar.Text // for rejected events
}

// Syncer applies batches of events clients made offline. Each event is
// applied at most once per user however often it is sent: after applying
// it, the event is recorded in sync_events by inserting _id
// "<user>:<event uuid>", and the unique _id decides which of several
// concurrent senders reports "applied". Applying comes before recording so
// a crash in between replays the event later instead of losing it; every
// applier is therefore idempotent for an event id (a lesson completion by
// $min, a quiz attempt by its attempt id = event id).
//
// Rejected events are not recorded: sent again once the cause is gone
// (say, after enrolling), they are applied.
type Syncer struct {
	events   *mongo.Collection
	records  *database.Inserter            // into events: concurrent batches' records share a write
	appliers map[string]lontar.SyncApplier // by event type; read-only after NewSyncer
}

// NewSyncer returns a Syncer that applies each event type with its
// applier: every event type a client may send is named here, in one call
// (server/app.go), e.g. EventLessonCompleted → LessonCompletions(store).
func NewSyncer(db *mongo.Database, appliers map[string]lontar.SyncApplier) *Syncer {
	events := db.Collection("sync_events")
	return &Syncer{events: events, records: database.NewInserter(events), appliers: maps.Clone(appliers)}
}

// EnsureIndexes creates the indexes a real MongoDB needs.
func (s *Syncer) EnsureIndexes(ctx context.Context) error {
	_, err := s.events.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: bson.D{{Key: "user_id", Value: 1}}})
	if err != nil {
		return fmt.Errorf("enrollments: sync event indexes: %w", err)
	}
	return nil
}

// syncedEvent is the record of an applied event.
type syncedEvent struct {
	ID         string    `bson:"_id"` // <user>:<event uuid>
	UserID     string    `bson:"user_id"`
	Type       string    `bson:"type"`
	OccurredAt time.Time `bson:"occurred_at"`
	ReceivedAt time.Time `bson:"received_at"`
}

// Sync rejection reasons.
var (
	errEventShape = lontar.NewError(lontar.EInvalid,
		"Peristiwa bukan objek JSON yang benar.", "The event is not a valid JSON object.")
	errEventID = lontar.NewError(lontar.EInvalid,
		"id peristiwa harus berupa UUID.", "The event id must be a UUID.")
	errEventType = lontar.NewError(lontar.EInvalid,
		"Jenis peristiwa tidak dikenal.", "Unknown event type.")
	errEventTime = lontar.NewError(lontar.EInvalid,
		"occurred_at harus berupa waktu RFC 3339.", "occurred_at must be an RFC 3339 time.")
)

// errTooManyEvents answers a batch over MaxSyncEvents with too_large
// (413) rather than validation_failed: the client's remedy is the one for
// an oversized body, send fewer events at once, and it can tell that
// from the status alone.
var errTooManyEvents = lontar.NewError(lontar.ETooLarge,
	fmt.Sprintf("Paling banyak %d peristiwa per sinkronisasi.", MaxSyncEvents),
	fmt.Sprintf("At most %d events per sync.", MaxSyncEvents))

// Apply applies the caller's events and returns one result per event, in
// the order they came. Bad events are rejected with a reason and the
// others still apply. Events of one type are applied together, types in
// the order they first appear, so a batch applier (lesson completions)
// writes each enrollment once for the whole batch; the events applied are
// then recorded in one write. An error that is not the event's fault (the
// store failing) stops the batch after recording what was applied: the
// client sends it again, and what was applied comes back as duplicate.
func (s *Syncer) Apply(ctx context.Context, c *lontar.Caller, events []json.RawMessage) ([]SyncResult, error) {
	if len(events) > MaxSyncEvents {
		return nil, errTooManyEvents
	}
	results := make([]SyncResult, len(events))
	now := database.Now()
	firstOf := map[string]int{} // event id → index of its first occurrence
	sameAs := map[int]int{}     // a repeat within the batch → that first index
	var todo []int              // new events, by index
	evs := make([]lontar.SyncEvent, len(events))
	for i, raw := range events {
		ev, sent, rej := parseEvent(raw, now)
		results[i].ID = sent // as the client wrote it
		if rej != nil {
			results[i] = rejected(sent, rej)
			continue
		}
		if _, ok := s.appliers[ev.Type]; !ok {
			results[i] = rejected(sent, errEventType)
			continue
		}
		if first, ok := firstOf[ev.ID]; ok {
			sameAs[i] = first
			continue
		}
		firstOf[ev.ID] = i
		evs[i] = ev
		todo = append(todo, i)
	}

	// Skip the work for events recorded before (read through the reading
	// pool); whether this request applied an event is still decided by
	// the record written below.
	fresh := todo[:0]
	for _, i := range todo {
		key := c.UserID + ":" + evs[i].ID
		err := database.Reads(s.events).FindOne(ctx, bson.M{"_id": key}, options.FindOne().SetProjection(bson.M{"_id": 1})).Err()
		switch {
		case err == nil:
			results[i].Status = SyncDuplicate
		case errors.Is(err, mongo.ErrNoDocuments):
			fresh = append(fresh, i)
		default:
			return nil, fmt.Errorf("enrollments: read sync event %s: %w", key, err)
		}
	}

	var applied []int
	var failed error
	for _, group := range byType(fresh, evs) {
		perEvent, err := s.applyGroup(ctx, c, group, evs)
		if err != nil {
			failed = err
			break
		}
		// perEvent may stop short, at an event that failed the batch.
		for k, e := range perEvent {
			i := group[k]
			var le *lontar.Error
			switch {
			case e == nil:
				applied = append(applied, i)
			case isRejection(e):
				errors.As(e, &le)
				results[i] = rejected(results[i].ID, le)
			default:
				failed = fmt.Errorf("enrollments: apply %s event %s: %w", evs[i].Type, evs[i].ID, e)
			}
		}
		if failed != nil {
			break
		}
	}
	if err := s.record(ctx, c, applied, evs, results, now); err != nil {
		return nil, errors.Join(failed, err)
	}
	if failed != nil {
		return nil, failed
	}
	for i, first := range sameAs {
		results[i] = results[first]
		if results[i].Status == SyncApplied {
			results[i].Status = SyncDuplicate // the same event, sent twice in one batch
		}
	}
	return results, nil
}

// parseEvent reads an event's id (normalised, and as sent), type and
// time; a rejection reason when they are not right.
func parseEvent(raw json.RawMessage, now time.Time) (ev lontar.SyncEvent, sentID string, rej *lontar.Error) {
	var head struct {
		ID         string `json:"id"`
		Type       string `json:"type"`
		OccurredAt string `json:"occurred_at"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return lontar.SyncEvent{}, "", errEventShape
	}
	id, ok := lontar.ParseUUID(head.ID)
	if !ok {
		return lontar.SyncEvent{}, head.ID, errEventID
	}
	var at time.Time
	if head.OccurredAt != "" {
		t, err := time.Parse(time.RFC3339Nano, head.OccurredAt)
		if err != nil {
			return lontar.SyncEvent{}, head.ID, errEventTime
		}
		at = t
	}
	return lontar.SyncEvent{ID: id, Type: head.Type, OccurredAt: clampTime(at, now), Raw: raw}, head.ID, nil
}

// byType groups event indexes by type, types in order of first appearance
// and events in the order they came.
func byType(idx []int, evs []lontar.SyncEvent) [][]int {
	var groups [][]int
	at := map[string]int{}
	for _, i := range idx {
		g, ok := at[evs[i].Type]
		if !ok {
			g = len(groups)
			at[evs[i].Type] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], i)
	}
	return groups
}

// applyGroup applies events of one type: at once when the applier can,
// else one by one.
func (s *Syncer) applyGroup(ctx context.Context, c *lontar.Caller, group []int, evs []lontar.SyncEvent) ([]error, error) {
	a := s.appliers[evs[group[0]].Type]
	if b, ok := a.(lontar.SyncBatchApplier); ok {
		batch := make([]lontar.SyncEvent, len(group))
		for k, i := range group {
			batch[k] = evs[i]
		}
		perEvent, err := b.ApplySyncBatch(ctx, c, batch)
		if err == nil && len(perEvent) != len(batch) {
			err = fmt.Errorf("enrollments: %s applier answered %d of %d events", evs[group[0]].Type, len(perEvent), len(batch))
		}
		return perEvent, err
	}
	perEvent := make([]error, len(group))
	for k, i := range group {
		perEvent[k] = a.ApplySync(ctx, c, evs[i])
		if perEvent[k] != nil && !isRejection(perEvent[k]) {
			return perEvent[:k+1], nil // the caller stops at this failure
		}
	}
	return perEvent, nil
}

// record writes the records of the applied events in one insert (shared
// with concurrent batches, see database.Inserter) and sets their results:
// applied, or duplicate where a concurrent request recorded the same
// event first.
func (s *Syncer) record(ctx context.Context, c *lontar.Caller, applied []int, evs []lontar.SyncEvent, results []SyncResult, now time.Time) error {
	if len(applied) == 0 {
		return nil
	}
	docs := make([]any, len(applied))
	for k, i := range applied {
		docs[k] = syncedEvent{ID: c.UserID + ":" + evs[i].ID, UserID: c.UserID, Type: evs[i].Type,
			OccurredAt: evs[i].OccurredAt, ReceivedAt: now}
		results[i].Status = SyncApplied
	}
	dup, err := s.records.Insert(ctx, docs...)
	if err != nil {
		return fmt.Errorf("enrollments: record %d sync events: %w", len(docs), err)
	}
	for k, d := range dup {
		if d {
			results[applied[k]].Status = SyncDuplicate // a concurrent request recorded it first
		}
	}
	return nil
}

// isRejection tells an event's own fault (rejected with its reason) from
// the server's: an internal error or an unavailable store fails the batch,
// so the client keeps the events and sends them again.
func isRejection(err error) bool {
	var le *lontar.Error
	return errors.As(err, &le) && le.Code != lontar.EInternal && le.Code != lontar.EUnavailable
}

func rejected(id string, e *lontar.Error) SyncResult {
	reason := e.Message
	return SyncResult{ID: id, Status: SyncRejected, Reason: &reason}
}

// LessonCompletions returns the applier of lesson_completed events.
func LessonCompletions(store *Store) lontar.SyncApplier { return lessonCompleted{store} }

// lessonCompleted applies lesson_completed events.
type lessonCompleted struct{ store *Store }

func (a lessonCompleted) ApplySync(ctx context.Context, c *lontar.Caller, ev lontar.SyncEvent) error {
	errs, err := a.ApplySyncBatch(ctx, c, []lontar.SyncEvent{ev})
	if err != nil {
		return err
	}
	return errs[0]
}

// ApplySyncBatch records the completions of each course in one update of
// its enrollment.
func (a lessonCompleted) ApplySyncBatch(ctx context.Context, c *lontar.Caller, evs []lontar.SyncEvent) ([]error, error) {
	errs := make([]error, len(evs))
	lessonIDs := make([]string, len(evs))
	byCourse := map[string][]int{}
	var order []string
	for k, ev := range evs {
		var in struct {
			CourseID string `json:"course_id"`
			LessonID string `json:"lesson_id"`
		}
		switch err := json.Unmarshal(ev.Raw, &in); {
		case err != nil:
			errs[k] = errEventShape
			continue
		case in.CourseID == "":
			errs[k] = lontar.NewError(lontar.EInvalid, "course_id wajib diisi.", "course_id is required.")
			continue
		case in.LessonID == "":
			errs[k] = errLessonNotFound
			continue
		}
		if _, ok := byCourse[in.CourseID]; !ok {
			order = append(order, in.CourseID)
		}
		byCourse[in.CourseID] = append(byCourse[in.CourseID], k)
		lessonIDs[k] = in.LessonID
	}
	for _, courseID := range order {
		ks := byCourse[courseID]
		lessons := make([]LessonCompletion, len(ks))
		for j, k := range ks {
			lessons[j] = LessonCompletion{LessonID: lessonIDs[k], At: evs[k].OccurredAt}
		}
		_, perLesson, err := a.store.CompleteLessons(ctx, c.UserID, courseID, lessons)
		if err != nil {
			if !isRejection(err) {
				return nil, err
			}
			for _, k := range ks {
				errs[k] = err // the course is not published, or not enrolled
			}
			continue
		}
		for j, k := range ks {
			errs[k] = perLesson[j]
		}
	}
	return errs, nil
}
