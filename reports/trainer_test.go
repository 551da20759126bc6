package reports

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"lontar"
	"lontar/internal/apitest"
	"lontar/internal/mongotest"
)

type phonebook map[string]lontar.Person

func (p phonebook) Person(_ context.Context, id string) (lontar.Person, error) {
	if v, ok := p[id]; ok {
		return v, nil
	}
	return lontar.Person{}, lontar.NotFound("Pengguna", "User")
}

// A trainer sees who needs help — idle for a week, failing the final
// twice, stuck on a lesson — with a WhatsApp link, and which questions
// their cohort finds hard and which wrong answer tempts it most.
func TestTrainerViewOfACohort(t *testing.T) {
	env := apitest.New(t)
	ctx := mongotest.Context(t)
	s := NewStore(env.DB, nil)
	s.now = func() time.Time { return testNow }
	people := phonebook{
		"idle":  {Name: "Ina Idle", Phone: "+6281200000001"},
		"fail":  {Name: "Fani Gagal", Phone: "+6281200000002"},
		"stuck": {Name: "Sisi Macet", Phone: "+6281200000003"},
		"good":  {Name: "Bagus Lancar", Phone: "+6281200000004"},
	}
	NewHandler(s, NewXAPI(s, "https://lontar.example", []byte("k")), NewTrainer(s, people)).Register(env.API())
	db := env.DB
	ins := func(coll string, doc bson.M) {
		t.Helper()
		if _, err := db.Collection(coll).InsertOne(ctx, doc); err != nil {
			t.Fatal(err)
		}
	}
	ins("cohorts", bson.M{"_id": "co1", "name": "Penenun Oesapa", "institution": "undana", "course_ids": bson.A{"jualan"},
		"members": bson.A{"idle", "fail", "stuck", "good"}})
	ins("courses", bson.M{"_id": "jualan", "title": bson.M{"id": "Jualan online", "en": "Selling online"},
		"modules": bson.A{bson.M{"id": "m1", "lessons": bson.A{
			bson.M{"id": "foto", "title": bson.M{"id": "Foto produk"}}, bson.M{"id": "harga", "title": bson.M{"id": "Menghitung harga"}},
			bson.M{"id": "kirim", "title": bson.M{"id": "Ongkos kirim"}}}}}})
	ins("course_quizzes", bson.M{"_id": "jualan", "quiz_ids": bson.A{"final1"}, "final_quiz_id": "final1"})
	truth := true
	ins("quizzes", bson.M{"_id": "final1", "kind": "final", "title": bson.M{"id": "Ujian akhir"}, "questions": bson.A{
		bson.M{"id": "q1", "type": "single", "prompt": bson.M{"id": "Potongan 10% dari Rp 500.000?"}, "choices": bson.A{
			bson.M{"id": "a", "text": bson.M{"id": "Rp 50.000"}, "correct": true},
			bson.M{"id": "b", "text": bson.M{"id": "Rp 5.000"}},
			bson.M{"id": "c", "text": bson.M{"id": "Rp 450.000"}}}},
		bson.M{"id": "q2", "type": "true_false", "prompt": bson.M{"id": "Cahaya alami lebih baik."}, "truth": truth},
	}})
	day := 24 * time.Hour
	enr := func(user string, lessons bson.M, active time.Time, results bson.M) {
		ins("enrollments", bson.M{"_id": user + ":jualan", "user_id": user, "course_id": "jualan", "cohort_ids": bson.A{"co1"},
			"completed_lessons": lessons, "quiz_results": results, "active_at": active, "created_at": testNow.Add(-30 * day)})
	}
	final := func(attempts int, passed bool) bson.M {
		return bson.M{"final1": bson.M{"quiz_id": "final1", "kind": "final", "attempts": attempts, "passed": passed}}
	}
	enr("idle", bson.M{"foto": testNow.Add(-10 * day)}, testNow.Add(-10*day), bson.M{})
	enr("fail", bson.M{"foto": testNow.Add(-day), "harga": testNow.Add(-day), "kirim": testNow.Add(-day)}, testNow.Add(-day), final(2, false))
	enr("stuck", bson.M{"foto": testNow.Add(-5 * day)}, testNow.Add(-day), final(1, false))
	enr("good", bson.M{"foto": testNow.Add(-day), "harga": testNow.Add(-day)}, testNow.Add(-day), final(1, true))
	attempt := func(user, id string, answers string, q1Right, q2Right bool) {
		ins("quiz_attempts", bson.M{"_id": user + ":" + id, "answers": []byte(answers), "results": bson.A{
			bson.M{"question_id": "q1", "correct": q1Right}, bson.M{"question_id": "q2", "correct": q2Right}}})
	}
	ins("quiz_counters", bson.M{"_id": "fail:final1", "attempt_ids": bson.A{"f1", "f2"}})
	attempt("fail", "f1", `{"q1":"c","q2":false}`, false, false)
	attempt("fail", "f2", `{"q1":"c","q2":true}`, false, true)
	ins("quiz_counters", bson.M{"_id": "stuck:final1", "attempt_ids": bson.A{"s1"}})
	attempt("stuck", "s1", `{"q1":"b","q2":true}`, false, true)
	ins("quiz_counters", bson.M{"_id": "good:final1", "attempt_ids": bson.A{"g1"}})
	attempt("good", "g1", `{"q1":"a","q2":true}`, true, true)

	undana := env.Token(t, lontar.Caller{UserID: "t1", Name: "Pak Yohanes", Role: lontar.RoleTrainer, Institution: "undana"})
	r := env.Do(t, "GET", "/api/v1/reports/cohorts/co1", undana, nil)
	var v CohortView
	r.JSON(t, &v)
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	reasons := map[string]string{}
	for _, h := range v.NeedsHelp {
		var codes []string
		for _, rs := range h.Reasons {
			codes = append(codes, rs.Code+":"+rs.Lesson)
		}
		reasons[h.Name] = strings.Join(codes, ",")
		if !strings.HasPrefix(h.WhatsAppURL, "https://wa.me/62812000000") {
			t.Errorf("%s: WhatsApp link %q", h.Name, h.WhatsAppURL)
		}
		if u, _ := url.Parse(h.WhatsAppURL); !strings.Contains(u.Query().Get("text"), "Pak Yohanes") {
			t.Errorf("%s: message %q does not say who writes", h.Name, u.Query().Get("text"))
		}
	}
	want := map[string]string{"Ina Idle": "inactive:", "Fani Gagal": "final_failed:", "Sisi Macet": "stuck:harga"}
	for name, w := range want {
		if reasons[name] != w {
			t.Errorf("%s: reasons %q, want %q", name, reasons[name], w)
		}
	}
	if _, ok := reasons["Bagus Lancar"]; ok || len(reasons) != 3 {
		t.Errorf("needs help: %v", reasons)
	}
	if len(v.Quizzes) != 1 || len(v.Quizzes[0].Questions) != 2 {
		t.Fatalf("quizzes: %+v", v.Quizzes)
	}
	q1, q2 := v.Quizzes[0].Questions[0], v.Quizzes[0].Questions[1]
	// First attempts: q1 right 1 of 3; q2 right 2 of 3. Wrong picks over
	// all attempts: c twice, b once; false once.
	if q1.Answered != 3 || *q1.FirstTryRight != 0.333 || q1.MostChosenWrong == nil || q1.MostChosenWrong.ChoiceID != "c" ||
		q1.MostChosenWrong.Count != 2 || q1.MostChosenWrong.Text != "Rp 450.000" {
		t.Errorf("q1 %+v %+v", q1, q1.MostChosenWrong)
	}
	if *q2.FirstTryRight != 0.667 || q2.MostChosenWrong == nil || q2.MostChosenWrong.ChoiceID != "false" {
		t.Errorf("q2 %+v %+v", q2, q2.MostChosenWrong)
	}

	for name, tok := range map[string]string{
		"other institution": env.Token(t, lontar.Caller{UserID: "t2", Role: lontar.RoleTrainer, Institution: "unkris"}),
		"agency":            env.Token(t, lontar.Caller{UserID: "a", Role: lontar.RoleAgency}),
		"learner":           env.Token(t, lontar.Caller{UserID: "good", Role: lontar.RoleLearner}),
	} {
		if r := env.Do(t, "GET", "/api/v1/reports/cohorts/co1", tok, nil); r.Status != 403 {
			t.Errorf("%s: %d", name, r.Status)
		}
	}
	if r := env.Do(t, "GET", "/api/v1/reports/cohorts/nope", undana, nil); r.Status != 404 {
		t.Errorf("unknown cohort: %d", r.Status)
	}
}
