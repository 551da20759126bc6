package enrollments_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"lontar"
	"lontar/internal/coursetest"
)

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

type syncResultJSON struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Reason string `json:"reason"`
}

func syncBatch(t testing.TB, f *coursetest.Fixture, token string, events []map[string]any) []syncResultJSON {
	t.Helper()
	r := f.Env.Do(t, http.MethodPost, "/api/v1/sync", token, map[string]any{"events": events}, "Accept-Language: en")
	if r.Status != http.StatusOK {
		t.Fatalf("sync: %d %s", r.Status, r.Body)
	}
	var out struct{ Results []syncResultJSON }
	r.JSON(t, &out)
	if len(out.Results) != len(events) {
		t.Fatalf("%d results for %d events", len(out.Results), len(events))
	}
	return out.Results
}

func lessonEvent(id, course, lesson string, at time.Time) map[string]any {
	return map[string]any{"id": id, "type": "lesson_completed", "occurred_at": at.Format(time.RFC3339Nano),
		"course_id": course, "lesson_id": lesson}
}

func TestSyncMixedBatch(t *testing.T) {
	f := newFixture(t)
	course := f.MustCourse(t, "jualan", "inst-a", "l1,l2,l3")
	other := f.MustCourse(t, "konten", "inst-a", "k1")
	_, token := f.Learner(t)
	f.Enroll(t, token, course.ID)
	now := time.Now().UTC()
	dupID := newUUID()

	events := []struct {
		event      map[string]any
		wantStatus string
		wantReason string // part of the English reason
	}{
		{lessonEvent(dupID, course.ID, "l1", now.Add(-time.Hour)), "applied", ""},
		{lessonEvent("not-a-uuid", course.ID, "l2", now), "rejected", "UUID"},
		{lessonEvent(newUUID(), "no-such-course", "l2", now), "rejected", "not found"},
		{lessonEvent(newUUID(), other.ID, "k1", now), "rejected", "not enrolled"},
		{lessonEvent(newUUID(), course.ID, "l9", now), "rejected", "Lesson not found"},
		{map[string]any{"id": newUUID(), "type": "video_watched", "course_id": course.ID}, "rejected", "Unknown event type"},
		{map[string]any{"id": newUUID(), "type": "lesson_completed", "occurred_at": "yesterday",
			"course_id": course.ID, "lesson_id": "l2"}, "rejected", "RFC 3339"},
		{lessonEvent(strings.ToUpper(newUUID()), course.ID, "l2", now.Add(-time.Minute)), "applied", ""},
		{lessonEvent(dupID, course.ID, "l1", now), "duplicate", ""},
		{lessonEvent(newUUID(), course.ID, "l3", now), "applied", ""},
	}
	batch := make([]map[string]any, len(events))
	for i, e := range events {
		batch[i] = e.event
	}
	results := syncBatch(t, f, token, batch)
	for i, e := range events {
		r := results[i]
		if r.ID != e.event["id"] || r.Status != e.wantStatus || !strings.Contains(r.Reason, e.wantReason) ||
			(e.wantReason == "" && r.Reason != "") {
			t.Errorf("event %d: %+v, want %s %q", i, r, e.wantStatus, e.wantReason)
		}
	}
	got := f.MyEnrollment(t, token, course.ID)
	if got.LessonsDone != 3 || got.CompletedAt == nil {
		t.Fatalf("the good events were not all applied: %+v", got)
	}
	// The completion time is the client's (clamped), not the server's.
	if at := got.CompletedLessons["l1"]; at.Sub(now.Add(-time.Hour)).Abs() > time.Second {
		t.Fatalf("l1 completed at %v, want the event's %v", at, now.Add(-time.Hour))
	}

	// Indonesian reasons by default.
	r := f.Env.Do(t, http.MethodPost, "/api/v1/sync", token,
		map[string]any{"events": []any{lessonEvent("x", course.ID, "l1", now)}})
	if !strings.Contains(string(r.Body), "UUID") || !strings.Contains(string(r.Body), "harus") {
		t.Fatalf("reason not in Indonesian: %s", r.Body)
	}
}

func TestSyncReplayedBatchCountsOnce(t *testing.T) {
	f := newFixture(t)
	course := f.MustCourse(t, "jualan", "inst-a", "l1,l2", "l3,l4")
	_, token := f.Learner(t)
	f.Enroll(t, token, course.ID)
	now := time.Now().UTC()
	// Out of order: l1 is completed twice by two events, the later one first.
	batch := []map[string]any{
		lessonEvent(newUUID(), course.ID, "l1", now.Add(-time.Minute)),
		lessonEvent(newUUID(), course.ID, "l3", now.Add(-3*time.Minute)),
		lessonEvent(newUUID(), course.ID, "l1", now.Add(-2*time.Minute)),
	}
	for round := range 3 {
		for i, r := range syncBatch(t, f, token, batch) {
			want := "applied"
			if round > 0 {
				want = "duplicate"
			}
			if r.Status != want {
				t.Fatalf("round %d event %d: %s, want %s", round, i, r.Status, want)
			}
		}
	}
	e := f.MyEnrollment(t, token, course.ID)
	if e.LessonsDone != 2 || e.Percent != 50 {
		t.Fatalf("after 3 replays: %d done, %d%%", e.LessonsDone, e.Percent)
	}
	if at := e.CompletedLessons["l1"]; at.Sub(now.Add(-2*time.Minute)).Abs() > time.Second {
		t.Fatalf("l1 at %v, want the earliest completion %v", at, now.Add(-2*time.Minute))
	}
}

func TestSyncConcurrentIdenticalBatches(t *testing.T) {
	f := newFixture(t)
	course := f.MustCourse(t, "jualan", "inst-a", "l1,l2,l3")
	_, token := f.Learner(t)
	f.Enroll(t, token, course.ID)
	var batch []map[string]any
	for _, l := range []string{"l1", "l2", "l3", "l2"} {
		batch = append(batch, lessonEvent(newUUID(), course.ID, l, time.Now()))
	}
	const senders = 5
	applied := make([]int, len(batch))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := f.Env.Do(t, http.MethodPost, "/api/v1/sync", token, map[string]any{"events": batch})
			var out struct{ Results []syncResultJSON }
			if err := json.Unmarshal(r.Body, &out); err != nil || r.Status != http.StatusOK {
				t.Errorf("sync: %d %s", r.Status, r.Body)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			for i, res := range out.Results {
				switch res.Status {
				case "applied":
					applied[i]++
				case "duplicate":
				default:
					t.Errorf("event %d: %+v", i, res)
				}
			}
		}()
	}
	wg.Wait()
	for i, n := range applied {
		if n != 1 {
			t.Errorf("event %d applied %d times across %d identical requests, want 1", i, n, senders)
		}
	}
	if e := f.MyEnrollment(t, token, course.ID); e.LessonsDone != 3 {
		t.Fatalf("%d lessons done, want 3", e.LessonsDone)
	}
}

func TestSyncClampsClientTime(t *testing.T) {
	f := newFixture(t)
	course := f.MustCourse(t, "jualan", "inst-a", "l1,l2")
	_, token := f.Learner(t)
	f.Enroll(t, token, course.ID)
	before := time.Now().UTC().Add(-time.Second)
	syncBatch(t, f, token, []map[string]any{
		lessonEvent(newUUID(), course.ID, "l1", time.Now().Add(48*time.Hour)),     // phone clock ahead
		lessonEvent(newUUID(), course.ID, "l2", time.Now().Add(-90*24*time.Hour)), // long forgotten outbox
	})
	after := time.Now().UTC().Add(time.Second)
	e := f.MyEnrollment(t, token, course.ID)
	if at := e.CompletedLessons["l1"]; at.Before(before) || at.After(after) {
		t.Errorf("future time stored as %v, want clamped to now", at)
	}
	if at, floor := e.CompletedLessons["l2"], before.Add(-30*24*time.Hour); at.Before(floor) || at.After(after.Add(-30*24*time.Hour)) {
		t.Errorf("old time stored as %v, want clamped to 30 days ago", at)
	}
}

func TestSyncLimitsAndShape(t *testing.T) {
	f := newFixture(t)
	_, token := f.Learner(t)
	many := make([]map[string]any, 501)
	for i := range many {
		many[i] = lessonEvent(newUUID(), "c", "l", time.Now())
	}
	tests := []struct {
		name       string
		token      string
		body       any
		wantStatus int
	}{
		{"too many events", token, map[string]any{"events": many}, http.StatusRequestEntityTooLarge},
		{"no events field", token, map[string]any{}, http.StatusUnprocessableEntity},
		{"empty batch", token, map[string]any{"events": []any{}}, http.StatusOK},
		{"not JSON", token, "{", http.StatusBadRequest},
		{"anonymous", "", map[string]any{"events": []any{}}, http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r := f.Env.Do(t, http.MethodPost, "/api/v1/sync", tt.token, tt.body); r.Status != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", r.Status, tt.wantStatus, r.Body)
			}
		})
	}
}

// countingApplier is what another feature (quizzes) plugs in: idempotent
// per event id, as the Syncer requires.
type countingApplier struct {
	mu   sync.Mutex
	seen map[string]bool
	n    atomic.Int32
}

func (a *countingApplier) ApplySync(_ context.Context, c *lontar.Caller, ev lontar.SyncEvent) error {
	var in struct {
		QuizID string `json:"quiz_id"`
	}
	if err := json.Unmarshal(ev.Raw, &in); err != nil || in.QuizID == "" {
		return lontar.NewError(lontar.EInvalid, "quiz_id wajib diisi.", "quiz_id is required.")
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.seen[ev.ID] {
		a.seen[ev.ID] = true
		a.n.Add(1)
	}
	return nil
}

func TestSyncRegisteredEventTypes(t *testing.T) {
	quiz := &countingApplier{seen: map[string]bool{}}
	f := coursetest.New(t, map[string]lontar.SyncApplier{"quiz_submitted": quiz})
	_, token := f.Learner(t)
	id := newUUID()
	batch := []map[string]any{
		{"id": id, "type": "quiz_submitted", "quiz_id": "q1", "answers": map[string]any{"a": 1}},
		{"id": newUUID(), "type": "quiz_submitted"},
	}
	for round := range 2 {
		res := syncBatch(t, f, token, batch)
		want := []string{"applied", "rejected"}
		if round == 1 {
			want[0] = "duplicate"
		}
		if res[0].Status != want[0] || res[1].Status != want[1] || res[1].Reason != "quiz_id is required." {
			t.Fatalf("round %d: %+v", round, res)
		}
	}
	if quiz.n.Load() != 1 {
		t.Fatalf("applied %d times", quiz.n.Load())
	}
}

// flakyApplier fails with an unavailable store until healed.
type flakyApplier struct{ healed atomic.Bool }

func (a *flakyApplier) ApplySync(context.Context, *lontar.Caller, lontar.SyncEvent) error {
	if !a.healed.Load() {
		return lontar.Unavailable(fmt.Errorf("store down"))
	}
	return nil
}

// A store failure in the middle of a batch is the server's fault, not the
// events': the batch fails (so the phone keeps its outbox), what was
// applied before is recorded, and the retry applies the rest and reports
// the rest as applied and the earlier ones as duplicates.
func TestSyncBatchFailingHalfwayIsRetried(t *testing.T) {
	flaky := &flakyApplier{}
	f := coursetest.New(t, map[string]lontar.SyncApplier{"note_taken": flaky})
	course := f.MustCourse(t, "jualan", "inst-a", "l1,l2")
	_, token := f.Learner(t)
	f.Enroll(t, token, course.ID)
	now := time.Now().UTC()
	batch := []map[string]any{
		lessonEvent(newUUID(), course.ID, "l1", now),
		{"id": newUUID(), "type": "note_taken"},
		lessonEvent(newUUID(), course.ID, "l2", now),
	}
	r := f.Env.Do(t, http.MethodPost, "/api/v1/sync", token, map[string]any{"events": batch})
	if r.Status != http.StatusServiceUnavailable {
		t.Fatalf("a failing store: %d %s, want 503", r.Status, r.Body)
	}
	if got := f.MyEnrollment(t, token, course.ID); got.LessonsDone != 2 {
		t.Fatalf("lessons applied before the failure: %d, want 2 (lesson events go first, together)", got.LessonsDone)
	}
	flaky.healed.Store(true)
	res := syncBatch(t, f, token, batch)
	if res[0].Status != "duplicate" || res[1].Status != "applied" || res[2].Status != "duplicate" {
		t.Fatalf("retry: %+v", res)
	}
}
