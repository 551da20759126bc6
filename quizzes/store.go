package quizzes

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"lontar"
	"lontar/database"
)

// Store keeps quizzes, the per-course quiz index, attempts and the
// per-learner attempt counters. Every hot read and write is by _id: on the
// embedded store any other filter scans the whole collection.
type Store struct {
	quizzes  *mongo.Collection
	index    *mongo.Collection  // _id course id → quiz ids, final quiz id
	attempts *mongo.Collection  // _id "user:attempt"
	counters *mongo.Collection  // _id "user:quiz" → attempts used
	saved    *database.Inserter // into attempts: concurrent submissions share a write
	cache    *cache
}

// NewStore returns a Store on db.
func NewStore(db *mongo.Database) *Store {
	s := &Store{
		quizzes:  db.Collection("quizzes"),
		index:    db.Collection("course_quizzes"),
		attempts: db.Collection("quiz_attempts"),
		counters: db.Collection("quiz_counters"),
		cache:    newCache(CacheTTL),
	}
	s.saved = database.NewInserter(s.attempts)
	return s
}

// EnsureIndexes creates the indexes a real MongoDB needs for the queries
// that are not by _id (a learner's attempts, a course's quizzes).
func (s *Store) EnsureIndexes(ctx context.Context) error {
	if _, err := s.quizzes.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: bson.D{{Key: "course_id", Value: 1}}}); err != nil {
		return fmt.Errorf("quizzes: index quizzes: %w", err)
	}
	_, err := s.attempts.Indexes().CreateOne(ctx, mongo.IndexModel{
		Keys: bson.D{{Key: "user_id", Value: 1}, {Key: "quiz_id", Value: 1}, {Key: "submitted_at", Value: 1}}})
	if err != nil {
		return fmt.Errorf("quizzes: index attempts: %w", err)
	}
	return nil
}

var errQuizNotFound = lontar.NotFound("Kuis", "Quiz")

// Get returns the quiz with id, from memory when it was read within
// CacheTTL. The quiz is shared: callers must not modify it.
func (s *Store) Get(ctx context.Context, id string) (*Quiz, error) {
	if q, ok := s.cache.quiz(id); ok {
		return q, nil
	}
	gen := s.cache.generation()
	q, err := database.FindByID[Quiz](ctx, s.quizzes, id, errQuizNotFound, "quizzes: get")
	if err != nil {
		return nil, err
	}
	s.cache.putQuiz(gen, q)
	return q, nil
}

// Create inserts a new quiz and adds it to its course's index.
func (s *Store) Create(ctx context.Context, q *Quiz) error {
	if _, err := s.quizzes.InsertOne(ctx, q); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			// A crash may have come between the insert and the index of
			// the quiz already there: indexing is idempotent, so finish it.
			if prev, err := s.Get(ctx, q.ID); err == nil {
				if err := s.indexQuiz(ctx, prev); err != nil {
					return err
				}
			}
			return lontar.NewError(lontar.EConflict, "ID kuis sudah dipakai.", "This quiz id is already taken.")
		}
		return fmt.Errorf("quizzes: create %s: %w", q.ID, err)
	}
	return s.indexQuiz(ctx, q)
}

// Replace overwrites a quiz (its id, course and institution stay).
func (s *Store) Replace(ctx context.Context, q *Quiz) error {
	res, err := s.quizzes.ReplaceOne(ctx, bson.M{"_id": q.ID}, q)
	if err != nil {
		return fmt.Errorf("quizzes: replace %s: %w", q.ID, err)
	}
	if res.MatchedCount == 0 {
		return errQuizNotFound
	}
	return s.indexQuiz(ctx, q)
}

// indexQuiz records the quiz in its course's index document, so a course's
// quizzes and its final are found by _id. Idempotent.
func (s *Store) indexQuiz(ctx context.Context, q *Quiz) error {
	// Every create, edit and replayed create ends here: what this
	// instance cached of the quiz and its course is stale after it.
	defer s.cache.forget(q.ID, q.CourseID)
	update := bson.M{"$addToSet": bson.M{"quiz_ids": q.ID}}
	if q.Kind == KindFinal {
		update["$set"] = bson.M{"final_quiz_id": q.ID}
	}
	_, err := s.index.UpdateOne(ctx, bson.M{"_id": q.CourseID}, update, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("quizzes: index course %s: %w", q.CourseID, err)
	}
	if q.Kind != KindFinal {
		// A quiz that stopped being the final stops completing the course.
		_, err = s.index.UpdateOne(ctx, bson.M{"_id": q.CourseID, "final_quiz_id": q.ID},
			bson.M{"$unset": bson.M{"final_quiz_id": ""}})
		if err != nil {
			return fmt.Errorf("quizzes: index course %s: %w", q.CourseID, err)
		}
	}
	return nil
}

type courseIndex struct {
	QuizIDs     []string `bson:"quiz_ids"`
	FinalQuizID string   `bson:"final_quiz_id,omitempty"`
}

func (s *Store) courseIndex(ctx context.Context, courseID string) (courseIndex, error) {
	if ix, ok := s.cache.index(courseID); ok {
		return ix, nil
	}
	gen := s.cache.generation()
	var ix courseIndex
	err := database.Reads(s.index).FindOne(ctx, bson.M{"_id": courseID}).Decode(&ix)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return ix, fmt.Errorf("quizzes: course index %s: %w", courseID, err)
	}
	s.cache.putIndex(gen, courseID, ix)
	return ix, nil
}

// ForCourse returns the course's quizzes in the order they were added.
// Each is read by _id (through the cache): on the embedded store a query
// for several ids would read and decode every quiz there is.
func (s *Store) ForCourse(ctx context.Context, courseID string) ([]*Quiz, error) {
	ix, err := s.courseIndex(ctx, courseID)
	if err != nil || len(ix.QuizIDs) == 0 {
		return nil, err
	}
	var out []*Quiz
	for _, id := range ix.QuizIDs {
		q, err := s.Get(ctx, id)
		if lontar.IsCode(err, lontar.ENotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("quizzes: list course %s: %w", courseID, err)
		}
		if q.CourseID == courseID {
			out = append(out, q)
		}
	}
	return out, nil
}

// FinalQuizID returns the id of the course's final quiz, if it has one.
func (s *Store) FinalQuizID(ctx context.Context, courseID string) (string, bool, error) {
	ix, err := s.courseIndex(ctx, courseID)
	return ix.FinalQuizID, ix.FinalQuizID != "", err
}

// Attempt is one graded submission, stored under _id "user:attempt id".
type Attempt struct {
	Key         string    `json:"-" bson:"_id"`
	ID          string    `json:"attempt_id" bson:"attempt_id"`
	UserID      string    `json:"user_id" bson:"user_id"`
	QuizID      string    `json:"quiz_id" bson:"quiz_id"`
	CourseID    string    `json:"course_id" bson:"course_id"`
	Number      int       `json:"number" bson:"number"`
	Answers     []byte    `json:"-" bson:"answers"` // as sent, JSON
	Score       float64   `json:"score" bson:"score"`
	Passed      bool      `json:"passed" bson:"passed"`
	Results     []Result  `json:"results" bson:"results"`
	Source      string    `json:"source" bson:"source"` // online or sync
	ClientTime  time.Time `json:"client_time" bson:"client_time"`
	SubmittedAt time.Time `json:"submitted_at" bson:"submitted_at"`
}

func attemptKey(userID, attemptID string) string { return userID + ":" + attemptID }

var errAttemptNotFound = lontar.NotFound("Percobaan kuis", "Quiz attempt")

// attempt returns a stored attempt, or not_found.
func (s *Store) attempt(ctx context.Context, userID, attemptID string) (*Attempt, error) {
	return database.FindByID[Attempt](ctx, s.attempts, attemptKey(userID, attemptID), errAttemptNotFound, "quizzes: get attempt")
}

type counter struct {
	Used       int      `bson:"used"`
	AttemptIDs []string `bson:"attempt_ids"`
}

// AttemptsUsed returns how many attempts the learner has used on a quiz.
func (s *Store) AttemptsUsed(ctx context.Context, userID, quizID string) (int, error) {
	var c counter
	err := database.Reads(s.counters).FindOne(ctx, bson.M{"_id": userID + ":" + quizID}).Decode(&c)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return 0, fmt.Errorf("quizzes: attempts used: %w", err)
	}
	return c.Used, nil
}

var errNoAttemptsLeft = lontar.NewError(lontar.EConflict,
	"Kesempatan mengerjakan kuis ini sudah habis.", "You have used all your attempts at this quiz.")

// reserve counts attemptID against the learner's limit for the quiz and
// returns its number. It is one guarded update, so concurrent submissions
// can never exceed max; reserving the same attempt id again returns its
// number without counting it twice (a replay after a crash).
func (s *Store) reserve(ctx context.Context, userID, quizID, attemptID string, max int) (int, error) {
	id := userID + ":" + quizID
	guard := bson.M{"attempt_ids": bson.M{"$ne": attemptID}}
	if max > 0 {
		guard["used"] = bson.M{"$lt": max}
	}
	var c counter
	err := database.UpdateIf(ctx, s.counters, id, guard,
		bson.M{"$inc": bson.M{"used": 1}, "$push": bson.M{"attempt_ids": attemptID}}, true, &c)
	if err == nil {
		return c.Used, nil
	}
	if !mongo.IsDuplicateKeyError(err) {
		return 0, fmt.Errorf("quizzes: reserve attempt: %w", err)
	}
	// The filter missed an existing counter: either this attempt is already
	// counted, or the limit is reached.
	if err := s.counters.FindOne(ctx, bson.M{"_id": id}).Decode(&c); err != nil {
		return 0, fmt.Errorf("quizzes: read counter: %w", err)
	}
	for i, a := range c.AttemptIDs {
		if a == attemptID {
			return i + 1, nil
		}
	}
	return 0, errNoAttemptsLeft
}

// saveAttempt stores a graded attempt; if one with the same id exists it
// is returned instead (the first grading stands).
func (s *Store) saveAttempt(ctx context.Context, a *Attempt) (*Attempt, bool, error) {
	a.Key = attemptKey(a.UserID, a.ID)
	dup, err := s.saved.Insert(ctx, a)
	if err == nil && dup[0] {
		prev, err := s.attempt(ctx, a.UserID, a.ID)
		if err != nil {
			return nil, false, fmt.Errorf("quizzes: read attempt %s after a duplicate key: %w", a.ID, err)
		}
		return prev, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("quizzes: save attempt: %w", err)
	}
	return a, true, nil
}

// Attempts returns the learner's attempts at a quiz, oldest first.
func (s *Store) Attempts(ctx context.Context, userID, quizID string) ([]*Attempt, error) {
	var c counter
	err := database.Reads(s.counters).FindOne(ctx, bson.M{"_id": userID + ":" + quizID}).Decode(&c)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return []*Attempt{}, nil // none taken yet
	}
	if err != nil {
		return nil, fmt.Errorf("quizzes: attempts: %w", err)
	}
	out := make([]*Attempt, 0, len(c.AttemptIDs))
	for _, id := range c.AttemptIDs {
		a, err := s.attempt(ctx, userID, id)
		if lontar.IsCode(err, lontar.ENotFound) {
			continue // reserved, but the attempt was never saved
		}
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// seedState returns whether a quiz is still the seeder's and the hash of
// the file it was seeded from; ok is false when there is no such quiz.
func (s *Store) seedState(ctx context.Context, id string) (st seedState, ok bool, err error) {
	err = s.quizzes.FindOne(ctx, bson.M{"_id": id}).Decode(&st)
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		return st, false, nil
	case err != nil:
		return st, false, fmt.Errorf("quizzes: read seed state of %s: %w", id, err)
	}
	return st, true, nil
}

// setSeedHash records the hash of the file a seeded quiz came from,
// unless a trainer has made the quiz theirs in between.
func (s *Store) setSeedHash(ctx context.Context, id, hash string) error {
	_, err := s.quizzes.UpdateOne(ctx, bson.M{"_id": id, "seeded": true}, bson.M{"$set": bson.M{"seed_hash": hash}})
	if err != nil {
		return fmt.Errorf("quizzes: record seed hash of %s: %w", id, err)
	}
	return nil
}
