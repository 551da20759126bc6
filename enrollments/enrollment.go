// Package enrollments holds learners' enrollments in published courses,
// their progress (lessons completed, quiz standing, completion) and the
// offline sync that replays what a phone recorded without a connection.
package enrollments

import (
	"context"
	"strings"
	"time"

	"lontar"
	"lontar/courses"
)

// People finds who a user is; *accounts.Store satisfies it. Enrollments
// keep a snapshot of the learner (name, region, sector, gender) so reports
// never have to join users.
type People interface {
	Person(ctx context.Context, userID string) (lontar.Person, error)
}

// FinalQuizzes tells which quiz, if any, a learner must pass to complete a
// course; *quizzes.Store satisfies it.
type FinalQuizzes interface {
	FinalQuizID(ctx context.Context, courseID string) (quizID string, ok bool, err error)
}

// Certifier issues the certificate of a completed enrollment and returns
// its code; *certificates.Service satisfies it. It must be idempotent: the
// store calls it on completion and again on every later touch of a
// completed enrollment that has no code recorded yet (a replayed event,
// the next request, a read), which repairs a crash between the two writes.
type Certifier interface {
	Certify(ctx context.Context, c lontar.Completion) (code string, err error)
}

// Enrollment is one learner's progress in one course, stored in the
// enrollments collection with _id "<user>:<course>" so every read and write
// is one lookup by _id (only _id equality is fast on the embedded store; see the README).
//
// Percent, the resume point and the completed lessons shown to clients are
// not stored: they are computed on read against the course's current
// published version in the in-memory catalogue (see ProgressIn). A stored
// percent would go stale the moment a trainer publishes a version that adds
// or removes lessons, and recomputing it on every write would need a read
// of the course per update anyway; on read it costs a map lookup.
type Enrollment struct {
	ID       string `json:"-" bson:"_id"`
	UserID   string `json:"user_id" bson:"user_id"`
	CourseID string `json:"course_id" bson:"course_id"`
	// Version is the course version published when the learner enrolled.
	Version   int      `json:"version" bson:"version"`
	Learner   Learner  `json:"learner" bson:"learner"`
	CohortIDs []string `json:"cohort_ids" bson:"cohort_ids"`
	// CompletedLessons maps a lesson id to when it was first completed
	// (the earliest time wins, so replays never move it). Keys are stored
	// escaped (see fieldKey); the store unescapes them on load.
	CompletedLessons map[string]time.Time `json:"completed_lessons" bson:"completed_lessons,omitempty"`
	// QuizResults maps a quiz id to the learner's standing on it.
	QuizResults map[string]lontar.QuizResult `json:"quiz_results" bson:"quiz_results,omitempty"`
	// QuizPassedAt maps a quiz id to the time of its first passing attempt.
	QuizPassedAt map[string]time.Time `json:"-" bson:"quiz_passed_at,omitempty"`
	// AppliedAttempts are the attempt ids already counted, so a replayed
	// attempt is never counted twice.
	AppliedAttempts []string `json:"-" bson:"applied_attempts,omitempty"`
	// ActiveAt is the latest learning activity (by when it happened).
	ActiveAt        *time.Time `json:"active_at,omitempty" bson:"active_at,omitempty"`
	CompletedAt     *time.Time `json:"completed_at,omitempty" bson:"completed_at,omitempty"`
	CertificateCode string     `json:"certificate_code,omitempty" bson:"certificate_code,omitempty"`
	CreatedAt       time.Time  `json:"created_at" bson:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at" bson:"updated_at"`
}

// Learner is the snapshot of a learner taken at enrollment, for reports.
type Learner struct {
	Name   string `json:"name" bson:"name"`
	Region string `json:"region" bson:"region"`
	Sector string `json:"sector" bson:"sector"`
	Gender string `json:"gender" bson:"gender"`
}

func learnerOf(p lontar.Person) Learner {
	return Learner{Name: p.Name, Region: p.Profile.Region, Sector: p.Profile.Sector, Gender: p.Profile.Gender}
}

func enrollmentID(userID, courseID string) string { return userID + ":" + courseID }

// Progress is an enrollment measured against the current published
// version of its course.
type Progress struct {
	Percent      int
	Done, Total  int
	Completed    map[string]time.Time // current lessons only
	ResumeLesson string
	LastLesson   string
}

// ProgressIn measures e against course; lessons a later version removed
// no longer count, lessons it added count as not done. With no course
// (no longer published) every recorded lesson is shown and percent is 0.
func (e *Enrollment) ProgressIn(course *courses.Course) Progress {
	if course == nil {
		return Progress{Completed: e.CompletedLessons}
	}
	var p Progress
	p.Completed = make(map[string]time.Time, len(e.CompletedLessons))
	var lastAt time.Time
	ids := course.LessonIDs()
	lastIdx := -1
	for i, id := range ids {
		at, ok := e.CompletedLessons[id]
		if !ok {
			continue
		}
		p.Completed[id] = at
		if lastIdx < 0 || !at.Before(lastAt) {
			lastAt, lastIdx = at, i
		}
	}
	p.Done, p.Total = len(p.Completed), len(ids)
	if p.Total > 0 {
		p.Percent = p.Done * 100 / p.Total // floor: 100 only when all are done
	}
	if lastIdx >= 0 {
		p.LastLesson = ids[lastIdx]
	}
	// Resume at the first lesson not done after the one completed last,
	// else the first not done at all, else (all done) the last one.
	p.ResumeLesson = p.LastLesson
	for k := range len(ids) {
		id := ids[(lastIdx+1+k)%len(ids)]
		if _, done := p.Completed[id]; !done {
			p.ResumeLesson = id
			break
		}
	}
	return p
}

// fieldKey makes an id safe as a key in a stored map: MongoDB field names
// may not contain "." (it would become a nested path) or start with "$".
// Lesson ids may come from clients, so they are escaped, not trusted.
func fieldKey(id string) string {
	if !strings.ContainsAny(id, "%.$") {
		return id
	}
	return keyEscaper.Replace(id)
}

func unescapeKey(k string) string {
	if !strings.Contains(k, "%") {
		return k
	}
	return keyUnescaper.Replace(k)
}

var (
	keyEscaper   = strings.NewReplacer("%", "%25", ".", "%2E", "$", "%24")
	keyUnescaper = strings.NewReplacer("%25", "%", "%2E", ".", "%24", "$")
)

// unescapeKeys turns the stored map keys of e back into ids.
func (e *Enrollment) unescapeKeys() {
	e.CompletedLessons = unescapeMap(e.CompletedLessons)
	e.QuizResults = unescapeMap(e.QuizResults)
	e.QuizPassedAt = unescapeMap(e.QuizPassedAt)
}

func unescapeMap[V any](m map[string]V) map[string]V {
	escaped := false
	for k := range m {
		if strings.Contains(k, "%") {
			escaped = true
			break
		}
	}
	if !escaped {
		return m
	}
	out := make(map[string]V, len(m))
	for k, v := range m {
		out[unescapeKey(k)] = v
	}
	return out
}
