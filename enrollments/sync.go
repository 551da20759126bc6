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
	appliers map[string]lontar.SyncApplier // by event type; read-only after NewSyncer
}

// NewSyncer returns a Syncer that applies each event type with its
// applier: every event type a client may send is named here, in one call
// (server/app.go), e.g. EventLessonCompleted → LessonCompletions(store).
func NewSyncer(db *mongo.Database, appliers map[string]lontar.SyncApplier) *Syncer {
	return &Syncer{events: db.Collection("sync_events"), appliers: maps.Clone(appliers)}
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

// Apply applies the caller's events in the order they came and returns
// one result per event. Bad events are rejected with a reason and the
// others still apply. An error that is not the event's fault (the store
// failing) stops the batch: the client sends it again, and what was
// applied already comes back as duplicate.
func (s *Syncer) Apply(ctx context.Context, c *lontar.Caller, events []json.RawMessage) ([]SyncResult, error) {
	results := make([]SyncResult, 0, len(events))
	for _, raw := range events {
		r, err := s.applyOne(ctx, c, raw)
		if err != nil {
			return nil, err
		}
		results = append(results, r)
	}
	return results, nil
}

func (s *Syncer) applyOne(ctx context.Context, c *lontar.Caller, raw json.RawMessage) (SyncResult, error) {
	var head struct {
		ID         string `json:"id"`
		Type       string `json:"type"`
		OccurredAt string `json:"occurred_at"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return rejected("", errEventShape), nil
	}
	r := SyncResult{ID: head.ID}
	id, ok := lontar.ParseUUID(head.ID)
	if !ok {
		return rejected(head.ID, errEventID), nil
	}
	a, ok := s.appliers[head.Type]
	if !ok {
		return rejected(head.ID, errEventType), nil
	}
	now := database.Now()
	var at time.Time
	if head.OccurredAt != "" {
		t, err := time.Parse(time.RFC3339Nano, head.OccurredAt)
		if err != nil {
			return rejected(head.ID, errEventTime), nil
		}
		at = t
	}
	ev := lontar.SyncEvent{ID: id, Type: head.Type, OccurredAt: clampTime(at, now), Raw: raw}
	key := c.UserID + ":" + id

	// Skip the work for an event recorded before; whether this request
	// applied it is still decided by the insert below.
	err := s.events.FindOne(ctx, bson.M{"_id": key}, options.FindOne().SetProjection(bson.M{"_id": 1})).Err()
	if err == nil {
		r.Status = SyncDuplicate
		return r, nil
	}
	if !errors.Is(err, mongo.ErrNoDocuments) {
		return r, fmt.Errorf("enrollments: read sync event %s: %w", key, err)
	}

	if err := a.ApplySync(ctx, c, ev); err != nil {
		var le *lontar.Error
		if errors.As(err, &le) && le.Code != lontar.EInternal {
			return rejected(head.ID, le), nil
		}
		return r, fmt.Errorf("enrollments: apply %s event %s: %w", head.Type, key, err)
	}
	_, err = s.events.InsertOne(ctx, syncedEvent{ID: key, UserID: c.UserID, Type: head.Type,
		OccurredAt: ev.OccurredAt, ReceivedAt: now})
	switch {
	case mongo.IsDuplicateKeyError(err):
		r.Status = SyncDuplicate // a concurrent request recorded it first
	case err != nil:
		return r, fmt.Errorf("enrollments: record sync event %s: %w", key, err)
	default:
		r.Status = SyncApplied
	}
	return r, nil
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
	var in struct {
		CourseID string `json:"course_id"`
		LessonID string `json:"lesson_id"`
	}
	if err := json.Unmarshal(ev.Raw, &in); err != nil {
		return errEventShape
	}
	if in.CourseID == "" {
		return lontar.NewError(lontar.EInvalid, "course_id wajib diisi.", "course_id is required.")
	}
	if in.LessonID == "" {
		return errLessonNotFound
	}
	_, err := a.store.CompleteLesson(ctx, c.UserID, in.CourseID, in.LessonID, ev.OccurredAt)
	return err
}
