// Package coursetest sets up, for tests, published courses and the
// features learners use on them (enrollments, offline sync, cohorts), on a
// fresh database behind the real HTTP app (package apitest).
package coursetest

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"lontar"
	"lontar/accounts"
	"lontar/certificates"
	"lontar/cohorts"
	"lontar/courses"
	"lontar/enrollments"
	"lontar/internal/apitest"
	"lontar/internal/mongotest"
	"lontar/quizzes"
)

// Publish writes c as the draft (creating or replacing it) and publishes
// it through the real store, as a trainer's publish does.
func Publish(ctx context.Context, s *courses.Store, c *courses.Course) (*courses.Course, error) {
	d := *c
	if d.Institution == "" {
		d.Institution = "test"
	}
	d.Status = courses.StatusDraft
	existing, err := s.Draft(ctx, c.ID)
	if err == nil {
		d.Version = existing.Version
		d.UpdatedAt = time.Now().UTC().Truncate(time.Millisecond)
		if err := s.ReplaceDraft(ctx, &d, existing.UpdatedAt); err != nil {
			return nil, err
		}
	} else {
		d.Version = 0
		d.CreatedAt = time.Now().UTC().Truncate(time.Millisecond)
		d.UpdatedAt = d.CreatedAt
		if err := s.CreateDraft(ctx, &d); err != nil {
			return nil, err
		}
	}
	return s.Publish(ctx, c.ID)
}

// NewCatalog returns a catalogue on db and a function that publishes a
// course through the real store, returning the published version.
func NewCatalog(db *mongo.Database) (*courses.Store, *courses.Catalog, func(testing.TB, *courses.Course) *courses.Course) {
	store := courses.NewStore(db)
	catalog := courses.NewCatalog(store)
	return store, catalog, func(t testing.TB, c *courses.Course) *courses.Course {
		t.Helper()
		pub, err := Publish(context.Background(), store, c)
		if err != nil {
			t.Fatalf("publish %s: %v", c.ID, err)
		}
		catalog.Invalidate()
		c.Version = pub.Version
		return pub
	}
}

// Fixture is one test's app with the enrollment, sync and cohort routes
// and their stores, wired as the server wires them to the real stores of
// the features they reach through one-method interfaces: accounts (who a
// learner is, participants imported from CSV), quizzes (final quizzes) and
// certificates (issued on completion).
type Fixture struct {
	Env         *apitest.Env
	Catalog     *courses.Catalog
	Enrollments *enrollments.Store
	Syncer      *enrollments.Syncer
	Cohorts     *cohorts.Store
	Users       *accounts.Store
	Quizzes     *quizzes.Store
	Certs       *certificates.Service
	publish     func(testing.TB, *courses.Course) *courses.Course
	users       atomic.Int64 // numbers the phones of User
}

// New returns a Fixture whose syncer applies lesson_completed and the
// given other event types.
func New(t testing.TB, appliers map[string]lontar.SyncApplier) *Fixture {
	t.Helper()
	env := apitest.New(t)
	_, catalog, publish := NewCatalog(env.DB)
	f := &Fixture{Env: env, Catalog: catalog, publish: publish,
		Users: accounts.NewStore(env.DB), Quizzes: quizzes.NewStore(env.DB)}
	keys, err := certificates.LoadKeys(mongotest.Context(t), env.DB, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	certStore := certificates.NewStore(env.DB)
	f.Certs = certificates.NewService(certStore, keys, certificates.Config{PublicURL: "https://lontar.example/",
		Cohorts: cohorts.NewNames(env.DB)})
	f.Enrollments = enrollments.NewStore(env.DB, catalog, f.Users, f.Quizzes, f.Certs, nil)
	all := map[string]lontar.SyncApplier{enrollments.EventLessonCompleted: enrollments.LessonCompletions(f.Enrollments)}
	maps.Copy(all, appliers)
	f.Syncer = enrollments.NewSyncer(env.DB, all)
	f.Cohorts = cohorts.NewStore(env.DB, catalog, f.Enrollments, f.Users, "https://lontar.example/")
	ctx := mongotest.Context(t)
	for _, ensure := range []func(context.Context) error{f.Users.EnsureIndexes, f.Quizzes.EnsureIndexes,
		f.Enrollments.EnsureIndexes, f.Syncer.EnsureIndexes, f.Cohorts.EnsureIndexes, certStore.EnsureIndexes} {
		if err := ensure(ctx); err != nil {
			t.Fatal(err)
		}
	}
	enrollments.NewHandler(f.Enrollments, f.Syncer).Register(env.API())
	cohorts.NewHandler(f.Cohorts, f.Enrollments, f.Users, f.Users).Register(env.API())
	return f
}

// Publish publishes c (again) and returns the published version.
func (f *Fixture) Publish(t testing.TB, c *courses.Course) *courses.Course {
	t.Helper()
	return f.publish(t, c)
}

// Course returns a course of the institution with one module per group
// of lesson ids ("a,b" "c" → two modules), ready to publish.
func Course(id, institution string, modules ...string) *courses.Course {
	c := &courses.Course{ID: id, Institution: institution, Topic: "other",
		Title: lontar.T("Kursus "+id, "Course "+id), Summary: lontar.T("Ringkasan", "Summary")}
	for i, m := range modules {
		mod := courses.Module{ID: fmt.Sprintf("m%d", i+1), Title: lontar.T("Modul", "Module")}
		for _, l := range strings.Split(m, ",") {
			mod.Lessons = append(mod.Lessons, courses.Lesson{ID: l, Title: lontar.T("Materi "+l, "Lesson "+l),
				Body: lontar.T("Isi materi "+l+".", "Body of lesson "+l+"."), EstMinutes: 5})
		}
		c.Modules = append(c.Modules, mod)
	}
	return c
}

// MustCourse publishes Course(id, institution, modules...).
func (f *Fixture) MustCourse(t testing.TB, id, institution string, modules ...string) *courses.Course {
	t.Helper()
	return f.publish(t, Course(id, institution, modules...))
}

// User registers a user in accounts (as a participant: no password to
// hash) and returns their id and an access token for the role.
func (f *Fixture) User(t testing.TB, role lontar.Role, institution string) (string, string) {
	t.Helper()
	n := f.users.Add(1)
	name := fmt.Sprintf("Ina %d", n)
	id, _, _, err := f.Users.EnsureParticipant(mongotest.Context(t), lontar.Person{Name: name,
		Phone:   fmt.Sprintf("+62812%08d", 10000000+n),
		Profile: lontar.Profile{BusinessName: "Sei Ina", Sector: "kuliner", Region: "5371", Gender: "f"}})
	if err != nil {
		t.Fatal(err)
	}
	return id, f.Env.Token(t, lontar.Caller{UserID: id, Name: name, Role: role, Institution: institution})
}

// SetFinal makes a final quiz quizID of the course in the quizzes store.
func (f *Fixture) SetFinal(t testing.TB, courseID, quizID string) {
	t.Helper()
	q := &quizzes.Quiz{ID: quizID, CourseID: courseID, Kind: quizzes.KindFinal, Title: lontar.T("Ujian akhir", "Final test"), PassMark: 60}
	if err := f.Quizzes.Create(mongotest.Context(t), q); err != nil {
		t.Fatal(err)
	}
}

// Learner is User with the learner role.
func (f *Fixture) Learner(t testing.TB) (string, string) { return f.User(t, lontar.RoleLearner, "") }

// Enroll enrolls the token's learner through the API.
func (f *Fixture) Enroll(t testing.TB, token, courseID string) {
	t.Helper()
	if r := f.Env.Do(t, http.MethodPost, "/api/v1/courses/"+courseID+"/enroll", token, nil); r.Status != http.StatusCreated {
		t.Fatalf("enroll: %d %s", r.Status, r.Body)
	}
}

// Complete completes a lesson through the API and returns the enrollment.
func (f *Fixture) Complete(t testing.TB, token, courseID, lesson string) EnrollmentJSON {
	t.Helper()
	r := f.Env.Do(t, http.MethodPost, "/api/v1/courses/"+courseID+"/lessons/"+lesson+"/complete", token, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("complete %s: %d %s", lesson, r.Status, r.Body)
	}
	var e EnrollmentJSON
	r.JSON(t, &e)
	return e
}

// MyEnrollment reads the token's learner's enrollment through the API.
func (f *Fixture) MyEnrollment(t testing.TB, token, courseID string) EnrollmentJSON {
	t.Helper()
	r := f.Env.Do(t, http.MethodGet, "/api/v1/me/enrollments/"+courseID, token, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("GET enrollment: %d %s", r.Status, r.Body)
	}
	var e EnrollmentJSON
	r.JSON(t, &e)
	return e
}

// EnrollmentJSON is an enrollment as the API returns it.
type EnrollmentJSON struct {
	CourseID         string                       `json:"course_id"`
	CourseTitle      any                          `json:"course_title"`
	Percent          int                          `json:"percent"`
	LessonsDone      int                          `json:"lessons_done"`
	LessonsTotal     int                          `json:"lessons_total"`
	CompletedLessons map[string]time.Time         `json:"completed_lessons"`
	ResumeLessonID   string                       `json:"resume_lesson_id"`
	QuizResults      map[string]lontar.QuizResult `json:"quiz_results"`
	CohortIDs        []string                     `json:"cohort_ids"`
	CompletedAt      *time.Time                   `json:"completed_at"`
	CertificateCode  *string                      `json:"certificate_code"`
}
