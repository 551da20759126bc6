package practice_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"lontar"
	"lontar/courses"
	"lontar/internal/coursetest"
	"lontar/practice"
)

// Offline practice results through POST /sync on the real store: graded
// again from the published block, counted once however often they are
// sent, and refused with a reason when the exercise or enrollment is not
// there.
func TestSyncPracticeResults(t *testing.T) {
	// The fixture builds the catalogue and the enrollments the applier
	// needs, so the applier reaches them through the fixture once built.
	var f *coursetest.Fixture
	f = coursetest.New(t, map[string]lontar.SyncApplier{practice.EventPracticeDone: later(func() lontar.SyncApplier {
		return practice.NewApplier(f.Catalog, f.Enrollments)
	})})
	block := "```practice\n{\"tool\": \"cashbook\", \"id\": \"kas\", \"opening\": 100000, \"rows\": [{\"day\": \"Sen\", \"text\": \"Jual sei\", \"in\": 50000}, {\"day\": \"Sel\", \"text\": \"Beli es\", \"out\": 5000}]}\n```"
	f.Publish(t, &courses.Course{ID: "kas", Institution: "poltek", Topic: "bookkeeping", Title: lontar.T("Kas", "Cash"),
		Modules: []courses.Module{{ID: "m1", Title: lontar.T("M", "M"), Lessons: []courses.Lesson{
			{ID: "l1", Title: lontar.T("L", "L"), Body: lontar.T("Latihan.\n\n"+block, "Practice.\n\n"+block), EstMinutes: 5}}}}})
	_, token := f.Learner(t)

	ev := func(id, practiceID, balances string) map[string]any {
		return map[string]any{"id": id, "type": "practice_done", "occurred_at": "2026-06-10T08:00:00Z",
			"course_id": "kas", "lesson_id": "l1", "practice_id": practiceID, "answers": map[string]any{"balances": rawList(balances)}}
	}
	sync := func(events ...map[string]any) string {
		r := f.Env.Do(t, http.MethodPost, "/api/v1/sync", token, map[string]any{"events": events})
		if r.Status != http.StatusOK {
			t.Fatalf("sync: %d %s", r.Status, r.Body)
		}
		return string(r.Body)
	}
	// Not enrolled yet: refused with a reason, so the phone can send it again later.
	if body := sync(ev("5d0f3b2a-1111-4c6e-9d1a-000000000001", "kas", "150000,145000")); !strings.Contains(body, "rejected") {
		t.Fatalf("not enrolled: %s", body)
	}
	f.Enroll(t, token, "kas")
	body := sync(
		ev("5d0f3b2a-1111-4c6e-9d1a-000000000002", "kas", "150000,140000"), // second row wrong
		ev("5d0f3b2a-1111-4c6e-9d1a-000000000003", "kas", "150000,145000"), // both right
		ev("5d0f3b2a-1111-4c6e-9d1a-000000000003", "kas", "150000,145000"), // the same event again
		ev("5d0f3b2a-1111-4c6e-9d1a-000000000004", "tidak-ada", "1,2"),     // no such exercise
	)
	if strings.Count(body, `"applied"`) != 2 || !strings.Contains(body, `"duplicate"`) || strings.Count(body, `"rejected"`) != 1 {
		t.Fatalf("sync results: %s", body)
	}
	got := f.MyEnrollment(t, token, "kas").QuizResults[practice.ResultID("l1", "kas")]
	if got.Kind != practice.Kind || got.Attempts != 2 || got.FirstScore != 50 || got.BestScore != 100 || !got.Passed {
		t.Fatalf("recorded %+v", got)
	}
}

type later func() lontar.SyncApplier

func (l later) ApplySync(ctx context.Context, c *lontar.Caller, ev lontar.SyncEvent) error {
	return l().ApplySync(ctx, c, ev)
}

func rawList(s string) []float64 {
	var out []float64
	for _, p := range strings.Split(s, ",") {
		var v float64
		for _, c := range p {
			v = v*10 + float64(c-'0')
		}
		out = append(out, v)
	}
	return out
}
