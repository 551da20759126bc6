package enrollments

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"lontar"
	"lontar/courses"
	"lontar/database"
)

// Progress errors.
var (
	errNotEnrolled = lontar.NewError(lontar.EForbidden,
		"Anda belum terdaftar di kursus ini.", "You are not enrolled in this course.")
	errEnrollmentNotFound = lontar.NotFound("Pendaftaran kursus", "Enrollment")
	errLessonNotFound     = lontar.NotFound("Materi", "Lesson")
)

// Store keeps enrollments and progress. Every write is a single
// atomic operation on one enrollment document by _id: replays and
// concurrent requests are made harmless by the operators chosen ($min for
// a completion time, $addToSet, guarded updates), never by reading first.
type Store struct {
	enrollments *mongo.Collection
	// userCourses holds one document per user (_id = user id) listing the
	// courses they enrolled in, so listing a user's enrollments reads by
	// _id instead of scanning enrollments (FerretDB cannot use an index on
	// user_id).
	userCourses *mongo.Collection
	catalog     *courses.Catalog
	people      People
	finals      FinalQuizzes
	certifier   Certifier
	observer    Observer
}

// Observer hears that an enrollment changed, after the change is stored;
// the reports feature satisfies it to keep its aggregates up to date. It
// reads the enrollment as stored, so being told twice, or about a replay
// that changed nothing, is harmless, and it is told again whenever a
// client retries after an error.
type Observer interface {
	EnrollmentChanged(ctx context.Context, userID, courseID string) error
}

// NewStore returns a store over db that measures progress against the
// catalogue's published courses. people may be nil (enrollments then carry
// no learner snapshot beyond the user id); finals may be nil (a course is
// then complete when every lesson is done); certifier may be nil (no
// certificates are issued); observer may be nil.
func NewStore(db *mongo.Database, catalog *courses.Catalog, people People, finals FinalQuizzes, certifier Certifier, observer Observer) *Store {
	return &Store{
		enrollments: db.Collection("enrollments"),
		userCourses: db.Collection("user_courses"),
		catalog:     catalog,
		people:      people,
		finals:      finals,
		certifier:   certifier,
		observer:    observer,
	}
}

// changed tells the observer about a stored change of the enrollment.
func (s *Store) changed(ctx context.Context, userID, courseID string) error {
	if s.observer == nil {
		return nil
	}
	if err := s.observer.EnrollmentChanged(ctx, userID, courseID); err != nil {
		return fmt.Errorf("enrollments: after changing %s: %w", enrollmentID(userID, courseID), err)
	}
	return nil
}

// EnsureIndexes creates the indexes a real MongoDB needs for reports and
// roster queries (FerretDB only uses them to enforce uniqueness).
func (s *Store) EnsureIndexes(ctx context.Context) error {
	// One at a time: FerretDB v1 panics on createIndexes with several
	// indexes when some already exist (seen on restart).
	err := database.EnsureIndexes(ctx, s.enrollments,
		mongo.IndexModel{Keys: bson.D{{Key: "user_id", Value: 1}}},
		mongo.IndexModel{Keys: bson.D{{Key: "course_id", Value: 1}, {Key: "completed_at", Value: 1}}},
		mongo.IndexModel{Keys: bson.D{{Key: "cohort_ids", Value: 1}}},
	)
	if err != nil {
		return fmt.Errorf("enrollments: enrollment indexes: %w", err)
	}
	return nil
}

// Enroll enrolls the user in the published course. created is false when
// they were enrolled already; the existing enrollment is returned then.
func (s *Store) Enroll(ctx context.Context, userID, courseID string) (e *Enrollment, created bool, err error) {
	course, err := s.catalog.Get(ctx, courseID)
	if err != nil {
		return nil, false, err
	}
	p, err := s.person(ctx, userID)
	if err != nil {
		return nil, false, err
	}
	return s.EnrollPerson(ctx, p, course, "")
}

// person returns the user as People knows them, or just the id without People.
func (s *Store) person(ctx context.Context, userID string) (lontar.Person, error) {
	if s.people == nil {
		return lontar.Person{UserID: userID}, nil
	}
	p, err := s.people.Person(ctx, userID)
	if err != nil {
		return lontar.Person{}, fmt.Errorf("enrollments: learner %s: %w", userID, err)
	}
	p.UserID = userID
	return p, nil
}

// EnrollPerson enrolls p in course, as a member of the cohort unless
// cohortID is "". The enrollment is inserted by _id; a duplicate key means
// the learner is enrolled already, and only the cohort is added to it.
func (s *Store) EnrollPerson(ctx context.Context, p lontar.Person, course *courses.Course, cohortID string) (*Enrollment, bool, error) {
	id := enrollmentID(p.UserID, course.ID)
	// The per-user index goes first: a crash between the two writes leaves
	// an index entry without an enrollment, which listing skips, rather
	// than an enrollment the learner can never list.
	_, err := s.userCourses.UpdateOne(ctx, bson.M{"_id": p.UserID},
		bson.M{"$addToSet": bson.M{"course_ids": course.ID}}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return nil, false, fmt.Errorf("enrollments: index enrollment %s: %w", id, err)
	}
	now := database.Now()
	e := &Enrollment{
		ID: id, UserID: p.UserID, CourseID: course.ID, Version: course.Version,
		Learner: learnerOf(p), CohortIDs: []string{},
		CreatedAt: now, UpdatedAt: now,
	}
	if cohortID != "" {
		e.CohortIDs = []string{cohortID}
	}
	_, err = s.enrollments.InsertOne(ctx, e)
	if err == nil {
		return e, true, s.changed(ctx, p.UserID, course.ID)
	}
	if !mongo.IsDuplicateKeyError(err) {
		return nil, false, fmt.Errorf("enrollments: enroll %s: %w", id, err)
	}
	if cohortID == "" {
		e, err = s.Enrollment(ctx, p.UserID, course.ID)
		if err == nil {
			err = s.changed(ctx, p.UserID, course.ID) // heals a change an earlier crash left unreported
		}
		return e, false, err
	}
	e, err = s.update(ctx, bson.M{"_id": id}, bson.M{
		"$addToSet": bson.M{"cohort_ids": cohortID},
		"$set":      bson.M{"updated_at": now},
	})
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, false, fmt.Errorf("enrollments: enrollment %s vanished", id)
	}
	if err == nil {
		err = s.changed(ctx, p.UserID, course.ID)
	}
	return e, false, err
}

// EnrollMany enrolls people (the accounts an import just created) in each
// course, as members of the cohort, in bulk: one insert of their per-user
// indexes and one of the enrollments per course, instead of two writes per
// person and course. Anyone the bulk inserts could not take (enrolled
// already, as when an interrupted import runs again) goes through
// EnrollPerson, so the end state is the same as enrolling one by one.
func (s *Store) EnrollMany(ctx context.Context, people []lontar.Person, list []*courses.Course, cohortID string) error {
	if len(people) == 0 || len(list) == 0 {
		return nil
	}
	courseIDs := make([]string, len(list))
	for i, c := range list {
		courseIDs[i] = c.ID
	}
	// The per-user indexes first, as in EnrollPerson.
	index := make([]any, len(people))
	for i, p := range people {
		index[i] = bson.M{"_id": p.UserID, "course_ids": courseIDs}
	}
	failed, err := database.InsertNew(ctx, s.userCourses, index)
	if err != nil {
		return fmt.Errorf("enrollments: index enrollments: %w", err)
	}
	for _, i := range failed {
		_, err := s.userCourses.UpdateOne(ctx, bson.M{"_id": people[i].UserID},
			bson.M{"$addToSet": bson.M{"course_ids": bson.M{"$each": courseIDs}}}, options.UpdateOne().SetUpsert(true))
		if err != nil {
			return fmt.Errorf("enrollments: index enrollments of %s: %w", people[i].UserID, err)
		}
	}
	now := database.Now()
	for _, course := range list {
		docs := make([]any, len(people))
		for i, p := range people {
			docs[i] = &Enrollment{ID: enrollmentID(p.UserID, course.ID), UserID: p.UserID, CourseID: course.ID,
				Version: course.Version, Learner: learnerOf(p), CohortIDs: []string{cohortID}, CreatedAt: now, UpdatedAt: now}
		}
		failed, err := database.InsertNew(ctx, s.enrollments, docs)
		if err != nil {
			return fmt.Errorf("enrollments: enroll in %s: %w", course.ID, err)
		}
		for _, i := range failed {
			if _, _, err := s.EnrollPerson(ctx, people[i], course, cohortID); err != nil {
				return err
			}
		}
		for i, p := range people {
			if !slices.Contains(failed, i) {
				if err := s.changed(ctx, p.UserID, course.ID); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// Enrollment returns the user's enrollment in the course, or not_found.
func (s *Store) Enrollment(ctx context.Context, userID, courseID string) (*Enrollment, error) {
	e, err := database.FindByID[Enrollment](ctx, s.enrollments, enrollmentID(userID, courseID), errEnrollmentNotFound, "enrollments: read enrollment")
	if err != nil {
		return nil, err
	}
	e.unescapeKeys()
	return e, nil
}

// Enrolled reports whether the user is enrolled in the course.
func (s *Store) Enrolled(ctx context.Context, userID, courseID string) (bool, error) {
	err := database.Reads(s.enrollments).FindOne(ctx, bson.M{"_id": enrollmentID(userID, courseID)},
		options.FindOne().SetProjection(bson.M{"_id": 1})).Err()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("enrollments: read enrollment %s: %w", enrollmentID(userID, courseID), err)
	}
	return true, nil
}

// Enrollments returns the user's enrollments in the order they enrolled,
// reading the per-user index and then each enrollment by _id.
func (s *Store) Enrollments(ctx context.Context, userID string) ([]*Enrollment, error) {
	var idx struct {
		CourseIDs []string `bson:"course_ids"`
	}
	err := database.Reads(s.userCourses).FindOne(ctx, bson.M{"_id": userID}).Decode(&idx)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return []*Enrollment{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("enrollments: read enrollments of %s: %w", userID, err)
	}
	list := make([]*Enrollment, 0, len(idx.CourseIDs))
	for _, courseID := range idx.CourseIDs {
		e, err := s.Enrollment(ctx, userID, courseID)
		if lontar.IsCode(err, lontar.ENotFound) {
			continue // indexed, but the enrollment write never happened
		}
		if err != nil {
			return nil, err
		}
		list = append(list, e)
	}
	return list, nil
}

// Activity is when a learner's phone last reached Lontar, as their trainer
// sees it on the roster.
type Activity struct {
	// LastSyncAt is the learner's last offline sync; PendingAtSync is how
	// many events were still waiting on the phone at that sync (this
	// batch included), as the phone reported it.
	LastSyncAt    *time.Time `json:"last_sync_at" bson:"last_sync_at,omitempty"`
	PendingAtSync int        `json:"pending_at_sync" bson:"pending_at_sync"`
}

// RecordSync keeps when the user's phone last synced and how much was
// waiting on it then, on the user's index document (one write by _id).
func (s *Store) RecordSync(ctx context.Context, userID string, pending int, at time.Time) error {
	_, err := s.userCourses.UpdateOne(ctx, bson.M{"_id": userID},
		bson.M{"$set": bson.M{"last_sync_at": at.UTC(), "pending_at_sync": pending}}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("enrollments: record sync of %s: %w", userID, err)
	}
	return nil
}

// Activity reads the user's last sync; a user who never synced has none.
func (s *Store) Activity(ctx context.Context, userID string) (Activity, error) {
	var a Activity
	err := database.Reads(s.userCourses).FindOne(ctx, bson.M{"_id": userID}).Decode(&a)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return a, fmt.Errorf("enrollments: read activity of %s: %w", userID, err)
	}
	return a, nil
}

// CompleteLesson records that the user completed the lesson at the given
// time (clamped to the server clock; zero means now). Completing a lesson
// again, in any order, concurrently or as a replay, changes nothing: the
// earliest completion time is kept with $min in one atomic update.
func (s *Store) CompleteLesson(ctx context.Context, userID, courseID, lessonID string, at time.Time) (*Enrollment, error) {
	e, perLesson, err := s.CompleteLessons(ctx, userID, courseID, []LessonCompletion{{LessonID: lessonID, At: at}})
	if err != nil {
		return nil, err
	}
	if perLesson[0] != nil {
		return nil, perLesson[0]
	}
	return e, nil
}

// LessonCompletion is one lesson completed at a time (zero: now).
type LessonCompletion struct {
	LessonID string
	At       time.Time
}

// CompleteLessons records completions of lessons of one course in one
// atomic update of the enrollment, as CompleteLesson does for one: a
// phone back online sends many at once. perLesson says, for each, whether
// it was recorded (nil) or is not a lesson of the course; err is for the
// course as a whole (not published, not enrolled, the store failing).
// The enrollment is nil when no lesson was recorded.
func (s *Store) CompleteLessons(ctx context.Context, userID, courseID string, lessons []LessonCompletion) (e *Enrollment, perLesson []error, err error) {
	course, err := s.catalog.Get(ctx, courseID)
	if err != nil {
		return nil, nil, err
	}
	perLesson = make([]error, len(lessons))
	now := database.Now()
	first := map[string]time.Time{} // lesson → earliest time in this batch
	var latest time.Time
	for k, l := range lessons {
		if !course.HasLesson(l.LessonID) {
			perLesson[k] = errLessonNotFound
			continue
		}
		at := clampTime(l.At, now)
		if t, ok := first[l.LessonID]; !ok || at.Before(t) {
			first[l.LessonID] = at
		}
		if at.After(latest) {
			latest = at
		}
	}
	if len(first) == 0 {
		return nil, perLesson, nil
	}
	minimum := bson.M{}
	for id, at := range first {
		minimum["completed_lessons."+fieldKey(id)] = at
	}
	e, err = s.update(ctx, bson.M{"_id": enrollmentID(userID, courseID)}, bson.M{
		"$min": minimum,
		"$max": bson.M{"active_at": latest},
		"$set": bson.M{"updated_at": now},
	})
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil, errNotEnrolled
	}
	if err != nil {
		return nil, nil, err
	}
	if err := s.maybeComplete(ctx, e, course); err != nil {
		return nil, nil, err
	}
	return e, perLesson, s.changed(ctx, userID, courseID)
}

// RecordQuizAttempt adds one graded attempt to the learner's enrollment
// and returns their standing on the quiz. An attempt id is counted once:
// the update is guarded by the ids already applied, so a replay (an
// offline submission resent, a crash before the sync record) returns the
// standing unchanged. Not enrolled → forbidden.
func (s *Store) RecordQuizAttempt(ctx context.Context, userID string, a lontar.QuizAttempt) (lontar.QuizResult, error) {
	if a.AttemptID == "" || a.QuizID == "" || a.CourseID == "" {
		return lontar.QuizResult{}, fmt.Errorf("enrollments: quiz attempt without attempt, quiz or course id")
	}
	id := enrollmentID(userID, a.CourseID)
	now := database.Now()
	at := clampTime(a.At, now)
	q := "quiz_results." + fieldKey(a.QuizID)
	notApplied := bson.M{"applied_attempts": bson.M{"$ne": a.AttemptID}}

	set := bson.M{q + ".quiz_id": a.QuizID, q + ".last_score": a.Score, "updated_at": now}
	if a.Number == 1 {
		// The first attempt's score is the learning-gain baseline: set
		// with the counters, in the one guarded update.
		set[q+".first_score"] = a.Score
	} else {
		// The first score needs "only if none yet", which one update
		// cannot say next to the counters, so it is its own guarded
		// update, made first: after a crash between the two, the replay
		// finds first_score set and only the counters are applied. (An
		// attempt whose number is known and is not the first only finds
		// it set, unless the first was lost.)
		err := database.UpdateIf(ctx, s.enrollments, id,
			bson.M{"applied_attempts": bson.M{"$ne": a.AttemptID}, q + ".first_score": bson.M{"$exists": false}},
			bson.M{"$set": bson.M{q + ".first_score": a.Score}}, false, nil)
		if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			return lontar.QuizResult{}, fmt.Errorf("enrollments: record attempt %s in %s: %w", a.AttemptID, id, err)
		}
	}
	if a.Kind != "" {
		set[q+".kind"] = a.Kind
	}
	update := bson.M{
		"$addToSet": bson.M{"applied_attempts": a.AttemptID},
		"$inc":      bson.M{q + ".attempts": 1},
		"$max":      bson.M{q + ".best_score": a.Score, q + ".updated_at": at, "active_at": at},
		"$set":      set,
	}
	if a.Passed {
		set[q+".passed"] = true // passed stays true once true: it is never set false
		update["$min"] = bson.M{"quiz_passed_at." + fieldKey(a.QuizID): at}
	}
	e, err := s.updateIf(ctx, id, notApplied, update)
	if errors.Is(err, mongo.ErrNoDocuments) {
		// Either not enrolled, or this attempt was counted before.
		e, err = s.Enrollment(ctx, userID, a.CourseID)
		if lontar.IsCode(err, lontar.ENotFound) {
			return lontar.QuizResult{}, errNotEnrolled
		}
	}
	if err != nil {
		return lontar.QuizResult{}, err
	}
	// A pass may complete the course; any attempt, a replay included,
	// finishes a completion whose certificate is not recorded yet.
	if a.Passed || e.CompletedAt != nil && e.CertificateCode == "" {
		course, err := s.catalog.Get(ctx, a.CourseID)
		if err == nil {
			err = s.maybeComplete(ctx, e, course)
		}
		if err != nil && !lontar.IsCode(err, lontar.ENotFound) {
			return lontar.QuizResult{}, err
		}
	}
	return e.QuizResults[a.QuizID], s.changed(ctx, userID, a.CourseID)
}

// SetCertificateCode records the certificate issued for the enrollment;
// the first code recorded stays.
func (s *Store) SetCertificateCode(ctx context.Context, userID, courseID, code string) error {
	id := enrollmentID(userID, courseID)
	err := database.UpdateIf(ctx, s.enrollments, id, bson.M{"certificate_code": bson.M{"$exists": false}},
		bson.M{"$set": bson.M{"certificate_code": code}}, false, nil)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return fmt.Errorf("enrollments: set certificate of %s: %w", id, err)
	}
	return s.changed(ctx, userID, courseID)
}

// maybeComplete completes the enrollment when its course's rule is met,
// then has its certificate issued and recorded. Both steps are guarded
// and idempotent, so it is called on every touch: a crash after the first
// is finished by the next call.
func (s *Store) maybeComplete(ctx context.Context, e *Enrollment, course *courses.Course) error {
	if e.CompletedAt == nil {
		if err := s.complete(ctx, e, course); err != nil || e.CompletedAt == nil {
			return err
		}
	}
	return s.certify(ctx, e, course)
}

// complete sets completed_at, once, when every lesson of the course's
// current version is done and its final quiz (if any) is passed. The time
// is when that happened (the latest of those completions), not when the
// server heard of it, so offline progress keeps its dates. The update is
// guarded by completed_at not existing: concurrent callers set it once.
func (s *Store) complete(ctx context.Context, e *Enrollment, course *courses.Course) error {
	ids := course.LessonIDs()
	if len(ids) == 0 {
		return nil
	}
	var doneAt time.Time
	for _, id := range ids {
		at, ok := e.CompletedLessons[id]
		if !ok {
			return nil
		}
		if at.After(doneAt) {
			doneAt = at
		}
	}
	if s.finals != nil {
		quizID, ok, err := s.finals.FinalQuizID(ctx, course.ID)
		if err != nil {
			return fmt.Errorf("enrollments: final quiz of %s: %w", course.ID, err)
		}
		if ok {
			if !e.QuizResults[quizID].Passed {
				return nil
			}
			if at := e.QuizPassedAt[quizID]; at.After(doneAt) {
				doneAt = at
			}
		}
	}
	err := database.UpdateIf(ctx, s.enrollments, e.ID, bson.M{"completed_at": bson.M{"$exists": false}},
		bson.M{"$set": bson.M{"completed_at": doneAt}}, false, nil)
	if err == nil {
		e.CompletedAt = &doneAt
		return nil
	}
	if !errors.Is(err, mongo.ErrNoDocuments) {
		return fmt.Errorf("enrollments: complete %s: %w", e.ID, err)
	}
	// Another request completed it first; show its time.
	fresh, err := s.Enrollment(ctx, e.UserID, e.CourseID)
	if err != nil {
		return err
	}
	e.CompletedAt = fresh.CompletedAt
	return nil
}

// updateIf applies one atomic update guarded by guard (see
// database.UpdateIf) and returns the document after it.
func (s *Store) updateIf(ctx context.Context, id string, guard, update bson.M) (*Enrollment, error) {
	var e Enrollment
	err := database.UpdateIf(ctx, s.enrollments, id, guard, update, false, &e)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("enrollments: update enrollment %s: %w", id, err)
	}
	e.unescapeKeys()
	return &e, nil
}

// certify asks the certifier for the certificate of the completed
// enrollment and records its code; nothing to do once a code is recorded.
func (s *Store) certify(ctx context.Context, e *Enrollment, course *courses.Course) error {
	if s.certifier == nil || e.CompletedAt == nil || e.CertificateCode != "" {
		return nil
	}
	c := lontar.Completion{
		UserID: e.UserID, CourseID: e.CourseID, LearnerName: e.Learner.Name,
		CourseTitle: course.Title, CourseSummary: course.Summary, Institution: course.Institution,
		CompletedAt: *e.CompletedAt, CohortIDs: e.CohortIDs,
	}
	for _, m := range course.Modules {
		for _, l := range m.Lessons {
			c.Minutes += l.EstMinutes
		}
	}
	if s.finals != nil {
		quizID, ok, err := s.finals.FinalQuizID(ctx, course.ID)
		if err != nil {
			return fmt.Errorf("enrollments: final quiz of %s: %w", course.ID, err)
		}
		if r, done := e.QuizResults[quizID]; ok && done {
			c.FinalScore = &r.BestScore
		}
	}
	// The name as the learner spells it now (they may have corrected it
	// since enrolling), else the snapshot taken at enrollment.
	if s.people != nil {
		if p, err := s.person(ctx, e.UserID); err == nil && p.Name != "" {
			c.LearnerName = p.Name
		}
	}
	code, err := s.certifier.Certify(ctx, c)
	if err != nil {
		return fmt.Errorf("enrollments: certify %s: %w", e.ID, err)
	}
	if err := s.SetCertificateCode(ctx, e.UserID, e.CourseID, code); err != nil {
		return err
	}
	e.CertificateCode = code
	return nil
}

// update applies one atomic update and returns the document after it.
func (s *Store) update(ctx context.Context, filter, update bson.M) (*Enrollment, error) {
	var e Enrollment
	err := s.enrollments.FindOneAndUpdate(ctx, filter, update,
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&e)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("enrollments: update enrollment %v: %w", filter["_id"], err)
	}
	e.unescapeKeys()
	return &e, nil
}

// maxEventAge is how far back a client's time is believed.
const maxEventAge = 30 * 24 * time.Hour

// clampTime keeps a client's time within [now-maxEventAge, now]: a phone's
// clock may be wrong, and a time in the future would let a completion jump
// ahead of real ones. Zero means now.
func clampTime(at, now time.Time) time.Time {
	switch {
	case at.IsZero() || at.After(now):
		return now
	case at.Before(now.Add(-maxEventAge)):
		return now.Add(-maxEventAge)
	}
	return at.UTC().Truncate(time.Millisecond)
}
