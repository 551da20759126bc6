package enrollments_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"lontar"
	"lontar/internal/mongotest"
)

// Completing a course asks for its certificate once, with the snapshot the
// certificate needs, and records the code; later touches ask no more.
func TestCompletionIssuesTheCertificateOnce(t *testing.T) {
	f := newFixture(t)
	ctx := mongotest.Context(t)
	course := f.MustCourse(t, "buku", "inst-a", "l1,l2", "l3")
	f.Finals.Set(course.ID, "final")
	user, token := f.Learner(t)
	f.Enroll(t, token, course.ID)
	attempt := func(id string, score float64, passed bool) {
		t.Helper()
		if _, err := f.Enrollments.RecordQuizAttempt(ctx, user, lontar.QuizAttempt{AttemptID: id, QuizID: "final",
			CourseID: course.ID, Kind: "final", Score: score, Passed: passed, At: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range []string{"l1", "l2", "l3"} {
		f.Complete(t, token, course.ID, l)
	}
	attempt("a1", 40, false)
	if calls := f.Certs.Calls(); len(calls) != 0 {
		t.Fatalf("certificate asked for before the final was passed: %+v", calls)
	}
	attempt("a2", 85, true)
	calls := f.Certs.Calls()
	if len(calls) != 1 {
		t.Fatalf("%d certify calls, want 1", len(calls))
	}
	c := calls[0]
	if c.UserID != user || c.CourseID != course.ID || c.LearnerName != "Ina "+user || c.CourseTitle.ID != "Kursus buku" ||
		c.Institution != "inst-a" || c.Minutes != 15 || c.FinalScore == nil || *c.FinalScore != 85 || c.CompletedAt.IsZero() {
		t.Errorf("completion = %+v", c)
	}
	e := f.MyEnrollment(t, token, course.ID)
	if e.CertificateCode == nil || *e.CertificateCode != "CODE-"+user+"-buku" {
		t.Fatalf("certificate_code = %v", e.CertificateCode)
	}
	// Touches after the code is recorded do not ask again.
	f.Complete(t, token, course.ID, "l2")
	attempt("a3", 90, true)
	attempt("a2", 85, true) // a replay
	f.MyEnrollment(t, token, course.ID)
	if n := len(f.Certs.Calls()); n != 1 {
		t.Errorf("%d certify calls after more touches, want 1", n)
	}
}

// A failure between "completed" and "certificate recorded" (here the
// certifier fails; a crash is the same) fails the request, and the next
// touch (a read, or the offline event sent again) finishes the job.
func TestCertificateIsRepairedOnTheNextTouch(t *testing.T) {
	f := newFixture(t)
	course := f.MustCourse(t, "konten", "inst-a", "k1", "k2")
	_, token := f.Learner(t)
	f.Enroll(t, token, course.ID)
	f.Complete(t, token, course.ID, "k1")

	f.Certs.SetFail(errors.New("store unavailable"))
	r := f.Env.Do(t, http.MethodPost, "/api/v1/courses/"+course.ID+"/lessons/k2/complete", token, nil)
	if r.Status != http.StatusInternalServerError {
		t.Fatalf("completing with the certifier down: %d %s", r.Status, r.Body)
	}
	f.Certs.SetFail(nil)
	e := f.MyEnrollment(t, token, course.ID)
	if e.CompletedAt == nil || e.CertificateCode == nil {
		t.Fatalf("not repaired by the next read: %+v", e)
	}

	// The same through offline sync: the failed batch is sent again.
	other := f.MustCourse(t, "foto", "inst-a", "f1")
	f.Enroll(t, token, other.ID)
	batch := map[string]any{"events": []map[string]any{{"id": "8a1d3c55-2b7e-4f0a-9c61-5d2e7b4a9f10", "type": "lesson_completed",
		"occurred_at": time.Now().UTC().Format(time.RFC3339), "course_id": other.ID, "lesson_id": "f1"}}}
	f.Certs.SetFail(errors.New("store unavailable"))
	if r := f.Env.Do(t, http.MethodPost, "/api/v1/sync", token, batch); r.Status != http.StatusInternalServerError {
		t.Fatalf("sync with the certifier down: %d %s", r.Status, r.Body)
	}
	f.Certs.SetFail(nil)
	if r := f.Env.Do(t, http.MethodPost, "/api/v1/sync", token, batch); r.Status != http.StatusOK {
		t.Fatalf("sync again: %d %s", r.Status, r.Body)
	}
	var calls int
	for _, c := range f.Certs.Calls() {
		if c.CourseID == other.ID {
			calls++
		}
	}
	if e := f.MyEnrollment(t, token, other.ID); e.CertificateCode == nil || calls != 2 {
		t.Fatalf("after the replay: code %v, %d certify calls (one failed, one issued)", e.CertificateCode, calls)
	}
}
