package quizzes_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"lontar"
	"lontar/quizzes"
)

// mustQuiz decodes an authoring JSON quiz, normalizes and validates it.
func mustQuiz(t testing.TB, src string) *quizzes.Quiz {
	t.Helper()
	var qz quizzes.Quiz
	if err := json.Unmarshal([]byte(src), &qz); err != nil {
		t.Fatal(err)
	}
	qz.Normalize()
	if err := qz.Validate(); err != nil {
		t.Fatalf("quiz invalid: %v", err)
	}
	return &qz
}

const gradingQuiz = `{"kind":"practice","title":{"id":"Uji"},"pass_mark":60,"questions":[
 {"id":"single","type":"single","points":2,"prompt":{"id":"Mana?"},"choices":[
   {"id":"a","text":{"id":"A"},"correct":true,"feedback":{"id":"Benar","en":"Right"}},
   {"id":"b","text":{"id":"B"},"feedback":{"id":"Salah karena…","en":"Wrong because…"}}]},
 {"id":"multi","type":"multiple","points":4,"prompt":{"id":"Pilih"},"choices":[
   {"id":"a","text":{"id":"A"},"weight":50},{"id":"b","text":{"id":"B"},"weight":50},
   {"id":"c","text":{"id":"C"},"weight":-100}]},
 {"id":"tf","type":"true_false","prompt":{"id":"Benar?"},"answer":false},
 {"id":"num","type":"numeric","prompt":{"id":"Berapa?"},"answer":{"value":12500,"tolerance":100}},
 {"id":"range","type":"numeric","prompt":{"id":"Rentang?"},"answer":{"min":20,"max":25}},
 {"id":"short","type":"short_answer","prompt":{"id":"Apa?"},"answer":["Kode QRIS","QRIS"]}
]}`

func TestGradeEachType(t *testing.T) {
	qz := mustQuiz(t, gradingQuiz)
	tests := []struct {
		name     string
		question string
		answer   string
		want     float64 // fraction
	}{
		{"single right", "single", `"a"`, 1},
		{"single wrong", "single", `"b"`, 0},
		{"multiple all right", "multi", `["a","b"]`, 1},
		{"multiple half", "multi", `["b"]`, 0.5},
		{"multiple order does not matter", "multi", `["b","a"]`, 1},
		{"multiple negative floors at zero", "multi", `["a","c"]`, 0},
		{"multiple everything ticked", "multi", `["a","b","c"]`, 0},
		{"multiple empty list", "multi", `[]`, 0},
		{"true_false right", "tf", `false`, 1},
		{"true_false wrong", "tf", `true`, 0},
		{"numeric exact", "num", `12500`, 1},
		{"numeric at upper tolerance", "num", `12600`, 1},
		{"numeric at lower tolerance", "num", `12400`, 1},
		{"numeric just outside", "num", `12600.01`, 0},
		{"numeric float noise at the edge", "num", `12599.999999999998`, 1},
		{"range lower bound", "range", `20`, 1},
		{"range upper bound", "range", `25`, 1},
		{"range outside", "range", `25.5`, 0},
		{"short exact", "short", `"QRIS"`, 1},
		{"short case and spaces", "short", `"  kode   qris "`, 1},
		{"short wrong", "short", `"kode batang"`, 0},
		{"short empty", "short", `""`, 0},
		{"null is unanswered", "single", `null`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// One other question answered: a form with no answer at all is
			// refused (TestGradeRefusesBlankForm).
			answers := map[string]json.RawMessage{"tf": json.RawMessage(`true`), tt.question: json.RawMessage(tt.answer)}
			if tt.question == "tf" {
				answers["num"] = json.RawMessage(`1`)
			}
			g, err := quizzes.Grade(qz, answers)
			if err != nil {
				t.Fatal(err)
			}
			var r quizzes.Result
			for _, x := range g.Results {
				if x.QuestionID == tt.question {
					r = x
				}
			}
			if r.Fraction != tt.want {
				t.Fatalf("fraction = %v, want %v", r.Fraction, tt.want)
			}
			if r.Correct != (tt.want == 1) {
				t.Fatalf("correct = %v", r.Correct)
			}
		})
	}
}

func TestGradeRefusesBlankForm(t *testing.T) {
	qz := mustQuiz(t, gradingQuiz)
	for _, answers := range []string{`null`, `{}`, `{"single":null}`, `{"short":"","multi":[]}`} {
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(answers), &m); err != nil {
			t.Fatal(err)
		}
		_, err := quizzes.Grade(qz, m)
		var e *lontar.Error
		if !errorsAs(err, &e) || e.Fields["answers"].ID == "" {
			t.Errorf("%s: %v", answers, err)
		}
	}
}

func TestGradeScoreAndFeedback(t *testing.T) {
	qz := mustQuiz(t, gradingQuiz)
	// 2 (single) + 2 of 4 (multi, half) + 1 (tf) + 0 (num) + 1 (range) + 1 (short) = 7 of 10.
	g, err := quizzes.Grade(qz, map[string]json.RawMessage{
		"single": json.RawMessage(`"a"`), "multi": json.RawMessage(`["a"]`), "tf": json.RawMessage(`false`),
		"num": json.RawMessage(`1`), "range": json.RawMessage(`22`), "short": json.RawMessage(`"qris"`),
	})
	if err != nil {
		t.Fatal(err)
	}
	if g.Score != 70 || !g.Passed {
		t.Fatalf("score %v passed %v, want 70 true", g.Score, g.Passed)
	}
	if g.Results[0].Feedback.In(lontar.LangEN) != "Right" || g.Results[1].Awarded != 2 {
		t.Fatalf("results: %+v", g.Results[:2])
	}
	none, _ := quizzes.Grade(qz, nil)
	if none.Score != 0 || none.Passed {
		t.Fatalf("empty attempt: %+v", none)
	}
}

func TestGradeRejectsBadAnswersNamingThem(t *testing.T) {
	qz := mustQuiz(t, gradingQuiz)
	_, err := quizzes.Grade(qz, map[string]json.RawMessage{
		"single": json.RawMessage(`"z"`),      // no such choice
		"multi":  json.RawMessage(`"a"`),      // not a list
		"tf":     json.RawMessage(`"true"`),   // a string, not a bool
		"num":    json.RawMessage(`"12.500"`), // a string, not a number
		"short":  json.RawMessage(`42`),
		"nope":   json.RawMessage(`1`), // unknown question
		"range":  json.RawMessage(`22`),
	})
	var e *lontar.Error
	if !errorsAs(err, &e) || e.Code != lontar.EInvalid {
		t.Fatalf("err = %v, want validation_failed", err)
	}
	for _, k := range []string{"answers.single", "answers.multi", "answers.tf", "answers.num", "answers.short", "answers.nope"} {
		if _, ok := e.Fields[k]; !ok {
			t.Errorf("fields lack %s: %v", k, e.Fields)
		}
	}
	if _, ok := e.Fields["answers.range"]; ok {
		t.Error("a good answer was reported as bad")
	}
	_, err = quizzes.Grade(qz, map[string]json.RawMessage{"multi": json.RawMessage(`["a","a"]`)})
	if lontar.ErrorCode(err) != lontar.EInvalid {
		t.Fatalf("repeated choice: %v", err)
	}
}

func errorsAs(err error, target **lontar.Error) bool {
	e, ok := err.(*lontar.Error)
	if ok {
		*target = e
	}
	return ok
}

func TestValidateQuiz(t *testing.T) {
	tests := []struct {
		name, question, field string
	}{
		{"single with two correct", `{"id":"q","type":"single","prompt":{"id":"p"},"choices":[{"text":{"id":"a"},"correct":true},{"text":{"id":"b"},"correct":true}]}`, "questions.0.choices"},
		{"single with none correct", `{"id":"q","type":"single","prompt":{"id":"p"},"choices":[{"text":{"id":"a"}},{"text":{"id":"b"}}]}`, "questions.0.choices"},
		{"single with one choice", `{"id":"q","type":"single","prompt":{"id":"p"},"choices":[{"text":{"id":"a"},"correct":true}]}`, "questions.0.choices"},
		{"multiple weights not 100", `{"id":"q","type":"multiple","prompt":{"id":"p"},"choices":[{"text":{"id":"a"},"weight":50},{"text":{"id":"b"},"weight":-50}]}`, "questions.0.choices"},
		{"weight beyond 100", `{"id":"q","type":"multiple","prompt":{"id":"p"},"choices":[{"text":{"id":"a"},"weight":150},{"text":{"id":"b"},"weight":-50}]}`, "questions.0.choices.0.weight"},
		{"duplicate choice ids", `{"id":"q","type":"single","prompt":{"id":"p"},"choices":[{"id":"a","text":{"id":"a"},"correct":true},{"id":"a","text":{"id":"b"}}]}`, "questions.0.choices.1.id"},
		{"true_false without answer", `{"id":"q","type":"true_false","prompt":{"id":"p"}}`, "questions.0.answer"},
		{"true_false with a string", `{"id":"q","type":"true_false","prompt":{"id":"p"},"answer":"yes"}`, "questions.0.answer"},
		{"numeric without answer", `{"id":"q","type":"numeric","prompt":{"id":"p"}}`, "questions.0.answer"},
		{"numeric negative tolerance", `{"id":"q","type":"numeric","prompt":{"id":"p"},"answer":{"value":1,"tolerance":-1}}`, "questions.0.answer.tolerance"},
		{"numeric inverted range", `{"id":"q","type":"numeric","prompt":{"id":"p"},"answer":{"min":5,"max":1}}`, "questions.0.answer"},
		{"short answer empty", `{"id":"q","type":"short_answer","prompt":{"id":"p"},"answer":["  "]}`, "questions.0.answer"},
		{"unknown type", `{"id":"q","type":"essay","prompt":{"id":"p"}}`, "questions.0.type"},
		{"missing prompt", `{"id":"q","type":"true_false","answer":true}`, "questions.0.prompt.id"},
		{"negative points", `{"id":"q","type":"true_false","prompt":{"id":"p"},"answer":true,"points":-1}`, "questions.0.points"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var qz quizzes.Quiz
			src := fmt.Sprintf(`{"kind":"practice","title":{"id":"T"},"pass_mark":50,"questions":[%s]}`, tt.question)
			if err := json.Unmarshal([]byte(src), &qz); err != nil {
				t.Fatal(err)
			}
			qz.Normalize()
			err := qz.Validate()
			var e *lontar.Error
			if !errorsAs(err, &e) {
				t.Fatalf("err = %v, want a validation error", err)
			}
			if _, ok := e.Fields[tt.field]; !ok {
				t.Fatalf("fields = %v, want %s", e.Fields, tt.field)
			}
			if e.Fields[tt.field].EN == "" || e.Fields[tt.field].ID == "" {
				t.Fatalf("message not in both languages: %+v", e.Fields[tt.field])
			}
		})
	}
	var dup quizzes.Quiz
	_ = json.Unmarshal([]byte(`{"kind":"exam","title":{"id":"T"},"pass_mark":101,"questions":[
	 {"id":"q","type":"true_false","prompt":{"id":"p"},"answer":true},{"id":"q","type":"true_false","prompt":{"id":"p"},"answer":true}]}`), &dup)
	dup.Normalize()
	e, _ := dup.Validate().(*lontar.Error)
	for _, k := range []string{"kind", "pass_mark", "questions.1.id"} {
		if e == nil || e.Fields[k].ID == "" {
			t.Errorf("want a message for %s, got %v", k, e)
		}
	}
}

func BenchmarkGrade20(b *testing.B) {
	var qs []string
	answers := map[string]json.RawMessage{}
	for i := range 20 {
		id := fmt.Sprintf("q%d", i)
		switch i % 5 {
		case 0:
			qs = append(qs, `{"id":"`+id+`","type":"single","prompt":{"id":"p"},"choices":[{"id":"a","text":{"id":"a"},"correct":true},{"id":"b","text":{"id":"b"}},{"id":"c","text":{"id":"c"}}]}`)
			answers[id] = json.RawMessage(`"a"`)
		case 1:
			qs = append(qs, `{"id":"`+id+`","type":"multiple","prompt":{"id":"p"},"choices":[{"id":"a","text":{"id":"a"},"weight":50},{"id":"b","text":{"id":"b"},"weight":50},{"id":"c","text":{"id":"c"},"weight":-100}]}`)
			answers[id] = json.RawMessage(`["a","b"]`)
		case 2:
			qs = append(qs, `{"id":"`+id+`","type":"true_false","prompt":{"id":"p"},"answer":true}`)
			answers[id] = json.RawMessage(`true`)
		case 3:
			qs = append(qs, `{"id":"`+id+`","type":"numeric","prompt":{"id":"p"},"answer":{"value":12500,"tolerance":50}}`)
			answers[id] = json.RawMessage(`12510`)
		case 4:
			qs = append(qs, `{"id":"`+id+`","type":"short_answer","prompt":{"id":"p"},"answer":["kode qris","qris"]}`)
			answers[id] = json.RawMessage(`" QRIS "`)
		}
	}
	qz := mustQuiz(b, `{"kind":"final","title":{"id":"T"},"pass_mark":70,"questions":[`+strings.Join(qs, ",")+`]}`)
	b.ReportAllocs()
	for b.Loop() {
		g, err := quizzes.Grade(qz, answers)
		if err != nil || g.Score != 100 {
			b.Fatal(err, g.Score)
		}
	}
}

func TestAnswerInWords(t *testing.T) {
	yes, no := true, false
	tests := []struct {
		name string
		q    quizzes.Question
		lang lontar.Lang
		want string
	}{
		{"single", quizzes.Question{Type: quizzes.TypeSingle, Choices: []quizzes.Choice{{Text: lontar.T("Malam", "Night")}, {Text: lontar.T("Siang", "Noon"), Correct: true}}}, lontar.LangID, "Siang"},
		{"multiple in English", quizzes.Question{Type: quizzes.TypeMultiple, Choices: []quizzes.Choice{{Text: lontar.T("QRIS", "QRIS"), Weight: 50}, {Text: lontar.T("Tunai", "Cash"), Weight: 50}, {Text: lontar.T("Utang", "Debt"), Weight: -100}}}, lontar.LangEN, "QRIS; Cash"},
		{"true", quizzes.Question{Type: quizzes.TypeTrueFalse, Truth: &yes}, lontar.LangID, "Benar"},
		{"false in English", quizzes.Question{Type: quizzes.TypeTrueFalse, Truth: &no}, lontar.LangEN, "False"},
		{"rupiah", quizzes.Question{Type: quizzes.TypeNumeric, Numeric: &quizzes.NumericAnswer{Value: 470000}}, lontar.LangID, "470.000"},
		{"tolerance in English", quizzes.Question{Type: quizzes.TypeNumeric, Numeric: &quizzes.NumericAnswer{Value: 2.5, Tolerance: 0.25}}, lontar.LangEN, "2.5 (± 0.25)"},
		{"decimal in Indonesian", quizzes.Question{Type: quizzes.TypeNumeric, Numeric: &quizzes.NumericAnswer{Value: 1234.5}}, lontar.LangID, "1.234,5"},
		{"short answer", quizzes.Question{Type: quizzes.TypeShortAnswer, Accepted: []string{"HPP", "harga pokok penjualan"}}, lontar.LangID, "HPP"},
	}
	for _, tt := range tests {
		if got := tt.q.AnswerInWords(tt.lang); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}
