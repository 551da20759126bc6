package enrollments_test

import (
	"go.mongodb.org/mongo-driver/v2/bson"

	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"lontar"
	"lontar/courses"
	"lontar/internal/coursetest"
	"lontar/internal/mongotest"
)

func newFixture(t testing.TB) *coursetest.Fixture { return coursetest.New(t, nil) }

func TestEnroll(t *testing.T) {
	f := newFixture(t)
	course := f.MustCourse(t, "jualan", "inst-a", "l1,l2", "l3")
	_, learner := f.Learner(t)
	_, trainer := f.User(t, lontar.RoleTrainer, "inst-a")

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
			r := f.Env.Do(t, http.MethodPost, tt.path, tt.token, nil, "Accept-Language: en")
			if r.Status != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", r.Status, tt.wantStatus, r.Body)
			}
		})
	}

	r := f.Env.Do(t, http.MethodGet, "/api/v1/me/enrollments?lang=en", learner, nil)
	var list []coursetest.EnrollmentJSON
	r.JSON(t, &list)
	if len(list) != 1 || list[0].CourseID != course.ID || list[0].CourseTitle != "Course jualan" ||
		list[0].Percent != 0 || list[0].LessonsTotal != 3 || list[0].ResumeLessonID != "l1" || list[0].CertificateCode != nil {
		t.Fatalf("enrollments = %+v", list)
	}
	if r := f.Env.Do(t, http.MethodGet, "/api/v1/me/enrollments?lang=xx", learner, nil); r.Status != http.StatusBadRequest {
		t.Fatalf("unknown lang: %d", r.Status)
	}
	r = f.Env.Do(t, http.MethodGet, "/api/v1/me/enrollments?lang=all", learner, nil)
	if !strings.Contains(string(r.Body), `"course_title":{"id":"Kursus jualan","en":"Course jualan"}`) {
		t.Fatalf("lang=all: %s", r.Body)
	}
	if r := f.Env.Do(t, http.MethodGet, "/api/v1/me/enrollments/other", learner, nil); r.Status != http.StatusNotFound {
		t.Fatalf("not enrolled: %d", r.Status)
	}
}

func TestCompleteLessonIsIdempotent(t *testing.T) {
	f := newFixture(t)
	course := f.MustCourse(t, "buku", "inst-a", "l1,l2", "l3,l4")
	_, token := f.Learner(t)
	f.Enroll(t, token, course.ID)
	path := "/api/v1/courses/" + course.ID + "/lessons/l2/complete"

	var first time.Time
	for i := range 5 {
		r := f.Env.Do(t, http.MethodPost, path, token, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("complete #%d: %d %s", i, r.Status, r.Body)
		}
		var e coursetest.EnrollmentJSON
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
			if r := f.Env.Do(t, http.MethodPost, "/api/v1/courses/"+course.ID+"/lessons/l3/complete", token, nil); r.Status != http.StatusOK {
				t.Errorf("concurrent complete: %d %s", r.Status, r.Body)
			}
		}()
	}
	wg.Wait()
	e := f.MyEnrollment(t, token, course.ID)
	if e.LessonsDone != 2 || e.Percent != 50 || !e.CompletedLessons["l2"].Equal(first) {
		t.Fatalf("after concurrent: %+v", e)
	}
	if e.ResumeLessonID != "l4" {
		t.Fatalf("resume at %q, want l4 (after l3, the last completed)", e.ResumeLessonID)
	}

	_, stranger := f.Learner(t)
	for _, tt := range []struct {
		name, path, token string
		want              int
	}{
		{"not enrolled", path, stranger, http.StatusForbidden},
		{"unknown lesson", "/api/v1/courses/" + course.ID + "/lessons/nope/complete", token, http.StatusNotFound},
		{"unknown course", "/api/v1/courses/nope/lessons/l1/complete", token, http.StatusNotFound},
	} {
		if r := f.Env.Do(t, http.MethodPost, tt.path, tt.token, nil); r.Status != tt.want {
			t.Errorf("%s: %d, want %d: %s", tt.name, r.Status, tt.want, r.Body)
		}
	}
}

func TestPercentCountsTheCurrentVersion(t *testing.T) {
	f := newFixture(t)
	course := f.MustCourse(t, "konten", "inst-a", "l1,l2", "l3,l4")
	_, token := f.Learner(t)
	f.Enroll(t, token, course.ID)
	f.Complete(t, token, course.ID, "l1")
	f.Complete(t, token, course.ID, "l4")
	if e := f.MyEnrollment(t, token, course.ID); e.Percent != 50 {
		t.Fatalf("v1 percent = %d, want 50", e.Percent)
	}
	// Version 2 drops l4 and adds l5: 1 of l1,l2,l3,l5 is done.
	course.Modules[1].Lessons = []courses.Lesson{course.Modules[1].Lessons[0],
		{ID: "l5", Title: lontar.T("Baru", "New"), Body: lontar.T("Isi.", "Body."), EstMinutes: 3}}
	f.Publish(t, course)
	e := f.MyEnrollment(t, token, course.ID)
	if e.Percent != 25 || e.LessonsDone != 1 || e.LessonsTotal != 4 {
		t.Fatalf("v2: percent %d, %d/%d, want 25, 1/4", e.Percent, e.LessonsDone, e.LessonsTotal)
	}
	if _, shown := e.CompletedLessons["l4"]; shown {
		t.Fatalf("a lesson removed in v2 is still listed: %v", e.CompletedLessons)
	}
}

func TestRecordQuizAttempt(t *testing.T) {
	// Attempts numbered by the quizzes feature (1 = first) set first_score
	// in the one guarded update; unnumbered ones by a guarded update of
	// their own. Both must give the same standing.
	for _, numbered := range []bool{false, true} {
		t.Run(fmt.Sprintf("numbered=%v", numbered), func(t *testing.T) { testRecordQuizAttempt(t, numbered) })
	}
}

func testRecordQuizAttempt(t *testing.T, numbered bool) {
	f := newFixture(t)
	ctx := mongotest.Context(t)
	course := f.MustCourse(t, "jualan", "inst-a", "l1")
	user, token := f.Learner(t)
	f.Enroll(t, token, course.ID)
	at := time.Now().UTC().Add(-time.Hour).Truncate(time.Millisecond)
	numbers := map[string]int{"a1": 1, "a2": 2, "a3": 3, "a4": 4}
	attempt := func(id string, score float64, passed bool) lontar.QuizResult {
		t.Helper()
		a := lontar.QuizAttempt{AttemptID: id, QuizID: "pre", CourseID: course.ID,
			Kind: "pretest", Score: score, Passed: passed, At: at}
		if numbered {
			a.Number = numbers[id]
		}
		r, err := f.Enrollments.RecordQuizAttempt(ctx, user, a)
		if err != nil {
			t.Error(err)
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
	if got := f.MyEnrollment(t, token, course.ID).QuizResults["pre"]; got.Attempts != 4 || got.FirstScore != 40 {
		t.Fatalf("after a4 sent 5× at once: %+v", got)
	}

	_, err := f.Enrollments.RecordQuizAttempt(ctx, "someone-else", lontar.QuizAttempt{AttemptID: "x", QuizID: "pre", CourseID: course.ID, Score: 1})
	if !lontar.IsCode(err, lontar.EForbidden) {
		t.Fatalf("not enrolled: %v", err)
	}
	if ok, err := f.Enrollments.Enrolled(ctx, user, course.ID); err != nil || !ok {
		t.Fatalf("Enrolled = %v, %v", ok, err)
	}
	if ok, err := f.Enrollments.Enrolled(ctx, "someone-else", course.ID); err != nil || ok {
		t.Fatalf("Enrolled(stranger) = %v, %v", ok, err)
	}
}

func TestCompletionNeedsEveryLessonAndTheFinal(t *testing.T) {
	f := newFixture(t)
	ctx := mongotest.Context(t)
	course := f.MustCourse(t, "buku", "inst-a", "l1,l2")
	f.SetFinal(t, course.ID, "final")
	user, token := f.Learner(t)
	f.Enroll(t, token, course.ID)
	complete := func(l string) coursetest.EnrollmentJSON { return f.Complete(t, token, course.ID, l) }
	quiz := func(id string, passed bool) {
		t.Helper()
		if _, err := f.Enrollments.RecordQuizAttempt(ctx, user, lontar.QuizAttempt{AttemptID: id, QuizID: "final",
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
	e := f.MyEnrollment(t, token, course.ID)
	if e.CompletedAt == nil {
		t.Fatal("not complete after every lesson and the final passed")
	}
	done := *e.CompletedAt
	quiz("f3", true)
	complete("l1")
	if e := f.MyEnrollment(t, token, course.ID); e.CompletedAt == nil || !e.CompletedAt.Equal(done) {
		t.Fatalf("completed_at moved: %v → %v", done, e.CompletedAt)
	}

	// Without a final quiz, the last lesson completes the course.
	plain := f.MustCourse(t, "plain", "inst-a", "p1")
	f.Enroll(t, token, plain.ID)
	if e := f.Complete(t, token, plain.ID, "p1"); e.CompletedAt == nil {
		t.Fatal("course without a final not complete after its only lesson")
	}
}

func BenchmarkCompleteLesson(b *testing.B) {
	f := newFixture(b)
	course := f.MustCourse(b, "bench", "inst-a", "l1,l2,l3,l4", "l5,l6,l7,l8")
	user, token := f.Learner(b)
	f.Enroll(b, token, course.ID)
	ids := course.LessonIDs()
	ctx := context.Background()

	b.Run("store", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, err := f.Enrollments.CompleteLesson(ctx, user, course.ID, ids[i%len(ids)], time.Time{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("http", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			r := f.Env.Do(b, http.MethodPost, "/api/v1/courses/"+course.ID+"/lessons/"+ids[i%len(ids)]+"/complete", token, nil)
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
	course := f.MustCourse(t, "titik", "inst-a", "1.1,$2,50%")
	_, token := f.Learner(t)
	f.Enroll(t, token, course.ID)
	for _, l := range []string{"1.1", "$2", "50%"} {
		f.Complete(t, token, course.ID, url.PathEscape(l))
	}
	e := f.MyEnrollment(t, token, course.ID)
	if e.Percent != 100 || len(e.CompletedLessons) != 3 {
		t.Fatalf("%d%%, %v", e.Percent, e.CompletedLessons)
	}
	for _, l := range []string{"1.1", "$2", "50%"} {
		if _, ok := e.CompletedLessons[l]; !ok {
			t.Errorf("%q missing from %v", l, e.CompletedLessons)
		}
	}
}

// A crash after a passing final was counted but before the course was
// marked complete: replaying the attempt completes it, or the certificate
// would be blocked forever.
func TestReplayedPassingFinalCompletesTheCourse(t *testing.T) {
	f := newFixture(t)
	ctx := mongotest.Context(t)
	course := f.MustCourse(t, "buku", "inst-a", "l1")
	f.SetFinal(t, course.ID, "final")
	user, token := f.Learner(t)
	f.Enroll(t, token, course.ID)
	f.Complete(t, token, course.ID, "l1")
	at := time.Now().UTC().Truncate(time.Millisecond)
	// What the first try wrote before the kill: the attempt counted and
	// passed, completed_at not yet set.
	_, err := f.Env.DB.Collection("enrollments").UpdateOne(ctx, bson.M{"_id": user + ":" + course.ID}, bson.M{
		"$addToSet": bson.M{"applied_attempts": "a1"},
		"$set": bson.M{"quiz_results.final": bson.M{"quiz_id": "final", "kind": "final", "attempts": 1,
			"best_score": 90, "first_score": 90, "last_score": 90, "passed": true, "updated_at": at},
			"quiz_passed_at.final": at},
	})
	if err != nil {
		t.Fatal(err)
	}
	completed := func() bool {
		t.Helper()
		n, err := f.Env.DB.Collection("enrollments").CountDocuments(ctx,
			bson.M{"_id": user + ":" + course.ID, "completed_at": bson.M{"$exists": true}})
		if err != nil {
			t.Fatal(err)
		}
		return n == 1
	}
	if completed() {
		t.Fatal("the simulated crash completed the course")
	}
	res, err := f.Enrollments.RecordQuizAttempt(ctx, user, lontar.QuizAttempt{AttemptID: "a1", QuizID: "final",
		CourseID: course.ID, Kind: "final", Score: 90, Passed: true, At: at})
	if err != nil || res.Attempts != 1 {
		t.Fatalf("replay: %+v %v", res, err)
	}
	if !completed() {
		t.Fatal("the replay did not complete the course")
	}
}
