package courses_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"lontar"
	"lontar/courses"
	"lontar/internal/apitest"
	"lontar/internal/mongotest"
)

// fixture is one test's app with the progress routes, its stores and
// fakes for the sibling features (accounts, quizzes) this package only
// reaches through one-method interfaces.
type fixture struct {
	env      *apitest.Env
	catalog  *courses.Catalog
	publish  func(testing.TB, *courses.Course) *courses.Course
	progress *courses.ProgressStore
	syncer   *courses.Syncer
	cohorts  *courses.CohortStore
	people   *fakePeople
	finals   *fakeFinals
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	env := apitest.New(t)
	catalog, publish := newCatalog(t, env.DB)
	f := &fixture{env: env, catalog: catalog, publish: publish, people: newFakePeople(),
		finals: &fakeFinals{m: map[string]string{}}}
	f.progress = courses.NewProgressStore(env.DB, catalog, f.people)
	f.progress.SetFinalQuizzes(f.finals)
	f.syncer = courses.NewSyncer(env.DB, f.progress)
	f.cohorts = courses.NewCohortStore(env.DB, catalog, f.progress, "https://lontar.example/")
	ctx := mongotest.Context(t)
	for _, ensure := range []func(context.Context) error{f.progress.EnsureIndexes, f.syncer.EnsureIndexes, f.cohorts.EnsureIndexes} {
		if err := ensure(ctx); err != nil {
			t.Fatal(err)
		}
	}
	courses.NewProgressHandler(f.progress, f.syncer, f.cohorts, f.people).Register(env.API())
	return f
}

// mustCourse publishes a course of the institution with one module per
// group of lesson ids ("a,b" "c" → two modules).
func (f *fixture) mustCourse(t testing.TB, id, institution string, modules ...string) *courses.Course {
	t.Helper()
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
	return f.publish(t, c)
}

// user makes a user known to accounts (the fake) and returns a token.
func (f *fixture) user(t testing.TB, role lontar.Role, institution string) (string, string) {
	t.Helper()
	id := "u" + strings.ToLower(rand.Text()[:10])
	f.people.add(lontar.Person{UserID: id, Name: "Ina " + id, Phone: "+62812" + fmt.Sprint(len(f.people.byID)+10000000),
		Profile: lontar.Profile{BusinessName: "Sei Ina", Sector: "kuliner", Region: "5371", Gender: "f"}})
	return id, f.env.Token(t, lontar.Caller{UserID: id, Name: "Ina " + id, Role: role, Institution: institution})
}

func (f *fixture) learner(t testing.TB) (string, string) { return f.user(t, lontar.RoleLearner, "") }

func (f *fixture) enroll(t testing.TB, token, courseID string) {
	t.Helper()
	if r := f.env.Do(t, http.MethodPost, "/api/v1/courses/"+courseID+"/enroll", token, nil); r.Status != http.StatusCreated {
		t.Fatalf("enroll: %d %s", r.Status, r.Body)
	}
}

// complete completes a lesson through the API and returns the enrollment.
func (f *fixture) complete(t testing.TB, token, courseID, lesson string) enrollmentJSON {
	t.Helper()
	r := f.env.Do(t, http.MethodPost, "/api/v1/courses/"+courseID+"/lessons/"+lesson+"/complete", token, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("complete %s: %d %s", lesson, r.Status, r.Body)
	}
	var e enrollmentJSON
	r.JSON(t, &e)
	return e
}

type enrollmentJSON struct {
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

func (f *fixture) myEnrollment(t testing.TB, token, courseID string) enrollmentJSON {
	t.Helper()
	r := f.env.Do(t, http.MethodGet, "/api/v1/me/enrollments/"+courseID, token, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("GET enrollment: %d %s", r.Status, r.Body)
	}
	var e enrollmentJSON
	r.JSON(t, &e)
	return e
}

// fakePeople stands in for *accounts.Store as People and Participants.
type fakePeople struct {
	mu      sync.Mutex
	byID    map[string]lontar.Person
	byPhone map[string]string
}

func newFakePeople() *fakePeople {
	return &fakePeople{byID: map[string]lontar.Person{}, byPhone: map[string]string{}}
}

func (p *fakePeople) add(person lontar.Person) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.byID[person.UserID] = person
	p.byPhone[person.Phone] = person.UserID
}

func (p *fakePeople) Person(_ context.Context, userID string) (lontar.Person, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	person, ok := p.byID[userID]
	if !ok {
		return lontar.Person{}, lontar.NotFound("Pengguna", "User")
	}
	return person, nil
}

func (p *fakePeople) EnsureParticipant(_ context.Context, person lontar.Person) (string, string, bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if id, ok := p.byPhone[person.Phone]; ok {
		return id, "", false, nil
	}
	person.UserID = "imp" + strings.ToLower(rand.Text()[:10])
	p.byID[person.UserID] = person
	p.byPhone[person.Phone] = person.UserID
	return person.UserID, "ACT-" + rand.Text()[:6], true, nil
}

// fakeFinals stands in for the quizzes feature's final quizzes.
type fakeFinals struct {
	mu sync.Mutex
	m  map[string]string // course → final quiz
}

func (f *fakeFinals) set(courseID, quizID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.m[courseID] = quizID
}

func (f *fakeFinals) FinalQuizID(_ context.Context, courseID string) (string, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	q, ok := f.m[courseID]
	return q, ok, nil
}

func TestEnroll(t *testing.T) {
	f := newFixture(t)
	course := f.mustCourse(t, "jualan", "inst-a", "l1,l2", "l3")
	_, learner := f.learner(t)
	_, trainer := f.user(t, lontar.RoleTrainer, "inst-a")

	tests := []struct {
		name, path, token string
		wantStatus        int
	}{
		{"first time", "/api/v1/courses/" + course.ID + "/enroll", learner, http.StatusCreated},
		{"again", "/api/v1/courses/" + course.ID + "/enroll", learner, http.StatusOK},
		{"unknown course", "/api/v1/courses/nope/enroll", learner, http.StatusNotFound},
		{"not a learner", "/api/v1/courses/" + course.ID + "/enroll", trainer, http.StatusForbidden},
		{"anonymous", "/api/v1/courses/" + course.ID + "/enroll", "", http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.env.Do(t, http.MethodPost, tt.path, tt.token, nil, "Accept-Language: en")
			if r.Status != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", r.Status, tt.wantStatus, r.Body)
			}
		})
	}

	r := f.env.Do(t, http.MethodGet, "/api/v1/me/enrollments?lang=en", learner, nil)
	var list []enrollmentJSON
	r.JSON(t, &list)
	if len(list) != 1 || list[0].CourseID != course.ID || list[0].CourseTitle != "Course jualan" ||
		list[0].Percent != 0 || list[0].LessonsTotal != 3 || list[0].ResumeLessonID != "l1" || list[0].CertificateCode != nil {
		t.Fatalf("enrollments = %+v", list)
	}
	if r := f.env.Do(t, http.MethodGet, "/api/v1/me/enrollments?lang=xx", learner, nil); r.Status != http.StatusBadRequest {
		t.Fatalf("unknown lang: %d", r.Status)
	}
	r = f.env.Do(t, http.MethodGet, "/api/v1/me/enrollments?lang=all", learner, nil)
	if !strings.Contains(string(r.Body), `"course_title":{"id":"Kursus jualan","en":"Course jualan"}`) {
		t.Fatalf("lang=all: %s", r.Body)
	}
	if r := f.env.Do(t, http.MethodGet, "/api/v1/me/enrollments/other", learner, nil); r.Status != http.StatusNotFound {
		t.Fatalf("not enrolled: %d", r.Status)
	}
}

func TestCompleteLessonIsIdempotent(t *testing.T) {
	f := newFixture(t)
	course := f.mustCourse(t, "buku", "inst-a", "l1,l2", "l3,l4")
	_, token := f.learner(t)
	f.enroll(t, token, course.ID)
	path := "/api/v1/courses/" + course.ID + "/lessons/l2/complete"

	var first time.Time
	for i := range 5 {
		r := f.env.Do(t, http.MethodPost, path, token, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("complete #%d: %d %s", i, r.Status, r.Body)
		}
		var e enrollmentJSON
		r.JSON(t, &e)
		if i == 0 {
			first = e.CompletedLessons["l2"]
		}
		if e.LessonsDone != 1 || e.Percent != 25 || !e.CompletedLessons["l2"].Equal(first) {
			t.Fatalf("after #%d: done %d, percent %d, time %v (first %v)", i, e.LessonsDone, e.Percent, e.CompletedLessons["l2"], first)
		}
		time.Sleep(2 * time.Millisecond)
	}

	var wg sync.WaitGroup
	for range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r := f.env.Do(t, http.MethodPost, "/api/v1/courses/"+course.ID+"/lessons/l3/complete", token, nil); r.Status != http.StatusOK {
				t.Errorf("concurrent complete: %d %s", r.Status, r.Body)
			}
		}()
	}
	wg.Wait()
	e := f.myEnrollment(t, token, course.ID)
	if e.LessonsDone != 2 || e.Percent != 50 || !e.CompletedLessons["l2"].Equal(first) {
		t.Fatalf("after concurrent: %+v", e)
	}
	if e.ResumeLessonID != "l4" {
		t.Fatalf("resume at %q, want l4 (after l3, the last completed)", e.ResumeLessonID)
	}

	_, stranger := f.learner(t)
	for _, tt := range []struct {
		name, path, token string
		want              int
	}{
		{"not enrolled", path, stranger, http.StatusForbidden},
		{"unknown lesson", "/api/v1/courses/" + course.ID + "/lessons/nope/complete", token, http.StatusNotFound},
		{"unknown course", "/api/v1/courses/nope/lessons/l1/complete", token, http.StatusNotFound},
	} {
		if r := f.env.Do(t, http.MethodPost, tt.path, tt.token, nil); r.Status != tt.want {
			t.Errorf("%s: %d, want %d: %s", tt.name, r.Status, tt.want, r.Body)
		}
	}
}

func TestPercentCountsTheCurrentVersion(t *testing.T) {
	f := newFixture(t)
	course := f.mustCourse(t, "konten", "inst-a", "l1,l2", "l3,l4")
	_, token := f.learner(t)
	f.enroll(t, token, course.ID)
	f.complete(t, token, course.ID, "l1")
	f.complete(t, token, course.ID, "l4")
	if e := f.myEnrollment(t, token, course.ID); e.Percent != 50 {
		t.Fatalf("v1 percent = %d, want 50", e.Percent)
	}
	// Version 2 drops l4 and adds l5: 1 of l1,l2,l3,l5 is done.
	course.Modules[1].Lessons = []courses.Lesson{course.Modules[1].Lessons[0],
		{ID: "l5", Title: lontar.T("Baru", "New"), Body: lontar.T("Isi.", "Body."), EstMinutes: 3}}
	f.publish(t, course)
	e := f.myEnrollment(t, token, course.ID)
	if e.Percent != 25 || e.LessonsDone != 1 || e.LessonsTotal != 4 {
		t.Fatalf("v2: percent %d, %d/%d, want 25, 1/4", e.Percent, e.LessonsDone, e.LessonsTotal)
	}
	if _, shown := e.CompletedLessons["l4"]; shown {
		t.Fatalf("a lesson removed in v2 is still listed: %v", e.CompletedLessons)
	}
}

func TestRecordQuizAttempt(t *testing.T) {
	f := newFixture(t)
	ctx := mongotest.Context(t)
	course := f.mustCourse(t, "jualan", "inst-a", "l1")
	user, token := f.learner(t)
	f.enroll(t, token, course.ID)
	at := time.Now().UTC().Add(-time.Hour).Truncate(time.Millisecond)
	attempt := func(id string, score float64, passed bool) lontar.QuizResult {
		t.Helper()
		r, err := f.progress.RecordQuizAttempt(ctx, user, lontar.QuizAttempt{AttemptID: id, QuizID: "pre", CourseID: course.ID,
			Kind: "pretest", Score: score, Passed: passed, At: at})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	steps := []struct {
		attempt             string
		score               float64
		passed              bool
		wantAttempts        int
		wantBest, wantFirst float64
		wantLast            float64
		wantPassed          bool
	}{
		{"a1", 40, false, 1, 40, 40, 40, false},
		{"a1", 40, false, 1, 40, 40, 40, false}, // replay: counted once
		{"a2", 90, true, 2, 90, 40, 90, true},
		{"a3", 60, false, 3, 90, 40, 60, true}, // passed stays passed
		{"a2", 90, true, 3, 90, 40, 60, true},  // late replay changes nothing
	}
	for i, s := range steps {
		got := attempt(s.attempt, s.score, s.passed)
		if got.Attempts != s.wantAttempts || got.BestScore != s.wantBest || got.FirstScore != s.wantFirst ||
			got.LastScore != s.wantLast || got.Passed != s.wantPassed || got.QuizID != "pre" || got.Kind != "pretest" {
			t.Fatalf("step %d (%s): %+v", i, s.attempt, got)
		}
	}

	var wg sync.WaitGroup
	for range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			attempt("a4", 10, false)
		}()
	}
	wg.Wait()
	if got := f.myEnrollment(t, token, course.ID).QuizResults["pre"]; got.Attempts != 4 || got.FirstScore != 40 {
		t.Fatalf("after a4 sent 5× at once: %+v", got)
	}

	_, err := f.progress.RecordQuizAttempt(ctx, "someone-else", lontar.QuizAttempt{AttemptID: "x", QuizID: "pre", CourseID: course.ID, Score: 1})
	if !lontar.IsCode(err, lontar.EForbidden) {
		t.Fatalf("not enrolled: %v", err)
	}
	if ok, err := f.progress.Enrolled(ctx, user, course.ID); err != nil || !ok {
		t.Fatalf("Enrolled = %v, %v", ok, err)
	}
	if ok, err := f.progress.Enrolled(ctx, "someone-else", course.ID); err != nil || ok {
		t.Fatalf("Enrolled(stranger) = %v, %v", ok, err)
	}
}

func TestCompletionNeedsEveryLessonAndTheFinal(t *testing.T) {
	f := newFixture(t)
	ctx := mongotest.Context(t)
	course := f.mustCourse(t, "buku", "inst-a", "l1,l2")
	f.finals.set(course.ID, "final")
	user, token := f.learner(t)
	f.enroll(t, token, course.ID)
	complete := func(l string) enrollmentJSON { return f.complete(t, token, course.ID, l) }
	quiz := func(id string, passed bool) {
		t.Helper()
		if _, err := f.progress.RecordQuizAttempt(ctx, user, lontar.QuizAttempt{AttemptID: id, QuizID: "final",
			CourseID: course.ID, Kind: "final", Score: 50, Passed: passed, At: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}

	if e := complete("l1"); e.CompletedAt != nil {
		t.Fatal("complete after one lesson of two")
	}
	quiz("f1", false)
	if e := complete("l2"); e.CompletedAt != nil || e.Percent != 100 {
		t.Fatalf("complete with the final failed: %+v", e)
	}
	quiz("f2", true)
	e := f.myEnrollment(t, token, course.ID)
	if e.CompletedAt == nil {
		t.Fatal("not complete after every lesson and the final passed")
	}
	done := *e.CompletedAt
	quiz("f3", true)
	complete("l1")
	if e := f.myEnrollment(t, token, course.ID); e.CompletedAt == nil || !e.CompletedAt.Equal(done) {
		t.Fatalf("completed_at moved: %v → %v", done, e.CompletedAt)
	}

	// Without a final quiz, the last lesson completes the course.
	plain := f.mustCourse(t, "plain", "inst-a", "p1")
	f.enroll(t, token, plain.ID)
	if e := f.complete(t, token, plain.ID, "p1"); e.CompletedAt == nil {
		t.Fatal("course without a final not complete after its only lesson")
	}
}

func BenchmarkCompleteLesson(b *testing.B) {
	f := newFixture(b)
	course := f.mustCourse(b, "bench", "inst-a", "l1,l2,l3,l4", "l5,l6,l7,l8")
	user, token := f.learner(b)
	f.enroll(b, token, course.ID)
	ids := course.LessonIDs()
	ctx := context.Background()

	b.Run("store", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, err := f.progress.CompleteLesson(ctx, user, course.ID, ids[i%len(ids)], time.Time{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("http", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			r := f.env.Do(b, http.MethodPost, "/api/v1/courses/"+course.ID+"/lessons/"+ids[i%len(ids)]+"/complete", token, nil)
			if r.Status != http.StatusOK {
				b.Fatal(r.Status)
			}
		}
	})
}

// Lesson ids may come from clients; one with a dot or a dollar must not
// become a nested path in the stored map.
func TestLessonIDsThatLookLikePaths(t *testing.T) {
	f := newFixture(t)
	course := f.mustCourse(t, "titik", "inst-a", "1.1,$2,50%")
	_, token := f.learner(t)
	f.enroll(t, token, course.ID)
	for _, l := range []string{"1.1", "$2", "50%"} {
		f.complete(t, token, course.ID, url.PathEscape(l))
	}
	e := f.myEnrollment(t, token, course.ID)
	if e.Percent != 100 || len(e.CompletedLessons) != 3 {
		t.Fatalf("%d%%, %v", e.Percent, e.CompletedLessons)
	}
	for _, l := range []string{"1.1", "$2", "50%"} {
		if _, ok := e.CompletedLessons[l]; !ok {
			t.Errorf("%q missing from %v", l, e.CompletedLessons)
		}
	}
}
