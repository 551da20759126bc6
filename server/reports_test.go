package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
)

// A random mix of what learners do — enroll, join a cohort, complete
// lessons online and offline, take quizzes online and offline, replay
// whole sync batches, send the same things concurrently — keeps the
// maintained report aggregates equal to a from-scratch rebuild, and the
// stored aggregates survive a restart equal to the ones served before.
func TestMaintainedReportsEqualARebuildAfterRandomEvents(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"LONTAR_DATA_DIR": dir,
		"LONTAR_BOOTSTRAP_ADMIN_PHONE": "081300000001", "LONTAR_BOOTSTRAP_ADMIN_PASSWORD": "admin-lontar-kupang"}
	s := startServer(t, env)
	admin := login(t, s, "081300000001", "admin-lontar-kupang")
	rng := rand.New(rand.NewPCG(2026, 11))

	// A cohort to join.
	var courseList []struct {
		ID string `json:"id"`
	}
	s.Do(t, "GET", "/api/v1/courses", "", nil).JSON(t, &courseList)
	if len(courseList) < 2 {
		t.Fatalf("seeded courses: %v", courseList)
	}
	var cohort struct {
		ID       string `json:"id"`
		JoinCode string `json:"join_code"`
	}
	r := s.Do(t, "POST", "/api/v1/cohorts", admin, map[string]any{"name": "Kelas Oesapa", "course_ids": []string{courseList[0].ID},
		"starts_on": "2026-01-01", "ends_on": "2026-12-31", "region": "5371"})
	r.JSON(t, &cohort)
	if r.Status != 201 {
		t.Fatalf("cohort: %d %s", r.Status, r.Body)
	}

	type course struct {
		id      string
		lessons []string
		quizzes []string
	}
	var courses []course
	for _, c := range courseList {
		var full struct {
			Modules []struct {
				Lessons []struct {
					ID string `json:"id"`
				} `json:"lessons"`
			} `json:"modules"`
		}
		s.Do(t, "GET", "/api/v1/courses/"+c.ID, "", nil).JSON(t, &full)
		var qs []struct {
			ID string `json:"id"`
		}
		s.Do(t, "GET", "/api/v1/courses/"+c.ID+"/quizzes", admin, nil).JSON(t, &qs)
		cc := course{id: c.ID}
		for _, m := range full.Modules {
			for _, l := range m.Lessons {
				cc.lessons = append(cc.lessons, l.ID)
			}
		}
		for _, q := range qs {
			cc.quizzes = append(cc.quizzes, q.ID)
		}
		courses = append(courses, cc)
	}

	regionsPick := []string{"5371010", "5371020", "5303110", "5302"}
	sectors := []string{"tenun", "kuliner", "kerajinan"}
	type learner struct {
		token    string
		enrolled []course
	}
	var learners []*learner
	for i := range 10 {
		tok := register(t, s, fmt.Sprintf("08121000%04d", i), fmt.Sprintf("Peserta %d", i), sectors[i%3], regionsPick[i%4], []string{"f", "m", ""}[i%3])
		learners = append(learners, &learner{token: tok})
	}

	// answers makes a random but well-typed answer for every question.
	answers := func(l *learner, quizID string) map[string]any {
		var q struct {
			Questions []struct {
				ID      string `json:"id"`
				Type    string `json:"type"`
				Choices []struct {
					ID string `json:"id"`
				} `json:"choices"`
			} `json:"questions"`
		}
		s.Do(t, "GET", "/api/v1/quizzes/"+quizID, l.token, nil).JSON(t, &q)
		out := map[string]any{}
		for _, qu := range q.Questions {
			switch qu.Type {
			case "single":
				out[qu.ID] = qu.Choices[rng.IntN(len(qu.Choices))].ID
			case "multiple":
				out[qu.ID] = []string{qu.Choices[rng.IntN(len(qu.Choices))].ID}
			case "true_false":
				out[qu.ID] = rng.IntN(2) == 0
			case "numeric":
				out[qu.ID] = rng.IntN(100000)
			case "short_answer":
				out[qu.ID] = "QRIS"
			}
		}
		return out
	}
	uuid := func() string {
		return fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", rng.Uint32(), rng.IntN(1<<16), rng.IntN(1<<12), rng.IntN(1<<12), rng.Uint64()&(1<<48-1))
	}
	var batches []struct {
		token string
		body  map[string]any
	}
	for step := 0; step < 160; step++ {
		l := learners[rng.IntN(len(learners))]
		if len(l.enrolled) == 0 || rng.IntN(8) == 0 {
			c := courses[rng.IntN(len(courses))]
			if rng.IntN(3) == 0 {
				s.Do(t, "POST", "/api/v1/cohorts/join", l.token, map[string]string{"code": cohort.JoinCode})
				c = courses[0]
			} else {
				s.Do(t, "POST", "/api/v1/courses/"+c.id+"/enroll", l.token, nil)
			}
			l.enrolled = append(l.enrolled, c)
			continue
		}
		c := l.enrolled[rng.IntN(len(l.enrolled))]
		switch k := rng.IntN(10); {
		case k < 3: // a lesson online
			s.Do(t, "POST", "/api/v1/courses/"+c.id+"/lessons/"+c.lessons[rng.IntN(len(c.lessons))]+"/complete", l.token, nil)
		case k < 5 && len(c.quizzes) > 0: // a quiz online
			q := c.quizzes[rng.IntN(len(c.quizzes))]
			s.Do(t, "POST", "/api/v1/quizzes/"+q+"/attempts", l.token, map[string]any{"answers": answers(l, q)})
		case k < 7: // an offline batch: lessons and maybe a quiz
			var events []map[string]any
			for range 1 + rng.IntN(3) {
				events = append(events, map[string]any{"id": uuid(), "type": "lesson_completed", "occurred_at": "2026-01-02T03:04:05Z",
					"course_id": c.id, "lesson_id": c.lessons[rng.IntN(len(c.lessons))]})
			}
			if len(c.quizzes) > 0 && rng.IntN(2) == 0 {
				q := c.quizzes[rng.IntN(len(c.quizzes))]
				events = append(events, map[string]any{"id": uuid(), "type": "quiz_submitted", "quiz_id": q, "answers": answers(l, q)})
			}
			body := map[string]any{"events": events}
			s.Do(t, "POST", "/api/v1/sync", l.token, body)
			batches = append(batches, struct {
				token string
				body  map[string]any
			}{l.token, body})
		case k < 8 && len(batches) > 0: // a replayed batch, as a phone resends after a lost answer
			b := batches[rng.IntN(len(batches))]
			s.Do(t, "POST", "/api/v1/sync", b.token, b.body)
		default: // the same requests at once
			var wg sync.WaitGroup
			lesson := c.lessons[rng.IntN(len(c.lessons))]
			for range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					s.Do(t, "POST", "/api/v1/courses/"+c.id+"/lessons/"+lesson+"/complete", l.token, nil)
				}()
			}
			if len(batches) > 0 {
				b := batches[rng.IntN(len(batches))]
				wg.Add(1)
				go func() {
					defer wg.Done()
					s.Do(t, "POST", "/api/v1/sync", b.token, b.body)
				}()
			}
			wg.Wait()
		}
	}

	export := func(s *server) []byte {
		r := s.Do(t, "GET", "/api/v1/reports/export.json", admin, nil)
		if r.Status != 200 {
			t.Fatalf("export: %d %s", r.Status, r.Body)
		}
		return r.Body
	}
	maintained := export(s)
	var rows []map[string]any
	if err := json.Unmarshal(maintained, &rows); err != nil || len(rows) == 0 {
		t.Fatalf("export: %v %s", err, maintained)
	}
	if rows[0]["enrolled"] == float64(0) {
		t.Fatal("no enrollments were counted")
	}

	// The stored aggregates, read afresh by a restarted server, are the same.
	s.stop(t)
	s = startServer(t, env)
	admin = login(t, s, "081300000001", "admin-lontar-kupang")
	if reloaded := export(s); !bytes.Equal(reloaded, maintained) {
		t.Fatalf("after a restart the stored aggregates differ:\nbefore %s\nafter  %s", maintained, reloaded)
	}
	r = s.Do(t, "POST", "/api/v1/reports/rebuild", admin, nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), `"enrollments"`) {
		t.Fatalf("rebuild: %d %s", r.Status, r.Body)
	}
	if rebuilt := export(s); !bytes.Equal(rebuilt, maintained) {
		t.Fatalf("maintained aggregates differ from a rebuild:\nmaintained %s\nrebuilt    %s", maintained, rebuilt)
	}
	// And the xAPI log has one statement for each lesson completed and
	// each quiz attempt counted, as the learners' own enrollments say.
	var wantLessons, wantAttempts, wantCourses int
	for _, l := range learners {
		var list []struct {
			CompletedLessons map[string]any `json:"completed_lessons"`
			QuizResults      map[string]struct {
				Attempts int `json:"attempts"`
			} `json:"quiz_results"`
			CompletedAt *string `json:"completed_at"`
		}
		s.Do(t, "GET", "/api/v1/me/enrollments", l.token, nil).JSON(t, &list)
		for _, e := range list {
			wantLessons += len(e.CompletedLessons)
			for _, q := range e.QuizResults {
				wantAttempts += q.Attempts
			}
			if e.CompletedAt != nil {
				wantCourses++
			}
		}
	}
	r = s.Do(t, "GET", "/api/v1/reports/xapi?limit=500", admin, nil)
	var sts []struct {
		ID     string `json:"id"`
		Object struct {
			ID string `json:"id"`
		} `json:"object"`
	}
	r.JSON(t, &sts)
	seen := map[string]bool{}
	var lessons, attempts, done int
	for _, st := range sts {
		if seen[st.ID] {
			t.Errorf("statement %s twice", st.ID)
		}
		seen[st.ID] = true
		switch {
		case strings.Contains(st.Object.ID, "/lessons/"):
			lessons++
		case strings.Contains(st.Object.ID, "/quizzes/"):
			attempts++
		default:
			done++
		}
	}
	if lessons != wantLessons || attempts != wantAttempts || done != wantCourses || lessons == 0 || attempts == 0 {
		t.Errorf("xAPI statements: %d lessons, %d attempts, %d courses; enrollments say %d, %d, %d",
			lessons, attempts, done, wantLessons, wantAttempts, wantCourses)
	}
}

// A certificate counts in the reports once issued and stops counting when
// revoked; completion, score and learning gain count as the learner lived them.
func TestCertificatesReachTheReports(t *testing.T) {
	s := startServer(t, map[string]string{
		"LONTAR_BOOTSTRAP_ADMIN_PHONE": "081300000001", "LONTAR_BOOTSTRAP_ADMIN_PASSWORD": "admin-lontar-kupang"})
	admin := login(t, s, "081300000001", "admin-lontar-kupang")
	learner := register(t, s, "081234567002", "Maria Tefa", "tenun", "5371030", "f")
	const course = "jualan-online"
	if r := s.Do(t, "POST", "/api/v1/courses/"+course+"/enroll", learner, nil); r.Status != 201 {
		t.Fatalf("enroll: %d %s", r.Status, r.Body)
	}
	for _, id := range courseLessons(t, s, course) {
		if r := s.Do(t, "POST", "/api/v1/courses/"+course+"/lessons/"+id+"/complete", learner, nil); r.Status != 200 {
			t.Fatalf("complete %s: %d %s", id, r.Status, r.Body)
		}
	}
	final := course + "-final"
	if r := s.Do(t, "POST", "/api/v1/quizzes/"+final+"/attempts", learner,
		map[string]any{"answers": finalAnswers(t, s, admin, final)}); r.Status != 201 {
		t.Fatalf("final: %d %s", r.Status, r.Body)
	}
	totals := func() map[string]any {
		var sum struct {
			Totals map[string]any `json:"totals"`
		}
		s.Do(t, "GET", "/api/v1/reports/summary?course_id="+course, admin, nil).JSON(t, &sum)
		return sum.Totals
	}
	got := totals()
	if got["enrolled"] != 1.0 || got["completed"] != 1.0 || got["certificates"] != 1.0 || got["avg_score"] != 100.0 || got["active_7d"] != 1.0 {
		t.Fatalf("after completing: %v", got)
	}
	var e struct {
		CertificateCode string `json:"certificate_code"`
	}
	s.Do(t, "GET", "/api/v1/me/enrollments/"+course, learner, nil).JSON(t, &e)
	if r := s.Do(t, "POST", "/api/v1/certificates/"+e.CertificateCode+"/revoke", admin,
		map[string]string{"reason": "Data peserta keliru"}); r.Status != 200 {
		t.Fatalf("revoke: %d %s", r.Status, r.Body)
	}
	if got := totals(); got["certificates"] != 0.0 || got["completed"] != 1.0 {
		t.Fatalf("after revoking: %v", got)
	}
	if r := s.Do(t, "POST", "/api/v1/reports/rebuild", admin, nil); r.Status != 200 {
		t.Fatalf("rebuild: %d", r.Status)
	}
	if got := totals(); got["certificates"] != 0.0 || got["completed"] != 1.0 {
		t.Fatalf("after a rebuild: %v", got)
	}
}

// LONTAR_REBUILD_REPORTS=1 recomputes the aggregates at start, for an
// operator who stops the server and rebuilds from the command line.
func TestRebuildReportsAtStart(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"LONTAR_DATA_DIR": dir,
		"LONTAR_BOOTSTRAP_ADMIN_PHONE": "081300000001", "LONTAR_BOOTSTRAP_ADMIN_PASSWORD": "admin-lontar-kupang"}
	s := startServer(t, env)
	learner := register(t, s, "081234567003", "Ina Lado", "kuliner", "5371010", "f")
	if r := s.Do(t, "POST", "/api/v1/courses/jualan-online/enroll", learner, nil); r.Status != 201 {
		t.Fatalf("enroll: %d %s", r.Status, r.Body)
	}
	s.stop(t)
	env["LONTAR_REBUILD_REPORTS"] = "1"
	s = startServer(t, env)
	if !strings.Contains(s.log.String(), "reports rebuilt") || !strings.Contains(s.log.String(), "enrollments=1") {
		t.Fatalf("no rebuild in the log:\n%s", s.log)
	}
	admin := login(t, s, "081300000001", "admin-lontar-kupang")
	var sum struct {
		Totals struct {
			Enrolled int `json:"enrolled"`
		} `json:"totals"`
	}
	s.Do(t, "GET", "/api/v1/reports/summary", admin, nil).JSON(t, &sum)
	if sum.Totals.Enrolled != 1 {
		t.Fatalf("after the rebuild: %+v", sum)
	}
}
