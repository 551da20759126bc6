package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"lontar/internal/apitest"
)

// The hot paths of a workshop, measured over HTTP against the whole server
// (the same wiring as `go run ./server`, embedded store, synchronous=full)
// holding a workshop's worth of data: benchLearners learners in one
// cohort. Collection sizes matter on the embedded store, so an empty
// database would flatter every figure. See BENCHMARKS.md.
//
//	go test -run XXX -bench HotPaths -benchtime 200x ./server/
//
// LONTAR_BENCH_LEARNERS changes the number of learners (default 300).

type benchFixture struct {
	s        *server
	trainer  string
	cohort   string
	learners []string // access tokens
	lessons  []string
	finalID  string
}

const benchCourse = "jualan-online"

// workshopFixture starts a server and fills it: registering hundreds of
// learners takes a while (argon2id).
func workshopFixture(b *testing.B) *benchFixture {
	b.Helper()
	var benchErr error
	{
		n := 300
		if v, err := strconv.Atoi(os.Getenv("LONTAR_BENCH_LEARNERS")); err == nil && v > 0 {
			n = v
		}
		tb := &fixtureTB{TB: b}
		s := startServer(tb, map[string]string{
			"LONTAR_BOOTSTRAP_ADMIN_PHONE": "081300000001", "LONTAR_BOOTSTRAP_ADMIN_PASSWORD": "admin-lontar-kupang"})
		f := &benchFixture{s: s}
		admin := login(tb, s, "081300000001", "admin-lontar-kupang")
		f.trainer, f.cohort = benchCohort(tb, s, admin)
		var c struct {
			Modules []struct {
				Lessons []struct{ ID string } `json:"lessons"`
			} `json:"modules"`
		}
		s.Do(tb, "GET", "/api/v1/courses/"+benchCourse, "", nil).JSON(tb, &c)
		for _, m := range c.Modules {
			for _, l := range m.Lessons {
				f.lessons = append(f.lessons, l.ID)
			}
		}
		f.finalID = benchCourse + "-final"
		code := cohortCode(tb, s, f.trainer, f.cohort)
		var mu sync.Mutex
		var wg sync.WaitGroup
		sem := make(chan struct{}, 8)
		for i := range n {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				tok := register(tb, s, fmt.Sprintf("0813%08d", 10000000+i), fmt.Sprintf("Peserta %d", i), "tenun", "5371", "f")
				if r := s.Do(tb, "POST", "/api/v1/cohorts/join", tok, map[string]string{"code": code}); r.Status != 200 {
					mu.Lock()
					benchErr = fmt.Errorf("join: %d %s", r.Status, r.Body)
					mu.Unlock()
					return
				}
				// Some progress already, as halfway through a workshop.
				for _, l := range f.lessons[:i%len(f.lessons)] {
					s.Do(tb, "POST", "/api/v1/courses/"+benchCourse+"/lessons/"+l+"/complete", tok, nil)
				}
				mu.Lock()
				f.learners = append(f.learners, tok)
				mu.Unlock()
			}()
		}
		wg.Wait()
		if benchErr != nil {
			b.Fatalf("workshop fixture: %v", benchErr)
		}
		return f
	}
}

// fixtureTB lets the fixture use the test helpers from the goroutines
// that register learners: a failure there ends the process loudly
// instead of calling FailNow off the benchmark's goroutine.
type fixtureTB struct{ testing.TB }

func (fixtureTB) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }

func (fixtureTB) Fatal(args ...any) { panic(fmt.Sprint(args...)) }

// benchCohort creates a trainer and a cohort on the seeded course. A
// seeded course may be run by any institution's cohort; where the server
// still refuses that, the trainer belongs to the seeding institution.
func benchCohort(t testing.TB, s *server, admin string) (trainer, cohort string) {
	for i, inst := range []string{"politeknik-negeri-kupang", "lontar"} {
		phone := fmt.Sprintf("08130000010%d", i)
		if r := s.Do(t, "POST", "/api/v1/users", admin, map[string]any{"phone": phone, "name": "Bu Dosen",
			"password": "politeknik-kupang", "role": "trainer", "institution": inst}); r.Status != 201 {
			t.Fatalf("create trainer: %d %s", r.Status, r.Body)
		}
		trainer = login(t, s, phone, "politeknik-kupang")
		today := time.Now().UTC()
		r := s.Do(t, "POST", "/api/v1/cohorts", trainer, map[string]any{"name": "Lokakarya", "course_ids": []string{benchCourse},
			"starts_on": today.Format("2006-01-02"), "ends_on": today.AddDate(0, 0, 7).Format("2006-01-02"), "region": "5371"})
		if r.Status == 403 && i == 0 {
			continue
		}
		var got struct{ ID string }
		r.JSON(t, &got)
		if r.Status != 201 {
			t.Fatalf("create cohort: %d %s", r.Status, r.Body)
		}
		return trainer, got.ID
	}
	return "", ""
}

func cohortCode(t testing.TB, s *server, trainer, cohort string) string {
	var got struct {
		JoinCode string `json:"join_code"`
	}
	s.Do(t, "GET", "/api/v1/cohorts/"+cohort, trainer, nil).JSON(t, &got)
	return got.JoinCode
}

func benchUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// benchAnswers answers every question of the quiz, as a learner might
// (not necessarily right).
func benchAnswers(b *testing.B, s *server, token, quizID string) map[string]any {
	var q struct {
		Questions []struct {
			ID      string `json:"id"`
			Type    string `json:"type"`
			Choices []struct {
				ID string `json:"id"`
			} `json:"choices"`
		} `json:"questions"`
	}
	s.Do(b, "GET", "/api/v1/quizzes/"+quizID, token, nil).JSON(b, &q)
	answers := map[string]any{}
	for _, qq := range q.Questions {
		switch qq.Type {
		case "single":
			answers[qq.ID] = qq.Choices[0].ID
		case "multiple":
			answers[qq.ID] = []string{qq.Choices[0].ID}
		case "true_false":
			answers[qq.ID] = true
		case "numeric":
			answers[qq.ID] = 1000
		default:
			answers[qq.ID] = "QRIS"
		}
	}
	if len(answers) == 0 {
		b.Fatalf("quiz %s has no questions", quizID)
	}
	return answers
}

func BenchmarkHotPaths(b *testing.B) {
	f := workshopFixture(b)
	s := f.s
	expect := func(b *testing.B, r *apitest.Response, status int) {
		if r.Status != status {
			b.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
		}
	}
	b.Run("me (token check and one read by _id)", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			expect(b, s.Do(b, "GET", "/api/v1/me", f.learners[i%len(f.learners)], nil), 200)
		}
	})
	b.Run("course read", func(b *testing.B) {
		for b.Loop() {
			expect(b, s.Do(b, "GET", "/api/v1/courses/"+benchCourse, f.learners[0], nil), 200)
		}
	})
	b.Run("lesson completion", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			tok, lesson := f.learners[i%len(f.learners)], f.lessons[i%len(f.lessons)]
			expect(b, s.Do(b, "POST", "/api/v1/courses/"+benchCourse+"/lessons/"+lesson+"/complete", tok, nil), 200)
		}
	})
	for _, n := range []int{1, 50} {
		b.Run(fmt.Sprintf("sync batch of %d", n), func(b *testing.B) {
			i := 0
			for b.Loop() {
				i++
				events := make([]map[string]string, n)
				for k := range events {
					events[k] = map[string]string{"id": benchUUID(), "type": "lesson_completed",
						"occurred_at": time.Now().UTC().Format(time.RFC3339), "course_id": benchCourse,
						"lesson_id": f.lessons[(i+k)%len(f.lessons)]}
				}
				expect(b, s.Do(b, "POST", "/api/v1/sync", f.learners[i%len(f.learners)], map[string]any{"events": events}), 200)
			}
		})
	}
	b.Run("quiz submission", func(b *testing.B) {
		answers := benchAnswers(b, s, f.learners[0], f.finalID)
		i := 0
		for b.Loop() {
			i++
			body := map[string]any{"attempt_id": benchUUID(), "answers": answers}
			expect(b, s.Do(b, "POST", "/api/v1/quizzes/"+f.finalID+"/attempts", f.learners[i%len(f.learners)], body), 201)
		}
	})
	b.Run(fmt.Sprintf("roster of %d", len(f.learners)), func(b *testing.B) {
		for b.Loop() {
			expect(b, s.Do(b, "GET", "/api/v1/cohorts/"+f.cohort+"/roster", f.trainer, nil), 200)
		}
	})
}
