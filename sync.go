package lontar

import (
	"context"
	"encoding/json"
	"time"
)

// SyncEvent is one event a client made offline and sent later through
// POST /sync. ID is the client's UUID; Raw is the whole event object, from
// which each type's applier reads its own fields.
type SyncEvent struct {
	ID         string
	Type       string
	OccurredAt time.Time // as the client said, already clamped to the server clock
	Raw        json.RawMessage
}

// SyncApplier applies one type of sync event for the caller. It must be
// idempotent for a given event ID: the sync endpoint records what it has
// applied, but a crash between applying and recording can replay an event.
// Returning an *Error rejects the event with its message as the reason;
// any other error fails it as internal (the client retries later).
type SyncApplier interface {
	ApplySync(ctx context.Context, c *Caller, ev SyncEvent) error
}

// SyncBatchApplier is a SyncApplier that can apply several events of its
// type at once, in fewer store writes (a phone back online sends dozens
// of lesson completions). It returns one error per event, nil for
// applied, with ApplySync's meaning, and err when the whole batch failed.
type SyncBatchApplier interface {
	SyncApplier
	ApplySyncBatch(ctx context.Context, c *Caller, evs []SyncEvent) (perEvent []error, err error)
}

// QuizAttempt is what the quizzes feature reports to a learner's
// enrollment after grading one attempt.
type QuizAttempt struct {
	AttemptID string
	QuizID    string
	CourseID  string
	Kind      string  // practice, pretest, posttest, final
	Score     float64 // percent, 0–100
	Passed    bool
	At        time.Time
	// Number is the attempt's place among the learner's attempts at the
	// quiz (1 = first); 0 when unknown.
	Number int
}

// QuizResult is a learner's standing on one quiz, kept in the enrollment.
type QuizResult struct {
	QuizID     string    `json:"quiz_id" bson:"quiz_id"`
	Kind       string    `json:"kind" bson:"kind"`
	Attempts   int       `json:"attempts" bson:"attempts"`
	BestScore  float64   `json:"best_score" bson:"best_score"`
	FirstScore float64   `json:"first_score" bson:"first_score"` // the learning-gain baseline for pretests
	LastScore  float64   `json:"last_score" bson:"last_score"`
	Passed     bool      `json:"passed" bson:"passed"`
	UpdatedAt  time.Time `json:"updated_at" bson:"updated_at"`
}
