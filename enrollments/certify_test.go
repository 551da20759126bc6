package enrollments_test

import (
	"net/http"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"lontar"
	"lontar/internal/mongotest"
)

// Completing a course issues its certificate with the snapshot it needs
// and records the code; later touches change nothing.
func TestCompletionIssuesTheCertificateOnce(t *testing.T) {
	f := newFixture(t)
	ctx := mongotest.Context(t)
	course := f.MustCourse(t, "buku", "inst-a", "l1,l2", "l3")
	f.SetFinal(t, course.ID, "final")
	user, token := f.Learner(t)
	f.Enroll(t, token, course.ID)
	attempt := func(id string, score float64, passed bool) {
		t.Helper()
		if _, err := f.Enrollments.RecordQuizAttempt(ctx, user, lontar.QuizAttempt{AttemptID: id, QuizID: "final",
			CourseID: course.ID, Kind: "final", Score: score, Passed: passed, At: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	mine := func() int {
		t.Helper()
		list, err := f.Certs.Mine(ctx, &lontar.Caller{UserID: user})
		if err != nil {
			t.Fatal(err)
		}
		return len(list)
	}
	for _, l := range []string{"l1", "l2", "l3"} {
		f.Complete(t, token, course.ID, l)
	}
	attempt("a1", 40, false)
	if n := mine(); n != 0 {
		t.Fatalf("%d certificates before the final was passed", n)
	}
	attempt("a2", 85, true)
	e := f.MyEnrollment(t, token, course.ID)
	if e.CertificateCode == nil {
		t.Fatal("no certificate code after the final was passed")
	}
	c, err := f.Certs.Of(ctx, user, course.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Code != *e.CertificateCode || c.LearnerName == "" || c.CourseTitle.ID != "Kursus buku" || c.Institution != "inst-a" ||
		c.Minutes != 15 || c.FinalScore == nil || *c.FinalScore != 85 || !c.CompletedAt.Equal(*e.CompletedAt) {
		t.Errorf("certificate = %+v", c)
	}
	f.Complete(t, token, course.ID, "l2")
	attempt("a3", 90, true)
	attempt("a2", 85, true) // a replay
	if again := f.MyEnrollment(t, token, course.ID); mine() != 1 || *again.CertificateCode != c.Code {
		t.Errorf("more touches: %d certificates, code %v (was %s)", mine(), again.CertificateCode, c.Code)
	}
}

// A crash between "completed" and "certificate recorded" is repaired by
// the next touch: a read, or the offline event sent again.
func TestCertificateIsRepairedOnTheNextTouch(t *testing.T) {
	f := newFixture(t)
	ctx := mongotest.Context(t)
	user, token := f.Learner(t)
	enrollments := f.Env.DB.Collection("enrollments")
	forget := func(courseID string) {
		t.Helper()
		if _, err := enrollments.UpdateOne(ctx, bson.M{"_id": user + ":" + courseID},
			bson.M{"$unset": bson.M{"certificate_code": ""}}); err != nil {
			t.Fatal(err)
		}
	}

	// Crashed after the certificate was stored, before its code was
	// recorded: the next read records the same certificate.
	course := f.MustCourse(t, "konten", "inst-a", "k1", "k2")
	f.Enroll(t, token, course.ID)
	f.Complete(t, token, course.ID, "k1")
	code := f.Complete(t, token, course.ID, "k2").CertificateCode
	if code == nil {
		t.Fatal("no certificate")
	}
	forget(course.ID)
	if e := f.MyEnrollment(t, token, course.ID); e.CertificateCode == nil || *e.CertificateCode != *code {
		t.Fatalf("after the read: %v, want %s", e.CertificateCode, *code)
	}

	// Crashed after completed_at, before any certificate: the offline
	// event, sent again because the crash kept it from being recorded,
	// issues it.
	other := f.MustCourse(t, "foto", "inst-a", "f1")
	f.Enroll(t, token, other.ID)
	if _, err := enrollments.UpdateOne(ctx, bson.M{"_id": user + ":" + other.ID},
		bson.M{"$set": bson.M{"completed_at": time.Now().UTC(), "completed_lessons.f1": time.Now().UTC()}}); err != nil {
		t.Fatal(err)
	}
	batch := map[string]any{"events": []map[string]any{{"id": "8a1d3c55-2b7e-4f0a-9c61-5d2e7b4a9f10", "type": "lesson_completed",
		"occurred_at": time.Now().UTC().Format(time.RFC3339), "course_id": other.ID, "lesson_id": "f1"}}}
	if r := f.Env.Do(t, http.MethodPost, "/api/v1/sync", token, batch); r.Status != http.StatusOK {
		t.Fatalf("sync: %d %s", r.Status, r.Body)
	}
	var stored struct {
		CertificateCode string `bson:"certificate_code"`
	}
	if err := enrollments.FindOne(ctx, bson.M{"_id": user + ":" + other.ID}).Decode(&stored); err != nil || stored.CertificateCode == "" {
		t.Fatalf("after the replayed event: %+v, %v", stored, err)
	}
	if c, err := f.Certs.Of(ctx, user, other.ID); err != nil || c.Code != stored.CertificateCode {
		t.Fatalf("certificate %+v, %v", c, err)
	}
}
