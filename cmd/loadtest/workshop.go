package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	mrand "math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The workshop's courses: the cohort runs two seeded courses, so every
// learner is enrolled in both when joining.
var workshopCourses = []string{"jualan-online", "konten-kreatif"}

// course is what a learner's phone knows about a course after opening it.
type course struct {
	ID      string
	Lessons []string
	Quizzes []quizInfo
}

type quizInfo struct {
	ID          string
	Kind        string
	MaxAttempts int
	Questions   []question
}

type question struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Choices []struct {
		ID string `json:"id"`
	} `json:"choices"`
}

// event is one offline sync event as the web app's outbox sends it.
type event struct {
	ID         string         `json:"id"`
	Type       string         `json:"type"`
	OccurredAt string         `json:"occurred_at"`
	CourseID   string         `json:"course_id,omitempty"`
	LessonID   string         `json:"lesson_id,omitempty"`
	QuizID     string         `json:"quiz_id,omitempty"`
	Answers    map[string]any `json:"answers,omitempty"`
}

// learner is one phone in the hall, with what the server acknowledged to
// it: the lessons it was told are complete and the quiz attempts it was
// told were counted. At the end the server's records must match.
type learner struct {
	n       int
	phone   string
	c       *Client
	rng     *mrand.Rand
	courses []*course

	mu       sync.Mutex
	done     map[string]map[string]bool // course → lesson → acknowledged
	attempts map[string]int             // quiz → attempts acknowledged as counted
	acked    map[string]bool            // sync event ids acknowledged (applied or duplicate)
	past     []event                    // events sent before, for replays
}

// Violations counts broken guarantees seen during the run.
type Violations struct {
	DoubleApplied atomic.Int64 // an event reported "applied" twice
	Rejected      atomic.Int64 // a valid event rejected
}

// Workshop is one run: a server, a cohort, its learners, a trainer and
// (when the server has reports) an agency user.
type Workshop struct {
	cfg      Config
	base     string
	http     *http.Client
	wave     *Stats // requests while learners are still arriving
	steady   *Stats // requests after the last learner arrived
	burst    *Stats
	setup    *Stats
	phase    atomic.Pointer[Stats] // wave, then steady
	cohortID string
	joinCode string
	trainer  *Client
	agency   *Client
	learners []*learner
	viol     Violations
	applied  sync.Map // event id → true once reported applied
	runID    string
}

func newWorkshop(cfg Config, base string) *Workshop {
	tr := &http.Transport{MaxIdleConns: cfg.Learners + 10, MaxIdleConnsPerHost: cfg.Learners + 10,
		IdleConnTimeout: 2 * time.Minute, DisableCompression: true}
	return &Workshop{cfg: cfg, base: base + "/api/v1",
		http: &http.Client{Transport: tr, Timeout: 60 * time.Second},
		wave: NewStats(), steady: NewStats(), burst: NewStats(), setup: NewStats(),
		runID: randomDigits(3)}
}

func (w *Workshop) client(stats *Stats) *Client {
	return &Client{base: w.base, http: w.http, stats: stats}
}

// Setup logs in the admin, creates the trainer (and agency user) and the
// cohort whose join code the learners will type.
func (w *Workshop) Setup() error {
	admin := w.client(w.setup)
	var sess struct {
		AccessToken string `json:"access_token"`
	}
	err := admin.Do("login admin", "POST", "/auth/login",
		map[string]string{"phone": w.cfg.AdminPhone, "password": w.cfg.AdminPassword}, 200, &sess)
	if err != nil {
		return fmt.Errorf("admin login (set -admin-phone/-admin-password for a running server): %w", err)
	}
	admin.token = sess.AccessToken

	// The contract lets any institution's cohort run the seeded courses;
	// a server that does not yet allow it gets a trainer of the seeding
	// institution instead.
	var cohort struct {
		ID       string `json:"id"`
		JoinCode string `json:"join_code"`
	}
	for i, inst := range []string{"politeknik-negeri-kupang", "lontar"} {
		w.trainer = w.client(w.setup)
		tphone := w.phone(99990 + i)
		err = admin.Do("create trainer", "POST", "/users", map[string]any{"phone": tphone, "name": "Dosen Pelatih",
			"password": password, "role": "trainer", "institution": inst}, 201, nil)
		if err != nil {
			return fmt.Errorf("create trainer: %w", err)
		}
		if w.trainer.token, err = login(w.client(w.setup), tphone); err != nil {
			return err
		}
		today := time.Now().UTC()
		err = w.trainer.Do("create cohort", "POST", "/cohorts", map[string]any{"name": "Lokakarya " + w.runID,
			"course_ids": workshopCourses, "starts_on": today.Format("2006-01-02"),
			"ends_on": today.AddDate(0, 0, 7).Format("2006-01-02"), "region": "5371"}, 201, &cohort)
		var ae *apiError
		if errors.As(err, &ae) && ae.Status == 403 && i == 0 {
			fmt.Println("note: this server forbids other institutions' cohorts on seeded courses; the trainer is of institution lontar")
			continue
		}
		if err != nil {
			return fmt.Errorf("create cohort: %w", err)
		}
		w.trainer.stats = w.steady
		break
	}
	w.cohortID, w.joinCode = cohort.ID, cohort.JoinCode

	// An agency user polls the summary when the server has reports.
	probe := w.client(w.setup)
	probe.token = admin.token
	if err := probe.Do("probe reports", "GET", "/reports/summary", nil, 200, nil); err == nil {
		aphone := w.phone(99989)
		err = admin.Do("create agency", "POST", "/users", map[string]any{"phone": aphone, "name": "Dinas Koperasi",
			"password": password, "role": "agency", "scope": []string{}}, 201, nil)
		if err != nil {
			return fmt.Errorf("create agency user: %w", err)
		}
		w.agency = w.client(w.steady)
		if w.agency.token, err = login(w.client(w.setup), aphone); err != nil {
			return err
		}
	}
	return nil
}

const password = "tenun-sei-2026"

func login(c *Client, phone string) (string, error) {
	var sess struct {
		AccessToken string `json:"access_token"`
	}
	err := c.Do("login", "POST", "/auth/login", map[string]string{"phone": phone, "password": password}, 200, &sess)
	return sess.AccessToken, err
}

// phone is a distinct Indonesian mobile number per run and learner.
func (w *Workshop) phone(n int) string {
	return fmt.Sprintf("0812%s%05d", w.runID, n)
}

var (
	firstNames = []string{"Maria", "Yohanes", "Agustina", "Fransiskus", "Yuliana", "Petrus", "Oktovianus", "Adriana", "Imelda", "Kornelis"}
	sectors    = []string{"kuliner", "tenun", "kerajinan", "fesyen", "jasa", "lainnya"}
	regions    = []string{"5371", "5371010", "5371020", "5301", "5310", "5302"}
)

// Join registers learner n and joins the cohort, at its arrival time.
func (w *Workshop) Join(n int) (*learner, error) {
	c := w.client(nil)
	c.phase = &w.phase
	l := &learner{n: n, phone: w.phone(n), c: c,
		rng:  mrand.New(mrand.NewPCG(uint64(n), uint64(time.Now().UnixNano()))),
		done: map[string]map[string]bool{}, attempts: map[string]int{}, acked: map[string]bool{}}
	var sess struct {
		AccessToken string `json:"access_token"`
	}
	gender := []string{"f", "m"}[n%3%2] // two women for every man, as in the workshops
	err := l.c.Do("POST /auth/register", "POST", "/auth/register", map[string]any{
		"phone": l.phone, "name": firstNames[n%len(firstNames)] + fmt.Sprintf(" %d", n), "password": password,
		"profile": map[string]any{"business_name": "Usaha " + fmt.Sprint(n), "sector": sectors[n%len(sectors)],
			"region": regions[n%len(regions)], "gender": gender, "birth_year": 1970 + n%35},
	}, 201, &sess)
	if err != nil {
		return nil, err
	}
	l.c.token = sess.AccessToken
	if err := l.c.Do("POST /cohorts/join", "POST", "/cohorts/join", map[string]string{"code": w.joinCode}, 200, nil); err != nil {
		return nil, err
	}
	for _, id := range workshopCourses {
		co, err := l.openCourse(id)
		if err != nil {
			return nil, err
		}
		l.courses = append(l.courses, co)
		l.done[id] = map[string]bool{}
	}
	return l, nil
}

// openCourse reads the course and its quizzes as the app does on first open.
func (l *learner) openCourse(id string) (*course, error) {
	var c struct {
		Modules []struct {
			Lessons []struct {
				ID string `json:"id"`
			} `json:"lessons"`
		} `json:"modules"`
	}
	if err := l.c.Do("GET /courses/{id}", "GET", "/courses/"+id, nil, 200, &c); err != nil {
		return nil, err
	}
	co := &course{ID: id}
	for _, m := range c.Modules {
		for _, le := range m.Lessons {
			co.Lessons = append(co.Lessons, le.ID)
		}
	}
	var qs []struct {
		ID          string `json:"id"`
		Kind        string `json:"kind"`
		MaxAttempts int    `json:"max_attempts"`
	}
	if err := l.c.Do("GET /courses/{id}/quizzes", "GET", "/courses/"+id+"/quizzes", nil, 200, &qs); err != nil {
		return nil, err
	}
	for _, q := range qs {
		if q.MaxAttempts == 0 { // the practice quizzes and finals anyone may retake
			co.Quizzes = append(co.Quizzes, quizInfo{ID: q.ID, Kind: q.Kind})
		}
	}
	return co, nil
}

// Loop runs the learner's workshop until the deadline: think, then open
// the course, complete a lesson (directly or offline through /sync), now
// and then take a quiz, and look at the progress page and the profile.
func (w *Workshop) Loop(l *learner, until time.Time) {
	// The first pause is anywhere in the think range, so phones that
	// joined together do not act together.
	think := func(first bool) bool {
		lo := w.cfg.ThinkMin
		if first {
			lo = 0
		}
		d := lo + time.Duration(l.rng.Int64N(int64(w.cfg.ThinkMax-lo)+1))
		if time.Now().Add(d).After(until) {
			return false
		}
		time.Sleep(d)
		return true
	}
	for i := 0; think(i == 0); i++ {
		co := l.courses[l.rng.IntN(len(l.courses))]
		_ = l.c.Do("GET /courses/{id}", "GET", "/courses/"+co.ID, nil, 200, nil)
		if l.rng.Float64() < w.cfg.SyncShare {
			w.syncLessons(l, co)
		} else {
			l.complete(co)
		}
		if i%3 == 2 {
			w.takeQuiz(l, co, "")
		}
		_ = l.c.Do("GET /me/enrollments", "GET", "/me/enrollments", nil, 200, nil)
		_ = l.c.Do("GET /me", "GET", "/me", nil, 200, nil)
	}
}

// nextLesson is the first lesson not acknowledged yet, or any lesson
// again once all are done (completing again must change nothing).
func (l *learner) nextLesson(co *course) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, id := range co.Lessons {
		if !l.done[co.ID][id] {
			return id
		}
	}
	return co.Lessons[l.rng.IntN(len(co.Lessons))]
}

func (l *learner) complete(co *course) {
	lesson := l.nextLesson(co)
	err := l.c.Do("POST .../lessons/{id}/complete", "POST", "/courses/"+co.ID+"/lessons/"+lesson+"/complete", nil, 200, nil)
	if err == nil {
		l.mu.Lock()
		l.done[co.ID][lesson] = true
		l.mu.Unlock()
	}
}

// syncLessons sends what a phone's outbox sends after being offline. Most
// batches are one completion sent twice (the app retried before the first
// answer came); some are a longer offline stretch: two lessons, a quiz,
// and an event the server acknowledged before.
func (w *Workshop) syncLessons(l *learner, co *course) {
	now := time.Now().UTC()
	lessonEvent := func(lesson string, ago time.Duration) event {
		return event{ID: newUUID(), Type: "lesson_completed", OccurredAt: now.Add(-ago).Format(time.RFC3339Nano),
			CourseID: co.ID, LessonID: lesson}
	}
	var batch []event
	name := "POST /sync (2, 1 duplicate)"
	if l.rng.Float64() < 0.8 || len(co.Quizzes) == 0 {
		e := lessonEvent(l.nextLesson(co), 0)
		batch = []event{e, e}
	} else {
		name = "POST /sync (offline, 4-5)"
		first := l.nextLesson(co)
		batch = []event{lessonEvent(first, 3*time.Minute)}
		for _, id := range co.Lessons { // the lesson after it
			if id != first && !l.done[co.ID][id] {
				batch = append(batch, lessonEvent(id, 2*time.Minute))
				break
			}
		}
		q := co.Quizzes[l.rng.IntN(len(co.Quizzes))]
		if qi, err := w.quizQuestions(l, co, q.ID); err == nil {
			batch = append(batch, event{ID: newUUID(), Type: "quiz_submitted", OccurredAt: now.Add(-time.Minute).Format(time.RFC3339Nano),
				QuizID: q.ID, Answers: l.answers(qi)})
		}
		batch = append(batch, batch[0]) // the outbox resent its first event
		l.mu.Lock()
		if len(l.past) > 0 {
			batch = append(batch, l.past[l.rng.IntN(len(l.past))]) // acknowledged before
		}
		l.mu.Unlock()
	}
	var res struct {
		Results []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
			Reason string `json:"reason"`
		} `json:"results"`
	}
	if err := l.c.Do(name, "POST", "/sync", map[string]any{"events": batch}, 200, &res); err != nil {
		return
	}
	if len(res.Results) != len(batch) {
		w.viol.Rejected.Add(1)
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, r := range res.Results {
		ev := batch[i]
		switch r.Status {
		case "applied":
			if _, dup := w.applied.LoadOrStore(ev.ID, true); dup || l.acked[ev.ID] {
				w.viol.DoubleApplied.Add(1)
			}
		case "duplicate":
		default:
			w.viol.Rejected.Add(1)
			continue
		}
		if l.acked[ev.ID] {
			continue
		}
		l.acked[ev.ID] = true
		l.past = append(l.past, ev)
		switch ev.Type {
		case "lesson_completed":
			l.done[ev.CourseID][ev.LessonID] = true
		case "quiz_submitted":
			l.attempts[ev.QuizID]++
		}
	}
}

// quizQuestions reads a quiz once per learner, as the app does.
func (w *Workshop) quizQuestions(l *learner, co *course, quizID string) (*quizInfo, error) {
	for i := range co.Quizzes {
		q := &co.Quizzes[i]
		if q.ID != quizID {
			continue
		}
		if q.Questions != nil {
			return q, nil
		}
		var v struct {
			Questions []question `json:"questions"`
		}
		if err := l.c.Do("GET /quizzes/{id}", "GET", "/quizzes/"+quizID, nil, 200, &v); err != nil {
			return nil, err
		}
		q.Questions = v.Questions
		return q, nil
	}
	return nil, errors.New("no such quiz")
}

// answers fills in a quiz as a learner might: some right, some wrong.
func (l *learner) answers(q *quizInfo) map[string]any {
	out := map[string]any{}
	for _, qq := range q.Questions {
		switch qq.Type {
		case "single":
			if len(qq.Choices) > 0 {
				out[qq.ID] = qq.Choices[l.rng.IntN(len(qq.Choices))].ID
			}
		case "multiple":
			var ids []string
			for _, ch := range qq.Choices {
				if l.rng.IntN(2) == 0 {
					ids = append(ids, ch.ID)
				}
			}
			out[qq.ID] = ids
		case "true_false":
			out[qq.ID] = l.rng.IntN(2) == 0
		case "numeric":
			out[qq.ID] = l.rng.IntN(100000)
		default:
			out[qq.ID] = "ya"
		}
	}
	return out
}

// takeQuiz submits an attempt at a quiz of the course (kind "" = any
// retakeable quiz); one in ten is sent twice with the same attempt id, as
// a phone does when the first answer is lost, and must count once.
func (w *Workshop) takeQuiz(l *learner, co *course, kind string) {
	if len(co.Quizzes) == 0 {
		return
	}
	q := co.Quizzes[l.rng.IntN(len(co.Quizzes))]
	for _, cand := range co.Quizzes {
		if kind != "" && cand.Kind == kind {
			q = cand
		}
	}
	qi, err := w.quizQuestions(l, co, q.ID)
	if err != nil {
		return
	}
	body := map[string]any{"attempt_id": newUUID(), "answers": l.answers(qi)}
	if err := l.c.Do("POST /quizzes/{id}/attempts", "POST", "/quizzes/"+q.ID+"/attempts", body, 201, nil); err != nil {
		return
	}
	l.mu.Lock()
	l.attempts[q.ID]++
	l.mu.Unlock()
	if l.rng.IntN(10) == 0 {
		_ = l.c.Do("POST /quizzes/{id}/attempts (replay)", "POST", "/quizzes/"+q.ID+"/attempts", body, 200, nil)
	}
}

// Burst is the trainer saying "now finish the lesson and take the quiz":
// every learner completes a lesson and submits the course's final within
// a second or two of each other.
func (w *Workshop) Burst(l *learner, at time.Time) {
	time.Sleep(time.Until(at) + time.Duration(l.rng.Int64N(int64(w.cfg.BurstSpread)+1)))
	co := l.courses[0]
	l.complete(co)
	w.takeQuiz(l, co, "final")
}

// PollRoster is the trainer's panel refreshing while the workshop runs.
func (w *Workshop) PollRoster(until time.Time, every time.Duration) {
	for time.Now().Add(every).Before(until) {
		time.Sleep(every)
		_ = w.trainer.Do("GET /cohorts/{id}/roster", "GET", "/cohorts/"+w.cohortID+"/roster", nil, 200, nil)
	}
}

// PollSummary is an agency officer watching the summary.
func (w *Workshop) PollSummary(until time.Time, every time.Duration) {
	if w.agency == nil {
		return
	}
	for time.Now().Add(every).Before(until) {
		time.Sleep(every)
		_ = w.agency.Do("GET /reports/summary", "GET", "/reports/summary?cohort_id="+w.cohortID, nil, 200, nil)
	}
}

// Verify reads every learner's enrollments and the roster and compares
// them with what the clients were acknowledged.
func (w *Workshop) Verify() (report []string, ok bool) {
	ok = true
	check := NewStats()
	var lessons, attempts, badLessons, badAttempts int
	for _, l := range w.learners {
		var es []struct {
			CourseID         string                    `json:"course_id"`
			CompletedLessons map[string]string         `json:"completed_lessons"`
			QuizResults      map[string]map[string]any `json:"quiz_results"`
		}
		c := &Client{base: w.base, http: w.http, token: l.c.token, stats: check}
		if err := c.Do("verify", "GET", "/me/enrollments", nil, 200, &es); err != nil {
			report = append(report, fmt.Sprintf("learner %d: %v", l.n, err))
			ok = false
			continue
		}
		gotAttempts := map[string]int{}
		for _, e := range es {
			want := l.done[e.CourseID]
			lessons += len(want)
			if len(e.CompletedLessons) != len(want) {
				badLessons++
				if badLessons <= 5 {
					report = append(report, fmt.Sprintf("learner %d %s: server has %d lessons, client was acknowledged %d",
						l.n, e.CourseID, len(e.CompletedLessons), len(want)))
				}
			}
			for q, r := range e.QuizResults {
				n, _ := r["attempts"].(float64)
				gotAttempts[q] = int(n)
			}
		}
		for q, want := range l.attempts {
			attempts += want
			if gotAttempts[q] != want {
				badAttempts++
				if badAttempts <= 5 {
					report = append(report, fmt.Sprintf("learner %d quiz %s: server counts %d attempts, client was acknowledged %d",
						l.n, q, gotAttempts[q], want))
				}
			}
		}
		for q, got := range gotAttempts {
			if _, known := l.attempts[q]; !known && got > 0 {
				badAttempts++
				if badAttempts <= 5 {
					report = append(report, fmt.Sprintf("learner %d quiz %s: server counts %d attempts, none acknowledged (the client gave up waiting?)", l.n, q, got))
				}
			}
		}
	}
	// The trainer's roster must add up to the same lessons.
	var roster []struct {
		Courses []struct {
			LessonsDone int `json:"lessons_done"`
		} `json:"courses"`
	}
	rosterLessons := 0
	tc := &Client{base: w.base, http: w.http, token: w.trainer.token, stats: check}
	if err := tc.Do("verify", "GET", "/cohorts/"+w.cohortID+"/roster", nil, 200, &roster); err == nil {
		for _, r := range roster {
			for _, c := range r.Courses {
				rosterLessons += c.LessonsDone
			}
		}
	}
	if badLessons > 0 || badAttempts > 0 || rosterLessons != lessons || len(roster) != len(w.learners) {
		ok = false
	}
	if v := w.viol.DoubleApplied.Load(); v > 0 {
		ok = false
		report = append(report, fmt.Sprintf("%d sync events were reported applied more than once", v))
	}
	if v := w.viol.Rejected.Load(); v > 0 {
		ok = false
		report = append(report, fmt.Sprintf("%d valid sync events were rejected", v))
	}
	report = append([]string{fmt.Sprintf(
		"%d learners: %d lessons and %d quiz attempts acknowledged; the server holds them all: %v (lessons differ for %d enrollments, attempts for %d quizzes); roster: %d learners, %d lessons",
		len(w.learners), lessons, attempts, badLessons == 0 && badAttempts == 0, badLessons, badAttempts, len(roster), rosterLessons)}, report...)
	return report, ok
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return strings.Join([]string{h[:8], h[8:12], h[12:16], h[16:20], h[20:]}, "-")
}

// randomDigits returns n random decimal digits.
func randomDigits(n int) string {
	var sb strings.Builder
	for range n {
		d, _ := rand.Int(rand.Reader, big.NewInt(10))
		sb.WriteString(d.String())
	}
	return sb.String()
}
