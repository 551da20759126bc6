package certificates

import (
	"context"
	"testing"
	"time"

	"lontar"
)

type fakeRosters map[string]CohortRoster

func (f fakeRosters) CohortRoster(_ context.Context, id string) (CohortRoster, error) {
	r, ok := f[id]
	if !ok {
		return CohortRoster{}, lontar.NotFound("Kelas", "Class")
	}
	return r, nil
}

func TestCohortCertificates(t *testing.T) {
	e := newEnv(t)
	done := time.Now()
	rosters := fakeRosters{"k1": {
		ID: "k1", Name: "Kelas Tenun Oebobo", Institution: "Politeknik Negeri Kupang", CourseIDs: []string{"jualan-online"},
		CourseTitles: map[string]lontar.Text{"jualan-online": lontar.T("Jualan Online untuk UMKM", "Selling Online")},
		Learners: []RosterLearner{
			{UserID: "u1", Name: "Maria", Courses: []RosterCourse{{CourseID: "jualan-online", Enrolled: true, LessonsDone: 10, LessonsTotal: 10, HasFinal: true, FinalPassed: true, CompletedAt: &done}}},
			{UserID: "u2", Name: "Yakobus", Courses: []RosterCourse{{CourseID: "jualan-online", Enrolled: true, LessonsDone: 7, LessonsTotal: 10, HasFinal: true}}},
			{UserID: "u3", Name: "Agustina", Courses: []RosterCourse{{CourseID: "jualan-online", Enrolled: true, LessonsDone: 10, LessonsTotal: 10, HasFinal: true, FinalPassed: true, CompletedAt: &done}}},
			{UserID: "u4", Name: "Dominggus", Courses: []RosterCourse{{CourseID: "jualan-online", LessonsTotal: 10, HasFinal: true}}},
		},
	}}
	NewCohortHandler(e.svc, rosters).Register(e.API())
	mustCertify(t, e, completion("u1"))
	revoked := mustCertify(t, e, completion("u3"))
	if _, err := e.svc.Revoke(t.Context(), &lontarTrainer, revoked.Code, RevokeInput{Reason: "Nama salah tulis"}); err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		name  string
		token string
		want  int
	}{
		{"anonymous", "", 401}, {"learner", e.Token(t, lontarLearner), 403},
		{"another institution", e.Token(t, otherTrainer), 403}, {"admin", e.Token(t, lontarAdmin), 200},
	} {
		if r := e.Do(t, "GET", "/api/v1/cohorts/k1/certificates", tt.token, nil); r.Status != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, r.Status, tt.want)
		}
	}
	if r := e.Do(t, "GET", "/api/v1/cohorts/nope/certificates", e.Token(t, lontarTrainer), nil); r.Status != 404 {
		t.Errorf("unknown cohort: %d", r.Status)
	}
	var got CohortCertificates
	e.Do(t, "GET", "/api/v1/cohorts/k1/certificates", e.Token(t, lontarTrainer), nil).JSON(t, &got)
	if len(got.Issued) != 1 || got.Issued[0].UserID != "u1" || got.Issued[0].Certificate == nil || got.Issued[0].CourseTitle != "Jualan Online untuk UMKM" {
		t.Errorf("issued = %+v", got.Issued)
	}
	if len(got.Revoked) != 1 || got.Revoked[0].Certificate.RevokedReason != "Nama salah tulis" {
		t.Errorf("revoked = %+v", got.Revoked)
	}
	if len(got.Pending) != 2 {
		t.Fatalf("pending = %+v", got.Pending)
	}
	if m := got.Pending[0].Missing; got.Pending[0].UserID != "u2" || m.Lessons != 3 || !m.FinalQuiz || m.NotEnrolled {
		t.Errorf("u2 missing = %+v", m)
	}
	if m := got.Pending[1].Missing; !m.NotEnrolled || m.Lessons != 10 {
		t.Errorf("u4 missing = %+v", m)
	}
}
