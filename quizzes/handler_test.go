package quizzes_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"lontar"
	"lontar/courses"
	"lontar/enrollments"
	"lontar/internal/apitest"
	"lontar/internal/coursetest"
	"lontar/quizzes"
)

// env is the quizzes API on the real stores of the features it works
// with: courses c1 (of "poltek") and c2 (of "undana") are published, and
// learner L1 is enrolled in c1.
type env struct {
	*apitest.Env
	svc     *quizzes.Service
	store   *quizzes.Store
	enr     *enrollments.Store
	trainer string // token of a trainer of "poltek"
	other   string // token of a trainer of another institution
	learner string // token of a learner enrolled in c1
	outside string // token of a learner not enrolled
	admin   string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := apitest.New(t)
	store := quizzes.NewStore(e.DB)
	courseStore, catalog, publish := coursetest.NewCatalog(e.DB)
	c1 := publish(t, coursetest.Course("c1", "poltek", "l1,l2"))
	publish(t, coursetest.Course("c2", "undana", "l1"))
	enr := enrollments.NewStore(e.DB, catalog, nil, store, nil, nil)
	ctx := context.Background()
	for _, ensure := range []func(context.Context) error{store.EnsureIndexes, enr.EnsureIndexes} {
		if err := ensure(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := enr.EnrollPerson(ctx, lontar.Person{UserID: "L1"}, c1, ""); err != nil {
		t.Fatal(err)
	}
	svc := quizzes.NewService(store, courseStore, enr)
	quizzes.NewHandler(svc).Register(e.API())
	return &env{Env: e, svc: svc, store: store, enr: enr,
		trainer: e.Token(t, lontar.Caller{UserID: "T1", Role: lontar.RoleTrainer, Institution: "poltek"}),
		other:   e.Token(t, lontar.Caller{UserID: "T2", Role: lontar.RoleTrainer, Institution: "undana"}),
		learner: e.Token(t, lontar.Caller{UserID: "L1", Role: lontar.RoleLearner}),
		outside: e.Token(t, lontar.Caller{UserID: "L2", Role: lontar.RoleLearner}),
		admin:   e.Token(t, lontar.Caller{UserID: "A1", Role: lontar.RoleAdmin}),
	}
}

const quizBody = `{"id":"hpp-quiz","course_id":"c1","kind":"final","title":{"id":"Kuis HPP","en":"COGS quiz"},
 "pass_mark":60,"max_attempts":2,"shuffle":true,"questions":[
 {"id":"q1","type":"single","prompt":{"id":"Apa itu HPP?","en":"What is COGS?"},"choices":[
   {"id":"a","text":{"id":"Harga pokok produksi"},"correct":true,"feedback":{"id":"Tepat.","en":"Right."}},
   {"id":"b","text":{"id":"Harga jual"},"feedback":{"id":"Harga jual = HPP + laba.","en":"Price = COGS + profit."}}],
   "feedback":{"id":"HPP adalah SECRET_GENERAL","en":"COGS is SECRET_GENERAL"}},
 {"id":"q2","type":"numeric","points":2,"prompt":{"id":"HPP per bungkus?"},"answer":{"value":27500,"tolerance":0}},
 {"id":"q3","type":"short_answer","prompt":{"id":"Singkatan?"},"answer":["SECRET_SHORT"]},
 {"id":"q4","type":"true_false","prompt":{"id":"Benar?"},"answer":true},
 {"id":"q5","type":"multiple","prompt":{"id":"Pilih"},"choices":[
   {"id":"a","text":{"id":"A"},"weight":50},{"id":"b","text":{"id":"B"},"weight":50},{"id":"c","text":{"id":"C"},"weight":-50}]}
]}`

// result is L1's standing on the quiz as their enrollment in c1 keeps it.
func (e *env) result(t *testing.T, quizID string) lontar.QuizResult {
	t.Helper()
	en, err := e.enr.Enrollment(context.Background(), "L1", "c1")
	if err != nil {
		t.Fatal(err)
	}
	return en.QuizResults[quizID]
}

func (e *env) mustCreate(t *testing.T) {
	t.Helper()
	r := e.Do(t, "POST", "/api/v1/quizzes", e.trainer, quizBody)
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
}

func TestAuthoringRights(t *testing.T) {
	e := newEnv(t)
	for _, tt := range []struct {
		name, token string
		want        int
	}{
		{"no token", "", 401},
		{"learner", e.learner, 403},
		{"other institution's trainer", e.other, 403},
		{"own trainer", e.trainer, 201},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := e.Do(t, "POST", "/api/v1/quizzes", tt.token, quizBody)
			if r.Status != tt.want {
				t.Fatalf("status %d, want %d: %s", r.Status, tt.want, r.Body)
			}
		})
	}
	r := e.Do(t, "PUT", "/api/v1/quizzes/hpp-quiz", e.other, quizBody)
	if r.Status != 403 {
		t.Fatalf("other trainer edit: %d", r.Status)
	}
	r = e.Do(t, "POST", "/api/v1/quizzes", e.trainer, strings.Replace(quizBody, `"c1"`, `"nope"`, 1))
	if r.Status != 404 {
		t.Fatalf("unknown course: %d %s", r.Status, r.Body)
	}
	bad := strings.Replace(quizBody, `"correct":true,`, ``, 1)
	bad = strings.Replace(bad, `"hpp-quiz"`, `"bad"`, 1)
	r = e.Do(t, "POST", "/api/v1/quizzes", e.trainer, bad, "Accept-Language: en")
	var body struct {
		Error struct{ Fields map[string]string } `json:"error"`
	}
	r.JSON(t, &body)
	if r.Status != 422 || !strings.Contains(body.Error.Fields["questions.0.choices"], "exactly one correct") {
		t.Fatalf("invalid quiz: %d %s", r.Status, r.Body)
	}
}

// walk calls f on every key (isKey true) and string or number value of a
// decoded JSON document.
func walk(v any, f func(s string, isKey bool)) {
	switch x := v.(type) {
	case map[string]any:
		for k, vv := range x {
			f(k, true)
			walk(vv, f)
		}
	case []any:
		for _, vv := range x {
			walk(vv, f)
		}
	case string:
		f(x, false)
	case float64:
		f(fmt.Sprint(x), false)
	}
}

func TestLearnerSeesNoAnswers(t *testing.T) {
	e := newEnv(t)
	e.mustCreate(t)
	r := e.Do(t, "GET", "/api/v1/quizzes/hpp-quiz?lang=en", e.learner, nil)
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	var doc any
	r.JSON(t, &doc)
	leakyKeys := map[string]bool{"correct": true, "weight": true, "feedback": true, "general_feedback": true,
		"answer": true, "accepted": true, "truth": true, "numeric": true}
	walk(doc, func(s string, isKey bool) {
		if isKey && leakyKeys[s] || !isKey && (strings.Contains(s, "SECRET") || s == "27500" || s == "Right.") {
			t.Errorf("learner view leaks %q", s)
		}
	})
	if !strings.Contains(string(r.Body), "What is COGS?") {
		t.Fatalf("not in English: %s", r.Body)
	}
	again := e.Do(t, "GET", "/api/v1/quizzes/hpp-quiz?lang=en", e.learner, nil)
	if string(again.Body) != string(r.Body) {
		t.Fatal("a reload reshuffled the quiz")
	}
	if r := e.Do(t, "GET", "/api/v1/quizzes/hpp-quiz", e.outside, nil); r.Status != 403 {
		t.Fatalf("not enrolled: %d", r.Status)
	}
	if r := e.Do(t, "GET", "/api/v1/quizzes/hpp-quiz", e.other, nil); r.Status != 403 {
		t.Fatalf("other institution: %d", r.Status)
	}
	if r := e.Do(t, "GET", "/api/v1/quizzes/hpp-quiz", e.trainer, nil); r.Status != 200 || !strings.Contains(string(r.Body), "SECRET_SHORT") {
		t.Fatalf("author view: %d %s", r.Status, r.Body)
	}
}

func TestAttemptGradedAndLimited(t *testing.T) {
	e := newEnv(t)
	e.mustCreate(t)
	answers := `{"answers":{"q1":"a","q2":27500,"q3":"secret_short","q4":false,"q5":["a"]}}`
	r := e.Do(t, "POST", "/api/v1/quizzes/hpp-quiz/attempts", e.learner, answers, "Accept-Language: en")
	var got struct {
		Score        float64
		Passed       bool
		AttemptsUsed int `json:"attempts_used"`
		Results      []struct {
			QuestionID    string `json:"question_id"`
			Correct       bool
			Feedback      string
			CorrectAnswer string `json:"correct_answer"`
		}
	}
	r.JSON(t, &got)
	// 1 + 2 + 1 + 0 + 0.5 = 4.5 of 6 = 75%.
	if r.Status != 201 || got.Score != 75 || !got.Passed || got.AttemptsUsed != 1 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	if got.Results[0].Feedback != "Right." || got.Results[3].Correct {
		t.Fatalf("results: %+v", got.Results)
	}
	// A wrong answer type is a 422 naming the question and costs no attempt.
	r = e.Do(t, "POST", "/api/v1/quizzes/hpp-quiz/attempts", e.learner, `{"answers":{"q2":"banyak","zz":1}}`)
	if r.Status != 422 || !strings.Contains(string(r.Body), "answers.q2") || !strings.Contains(string(r.Body), "answers.zz") {
		t.Fatalf("bad answers: %d %s", r.Status, r.Body)
	}
	r = e.Do(t, "POST", "/api/v1/quizzes/hpp-quiz/attempts", e.learner, answers)
	if r.Status != 201 {
		t.Fatalf("second attempt: %d %s", r.Status, r.Body)
	}
	// Passed: the right answers are said in words.
	r.JSON(t, &got)
	want := map[string]string{"q1": "Harga pokok produksi", "q2": "27.500", "q3": "SECRET_SHORT", "q4": "Benar", "q5": "A; B"}
	for _, res := range got.Results {
		if res.CorrectAnswer != want[res.QuestionID] {
			t.Errorf("%s: right answer %q, want %q", res.QuestionID, res.CorrectAnswer, want[res.QuestionID])
		}
	}
	if r := e.Do(t, "POST", "/api/v1/quizzes/hpp-quiz/attempts", e.learner, answers); r.Status != 409 {
		t.Fatalf("third attempt of 2: %d %s", r.Status, r.Body)
	}
	if r := e.Do(t, "POST", "/api/v1/quizzes/hpp-quiz/attempts", e.outside, answers); r.Status != 403 {
		t.Fatalf("not enrolled: %d", r.Status)
	}
}

// TestGradedTestHidesAnswersUntilPassedOrSpent: a posttest or final keeps
// the right answers, the choices' feedback and the worked answers out of
// every attempt its learner reads until they pass or use the last attempt;
// an unlimited test until they pass. Practice shows them at once.
func TestGradedTestHidesAnswersUntilPassedOrSpent(t *testing.T) {
	e := newEnv(t)
	e.mustCreate(t) // final, 2 attempts
	unlimited := strings.Replace(strings.Replace(quizBody, `"hpp-quiz"`, `"hpp-post"`, 1), `"final"`, `"posttest"`, 1)
	unlimited = strings.Replace(unlimited, `"max_attempts":2`, `"max_attempts":0`, 1)
	practice := strings.Replace(strings.Replace(unlimited, `"hpp-post"`, `"hpp-practice"`, 1), `"posttest"`, `"practice"`, 1)
	for _, body := range []string{unlimited, practice} {
		if r := e.Do(t, "POST", "/api/v1/quizzes", e.trainer, body); r.Status != 201 {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
	}
	const fail = `{"answers":{"q1":"b","q2":1,"q3":"x","q4":true,"q5":["c"]}}`
	const pass = `{"answers":{"q1":"a","q2":27500,"q3":"SECRET_SHORT","q4":true,"q5":["a","b"]}}`
	secrets := []string{`"correct_answer"`, `"feedback"`, `"general_feedback"`, "SECRET_GENERAL", "Harga jual = HPP", "27.500"}
	// check sends an attempt and reads it back (POST) and the list of all
	// attempts (GET): it wants the secrets in both, or in neither; and the
	// verdicts and scores always.
	check := func(step, quiz, answers string, shown bool) {
		t.Helper()
		post := e.Do(t, "POST", "/api/v1/quizzes/"+quiz+"/attempts", e.learner, answers)
		if post.Status != 201 {
			t.Fatalf("%s: %d %s", step, post.Status, post.Body)
		}
		get := e.Do(t, "GET", "/api/v1/quizzes/"+quiz+"/attempts", e.learner, nil)
		for _, s := range secrets {
			if strings.Contains(string(get.Body), s) != shown {
				t.Errorf("%s: GET shows %s: %v, want %v: %s", step, s, !shown, shown, get.Body)
			}
		}
		for _, s := range secrets[:3] {
			if strings.Contains(string(post.Body), s) != shown {
				t.Errorf("%s: POST shows %s: %v, want %v: %s", step, s, !shown, shown, post.Body)
			}
		}
		if !strings.Contains(string(get.Body), `"correct":true`) || !strings.Contains(string(get.Body), `"correct":false`) ||
			!strings.Contains(string(post.Body), `"correct":`) || !strings.Contains(string(post.Body), `"score":`) {
			t.Errorf("%s: verdicts lost: %s %s", step, post.Body, get.Body)
		}
	}
	check("final, failed, 1 attempt left", "hpp-quiz", fail, false)
	check("final, failed, none left", "hpp-quiz", fail, true)
	check("unlimited posttest, failed", "hpp-post", fail, false)
	check("unlimited posttest, failed again", "hpp-post", fail, false)
	check("unlimited posttest, passed", "hpp-post", pass, true)
	check("practice, failed", "hpp-practice", fail, true)
}

func TestConcurrentAttemptsRespectTheLimit(t *testing.T) {
	e := newEnv(t)
	e.mustCreate(t)
	var wg sync.WaitGroup
	statuses := make(chan int, 10)
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses <- e.Do(t, "POST", "/api/v1/quizzes/hpp-quiz/attempts", e.learner, `{"answers":{"q1":"a"}}`).Status
		}()
	}
	wg.Wait()
	close(statuses)
	counts := map[int]int{}
	for s := range statuses {
		counts[s]++
	}
	if counts[201] != 2 || counts[409] != 8 {
		t.Fatalf("statuses %v, want two 201 and eight 409", counts)
	}
	if r := e.result(t, "hpp-quiz"); r.Attempts != 2 {
		t.Fatalf("enrollment counted %d attempts", r.Attempts)
	}
}

func TestOfflineSubmissionAppliedOnce(t *testing.T) {
	e := newEnv(t)
	e.mustCreate(t)
	ctx := context.Background()
	caller := &lontar.Caller{UserID: "L1", Role: lontar.RoleLearner}
	ev := lontar.SyncEvent{ID: "6f1c2b1e-8c1a-4d7e-9a55-0b7d9f3e2a10", Type: "quiz_submitted",
		OccurredAt: time.Now().Add(-48 * time.Hour).UTC(),
		Raw:        json.RawMessage(`{"quiz_id":"hpp-quiz","answers":{"q1":"a","q2":27500}}`)}
	var wg sync.WaitGroup
	for range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := e.svc.ApplySync(ctx, caller, ev); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if err := e.svc.ApplySync(ctx, caller, ev); err != nil {
		t.Fatal(err)
	}
	r := e.Do(t, "GET", "/api/v1/quizzes/hpp-quiz/attempts", e.learner, nil)
	var list []struct {
		AttemptID string  `json:"attempt_id"`
		Score     float64 `json:"score"`
	}
	r.JSON(t, &list)
	if len(list) != 1 || list[0].AttemptID != ev.ID || list[0].Score != 50 {
		t.Fatalf("attempts after 6 replays: %s", r.Body)
	}
	if res := e.result(t, "hpp-quiz"); res.Attempts != 1 || res.BestScore != 50 {
		t.Fatalf("enrollment: %+v", res)
	}
	bad := ev
	bad.ID = "7f1c2b1e-8c1a-4d7e-9a55-0b7d9f3e2a10"
	bad.Raw = json.RawMessage(`{"quiz_id":"hpp-quiz","answers":{"q1":42}}`)
	if err := e.svc.ApplySync(ctx, caller, bad); lontar.ErrorCode(err) != lontar.EInvalid {
		t.Fatalf("bad offline answers: %v", err)
	}
}

func TestGIFTImportAndExport(t *testing.T) {
	e := newEnv(t)
	// The project's own file of every GIFT feature, unsupported ones included.
	src, err := os.ReadFile("gift/testdata/features.gift")
	if err != nil {
		t.Fatal(err)
	}
	r := e.Do(t, "POST", "/api/v1/quizzes/import?format=gift&course_id=c1&kind=practice&title=Moodle", e.trainer, src,
		"Content-Type: text/plain")
	var imp struct {
		ID        string
		Questions []json.RawMessage
		Problems  []struct {
			Line   int
			Reason string
		}
	}
	r.JSON(t, &imp)
	if r.Status != 201 || len(imp.Questions) == 0 || len(imp.Problems) == 0 {
		t.Fatalf("import: %d %s", r.Status, r.Body)
	}
	for _, p := range imp.Problems {
		if p.Line <= 0 || p.Reason == "" {
			t.Fatalf("problem without line or reason: %+v", p)
		}
	}
	out := e.Do(t, "GET", "/api/v1/quizzes/"+imp.ID+"/export?format=gift", e.trainer, nil)
	if out.Status != 200 || !strings.HasPrefix(out.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("export: %d", out.Status)
	}
	again := e.Do(t, "POST", "/api/v1/quizzes/import?format=gift&course_id=c1", e.trainer, out.Body, "Content-Type: text/plain")
	var imp2 struct {
		Questions []json.RawMessage
		Problems  []any
	}
	again.JSON(t, &imp2)
	if again.Status != 201 || len(imp2.Questions) != len(imp.Questions) || len(imp2.Problems) != 0 {
		t.Fatalf("re-import of export: %d questions %d→%d problems %v", again.Status, len(imp.Questions), len(imp2.Questions), imp2.Problems)
	}
	if r := e.Do(t, "POST", "/api/v1/quizzes/import?format=gift&course_id=c1", e.trainer,
		"::E:: Tulis esai tentang tenun {}\n\n// only comments\n", "Content-Type: text/plain"); r.Status != 422 {
		t.Fatalf("nothing usable: %d %s", r.Status, r.Body)
	}
	if r := e.Do(t, "POST", "/api/v1/quizzes/import?format=gift&course_id=c2", e.trainer, src, "Content-Type: text/plain"); r.Status != 403 {
		t.Fatalf("other institution's course: %d", r.Status)
	}
	if r := e.Do(t, "GET", "/api/v1/quizzes/"+imp.ID+"/export?format=gift", e.learner, nil); r.Status != 403 {
		t.Fatalf("learner export: %d", r.Status)
	}
}

func TestSeedIsIdempotent(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	first, err := e.svc.Seed(ctx)
	if err != nil {
		t.Fatal(err)
	}
	second, err := e.svc.Seed(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if second.Created != 0 || second.Updated != 0 || second.Unchanged != first.Created {
		t.Fatalf("first %+v, second %+v", first, second)
	}
	seeded, _, err := courses.Curriculum()
	if err != nil || len(seeded) == 0 {
		t.Fatalf("no curriculum: %v", err)
	}
	// Every seeded course ends with a final quiz, in both languages.
	for course := range seeded {
		id, ok, err := e.store.FinalQuizID(ctx, course)
		if err != nil || !ok {
			t.Errorf("%s has no final quiz (%v)", course, err)
			continue
		}
		q, err := e.store.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, qq := range q.Questions {
			if qq.Prompt.EN == "" {
				t.Errorf("%s %s lacks English", id, qq.ID)
			}
		}
		t.Logf("%s: final %s has %d questions", course, id, len(q.Questions))
	}
}

func TestBlankAttemptIsRefusedAndCostsNothing(t *testing.T) {
	e := newEnv(t)
	e.mustCreate(t)
	for _, body := range []string{`null`, `{}`, `{"answers":null}`, `{"answers":{}}`,
		`{"answers":{"q1":null,"q2":null}}`, `{"answers":{"q3":"","q5":[]}}`} {
		r := e.Do(t, "POST", "/api/v1/quizzes/hpp-quiz/attempts", e.learner, body)
		if r.Status != 422 || !strings.Contains(string(r.Body), `"answers"`) {
			t.Errorf("%s: %d %s", body, r.Status, r.Body)
		}
	}
	r := e.Do(t, "GET", "/api/v1/quizzes/hpp-quiz", e.learner, nil)
	var v struct {
		AttemptsUsed int `json:"attempts_used"`
	}
	r.JSON(t, &v)
	if v.AttemptsUsed != 0 || e.result(t, "hpp-quiz").Attempts != 0 {
		t.Fatalf("blank submissions used %d attempts: %s", v.AttemptsUsed, r.Body)
	}
}

// crashingEnrollments is the real enrollments store, except that the
// next RecordQuizAttempt fails as a process killed before it would.
type crashingEnrollments struct {
	*enrollments.Store
	crash bool
}

func (c *crashingEnrollments) RecordQuizAttempt(ctx context.Context, userID string, a lontar.QuizAttempt) (lontar.QuizResult, error) {
	if c.crash {
		c.crash = false
		return lontar.QuizResult{}, fmt.Errorf("killed before recording")
	}
	return c.Store.RecordQuizAttempt(ctx, userID, a)
}

// A crash between saving an attempt and recording it in the enrollment:
// the same attempt sent again, online or through sync, finishes the job.
func TestReplayedAttemptFinishesWhatACrashLeftUndone(t *testing.T) {
	e := newEnv(t)
	e.mustCreate(t)
	courseStore, _, _ := coursetest.NewCatalog(e.DB)
	crashing := &crashingEnrollments{Store: e.enr}
	svc := quizzes.NewService(e.store, courseStore, crashing)
	app := apitest.New(t) // the same stores, through the crashing service
	app.DB = e.DB
	quizzes.NewHandler(svc).Register(app.API())
	learner := app.Token(t, lontar.Caller{UserID: "L1", Role: lontar.RoleLearner})

	const id = "0a1b2c3d-1111-4222-8333-444455556666"
	body := `{"attempt_id":"` + id + `","answers":{"q1":"a","q2":27500,"q3":"secret_short","q4":true,"q5":["a","b"]}}`
	crashing.crash = true
	if r := app.Do(t, "POST", "/api/v1/quizzes/hpp-quiz/attempts", learner, body); r.Status != 500 {
		t.Fatalf("crashed submission: %d %s", r.Status, r.Body)
	}
	if res := e.result(t, "hpp-quiz"); res.Attempts != 0 {
		t.Fatalf("recorded despite the crash: %+v", res)
	}
	r := app.Do(t, "POST", "/api/v1/quizzes/hpp-quiz/attempts", learner, body)
	if r.Status != 200 {
		t.Fatalf("replay: %d %s", r.Status, r.Body)
	}
	if res := e.result(t, "hpp-quiz"); res.Attempts != 1 || !res.Passed || res.BestScore != 100 {
		t.Fatalf("the replay did not record the attempt: %+v", res)
	}

	// The same through sync.
	const id2 = "0a1b2c3d-1111-4222-8333-444455556667"
	ev := lontar.SyncEvent{ID: id2, Type: "quiz_submitted", OccurredAt: time.Now().UTC(),
		Raw: json.RawMessage(`{"quiz_id":"hpp-quiz","answers":{"q1":"b"}}`)}
	caller := &lontar.Caller{UserID: "L1", Role: lontar.RoleLearner}
	crashing.crash = true
	if err := svc.ApplySync(context.Background(), caller, ev); err == nil {
		t.Fatal("the crash was not reported")
	}
	if err := svc.ApplySync(context.Background(), caller, ev); err != nil {
		t.Fatal(err)
	}
	if res := e.result(t, "hpp-quiz"); res.Attempts != 2 {
		t.Fatalf("the sync replay did not record the attempt: %+v", res)
	}
}

func TestQuizInputIsBounded(t *testing.T) {
	e := newEnv(t)
	big := strings.Repeat("Sei babi Kupang. ", 900*1024/17)
	withQuestion := func(q string) string {
		return `{"course_id":"c1","kind":"practice","title":{"id":"Kuis"},"questions":[` + q + `]}`
	}
	single := func(id, prompt, choiceID string) string {
		return fmt.Sprintf(`{"id":%q,"type":"single","prompt":{"id":%q},"choices":[{"id":%q,"text":{"id":"Ya"},"correct":true},{"id":"b","text":{"id":"Tidak"}}]}`,
			id, prompt, choiceID)
	}
	for _, tt := range []struct {
		name, body, field string
	}{
		{"900 KB prompt", withQuestion(single("q1", big, "a")), "questions.0.prompt.id"},
		{"5,000-character question id", withQuestion(single(strings.Repeat("q", 5000), "Apa?", "a")), "questions.0.id"},
		{"question id with HTML", withQuestion(single(`<img src=x onerror=alert(1)>`, "Apa?", "a")), "questions.0.id"},
		{"choice id with HTML", withQuestion(single("q1", "Apa?", `"><b>`)), "questions.0.choices.0.id"},
		{"choice id with a dot", withQuestion(single("q1", "Apa?", "a.b")), "questions.0.choices.0.id"},
		{"long title", `{"course_id":"c1","kind":"practice","title":{"id":"` + strings.Repeat("j", 201) + `"},"questions":[` + single("q1", "Apa?", "a") + `]}`, "title.id"},
		{"long choice text", withQuestion(`{"id":"q1","type":"single","prompt":{"id":"Apa?"},"choices":[{"id":"a","text":{"id":"` + strings.Repeat("x", 501) + `"},"correct":true},{"id":"b","text":{"id":"B"}}]}`), "questions.0.choices.0.text.id"},
		{"long feedback", withQuestion(`{"id":"q1","type":"true_false","prompt":{"id":"Apa?"},"answer":true,"feedback":{"id":"ok","en":"` + strings.Repeat("x", 2001) + `"}}`), "questions.0.feedback.en"},
		{"long accepted answer", withQuestion(`{"id":"q1","type":"short_answer","prompt":{"id":"Apa?"},"answer":["` + strings.Repeat("x", 501) + `"]}`), "questions.0.answer"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := e.Do(t, "POST", "/api/v1/quizzes", e.trainer, tt.body)
			var b struct {
				Error struct{ Fields map[string]string }
			}
			r.JSON(t, &b)
			if r.Status != 422 || b.Error.Fields[tt.field] == "" {
				t.Fatalf("%d, want 422 naming %s: %.300s", r.Status, tt.field, r.Body)
			}
		})
	}
	e.mustCreate(t)
	r := e.Do(t, "POST", "/api/v1/quizzes/hpp-quiz/attempts", e.learner, `{"answers":{"q1":"a","q3":"`+strings.Repeat("x", 3000)+`"}}`)
	if r.Status != 422 || !strings.Contains(string(r.Body), "answers.q3") {
		t.Fatalf("a 3 KB answer: %d %.300s", r.Status, r.Body)
	}
}

// A crash between inserting a quiz and adding it to its course's index:
// sending the create again repairs the index (and says the id is taken).
func TestReplayedCreateFinishesTheCourseIndex(t *testing.T) {
	e := newEnv(t)
	e.mustCreate(t)
	// What a kill between the two writes leaves: the quiz, no index entry.
	if _, err := e.DB.Collection("course_quizzes").DeleteMany(context.Background(), map[string]any{}); err != nil {
		t.Fatal(err)
	}
	if r := e.Do(t, "GET", "/api/v1/courses/c1/quizzes", e.trainer, nil); r.Status != 200 || strings.Contains(string(r.Body), "hpp-quiz") {
		t.Fatalf("before the replay: %d %s", r.Status, r.Body)
	}
	if r := e.Do(t, "POST", "/api/v1/quizzes", e.trainer, quizBody); r.Status != 409 {
		t.Fatalf("replayed create: %d %s", r.Status, r.Body)
	}
	r := e.Do(t, "GET", "/api/v1/courses/c1/quizzes", e.trainer, nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), "hpp-quiz") {
		t.Fatalf("the course's quizzes after the replay: %d %s", r.Status, r.Body)
	}
	if id, ok, err := e.store.FinalQuizID(context.Background(), "c1"); err != nil || !ok || id != "hpp-quiz" {
		t.Fatalf("final quiz after the replay: %q %v %v", id, ok, err)
	}
}

// A course has one final: the quiz whose pass completes it. A second final
// used to take the first one's place silently, so a learner who passed the
// quiz still listed as "final" got no certificate.
func TestOneFinalPerCourse(t *testing.T) {
	e := newEnv(t)
	e.mustCreate(t)
	second := strings.Replace(quizBody, `"hpp-quiz"`, `"hpp-final-2"`, 1)
	r := e.Do(t, "POST", "/api/v1/quizzes", e.trainer, second, "Accept-Language: en")
	if r.Status != 409 || !strings.Contains(string(r.Body), "hpp-quiz") {
		t.Fatalf("second final: %d %s", r.Status, r.Body)
	}
	gift := "::Q1:: Benar? {T}\n"
	if r := e.Do(t, "POST", "/api/v1/quizzes/import?format=gift&course_id=c1&kind=final", e.trainer, gift, "Content-Type: text/plain"); r.Status != 409 {
		t.Fatalf("second final by GIFT import: %d %s", r.Status, r.Body)
	}
	// Turning another quiz of the course into the final is refused too...
	practice := strings.Replace(second, `"kind":"final"`, `"kind":"practice"`, 1)
	if r := e.Do(t, "POST", "/api/v1/quizzes", e.trainer, practice); r.Status != 201 {
		t.Fatalf("practice quiz: %d %s", r.Status, r.Body)
	}
	if r := e.Do(t, "PUT", "/api/v1/quizzes/hpp-final-2", e.trainer, second); r.Status != 409 {
		t.Fatalf("practice made a second final: %d %s", r.Status, r.Body)
	}
	// ...while the final itself can be edited, and, once it is no longer
	// the final, another quiz can become it.
	if r := e.Do(t, "PUT", "/api/v1/quizzes/hpp-quiz", e.trainer, quizBody); r.Status != 200 {
		t.Fatalf("editing the final: %d %s", r.Status, r.Body)
	}
	posttest := strings.Replace(quizBody, `"kind":"final"`, `"kind":"posttest"`, 1)
	if r := e.Do(t, "PUT", "/api/v1/quizzes/hpp-quiz", e.trainer, posttest); r.Status != 200 {
		t.Fatalf("final to posttest: %d %s", r.Status, r.Body)
	}
	if r := e.Do(t, "PUT", "/api/v1/quizzes/hpp-final-2", e.trainer, second); r.Status != 200 {
		t.Fatalf("new final: %d %s", r.Status, r.Body)
	}
	if id, ok, err := e.store.FinalQuizID(context.Background(), "c1"); err != nil || !ok || id != "hpp-final-2" {
		t.Fatalf("final quiz: %q %v %v", id, ok, err)
	}
}
