package quizzes

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"unicode"

	"lontar"
)

// Result is how one question was graded.
type Result struct {
	QuestionID string      `json:"question_id" bson:"question_id"`
	Answered   bool        `json:"answered" bson:"answered"`
	Correct    bool        `json:"correct" bson:"correct"`   // full marks
	Fraction   float64     `json:"fraction" bson:"fraction"` // 0–1 of the points
	Points     float64     `json:"points" bson:"points"`
	Awarded    float64     `json:"awarded" bson:"awarded"`
	Feedback   lontar.Text `json:"feedback" bson:"feedback,omitempty"` // of the chosen answer(s)
	General    lontar.Text `json:"general_feedback" bson:"general,omitempty"`
}

// Graded is a whole attempt's outcome.
type Graded struct {
	Score   float64  `json:"score"` // percent, two decimals
	Passed  bool     `json:"passed"`
	Results []Result `json:"results"`
}

// MaxAnswerBytes bounds one answer as sent (it is stored with the attempt).
const MaxAnswerBytes = 2000

// Grade scores answers (question id → JSON answer) against the quiz. A
// question left out scores 0. An unknown question id, or an answer of the
// wrong type or naming a choice that does not exist, is a
// validation_failed error naming every such question: never a crash and
// never a silent zero.
func Grade(qz *Quiz, answers map[string]json.RawMessage) (Graded, error) {
	bad := map[string]lontar.Text{}
	byID := make(map[string]*Question, len(qz.Questions))
	for i := range qz.Questions {
		byID[qz.Questions[i].ID] = &qz.Questions[i]
	}
	for id, raw := range answers {
		switch _, ok := byID[id]; {
		case !ok:
			bad["answers."+id] = lontar.T("Soal ini tidak ada di kuis.", "No such question in this quiz.")
		case len(raw) > MaxAnswerBytes:
			bad["answers."+id] = lontar.T(fmt.Sprintf("Jawaban maksimal %d byte.", MaxAnswerBytes),
				fmt.Sprintf("An answer is at most %d bytes.", MaxAnswerBytes))
		}
	}
	var g Graded
	var total, earned float64
	answered := false
	for i := range qz.Questions {
		q := &qz.Questions[i]
		r := Result{QuestionID: q.ID, Points: q.Points, General: q.Feedback}
		raw, ok := answers[q.ID]
		if ok && !isNull(raw) && len(raw) <= MaxAnswerBytes {
			r.Answered = true
			answered = answered || !isBlank(raw)
			frac, fb, err := gradeOne(q, raw)
			if err != nil {
				bad["answers."+q.ID] = *err
			}
			r.Fraction, r.Feedback = frac, fb
		}
		r.Fraction = math.Max(0, math.Min(1, r.Fraction)) // negative weights floor at 0
		r.Correct = r.Fraction >= 1-1e-9
		r.Awarded = round2(q.Points * r.Fraction)
		total += q.Points
		earned += q.Points * r.Fraction
		g.Results = append(g.Results, r)
	}
	if !answered && len(bad) == 0 {
		// An empty form is a slip, not an attempt: it must not use one up.
		bad["answers"] = lontar.T("Jawab minimal satu soal sebelum mengirim.", "Answer at least one question before sending.")
	}
	if len(bad) > 0 {
		return Graded{}, lontar.FieldErrors(bad)
	}
	if total > 0 {
		g.Score = round2(100 * earned / total)
	}
	g.Passed = g.Score >= qz.PassMark
	return g, nil
}

// isBlank reports an answer that says nothing: null, "", [] or {}.
func isBlank(raw json.RawMessage) bool {
	switch string(bytes.Join(bytes.Fields(raw), nil)) {
	case "", "null", `""`, "[]", "{}":
		return true
	}
	return false
}

func isNull(raw json.RawMessage) bool {
	return len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null"
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

var (
	wantChoiceID   = lontar.T("Jawaban harus ID salah satu pilihan.", "The answer must be the id of one of the choices.")
	wantChoiceList = lontar.T("Jawaban harus daftar ID pilihan yang ada, tanpa ganda.",
		"The answer must be a list of existing choice ids, without repeats.")
	wantBool   = lontar.T("Jawaban harus true atau false.", "The answer must be true or false.")
	wantNumber = lontar.T("Jawaban harus berupa angka.", "The answer must be a number.")
	wantString = lontar.T("Jawaban harus berupa teks.", "The answer must be text.")
)

// gradeOne returns the fraction earned and the feedback to show, or the
// reason the answer cannot be graded.
func gradeOne(q *Question, raw json.RawMessage) (float64, lontar.Text, *lontar.Text) {
	switch q.Type {
	case TypeSingle:
		var id string
		if json.Unmarshal(raw, &id) != nil {
			return 0, lontar.Text{}, &wantChoiceID
		}
		c, ok := q.choice(id)
		if !ok {
			return 0, lontar.Text{}, &wantChoiceID
		}
		return c.Weight / 100, c.Feedback, nil
	case TypeMultiple:
		var ids []string
		if json.Unmarshal(raw, &ids) != nil {
			return 0, lontar.Text{}, &wantChoiceList
		}
		seen := map[string]bool{}
		sum := 0.0
		var fbID, fbEN []string
		for _, id := range ids {
			c, ok := q.choice(id)
			if !ok || seen[id] {
				return 0, lontar.Text{}, &wantChoiceList
			}
			seen[id] = true
			sum += c.Weight
			if !c.Feedback.IsZero() {
				fbID = append(fbID, c.Feedback.ID)
				fbEN = append(fbEN, c.Feedback.In(lontar.LangEN))
			}
		}
		return sum / 100, lontar.T(strings.Join(fbID, " "), strings.Join(fbEN, " ")), nil
	case TypeTrueFalse:
		var v bool
		if json.Unmarshal(raw, &v) != nil {
			return 0, lontar.Text{}, &wantBool
		}
		if q.Truth != nil && v == *q.Truth {
			return 1, lontar.Text{}, nil
		}
		return 0, lontar.Text{}, nil
	case TypeNumeric:
		var v float64
		if json.Unmarshal(raw, &v) != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, lontar.Text{}, &wantNumber
		}
		n := q.Numeric
		if n == nil {
			return 0, lontar.Text{}, nil
		}
		// A hair of slack so 0.1+0.2-style float noise never fails a
		// correct answer at the edge of the tolerance.
		eps := 1e-9 * math.Max(1, math.Abs(v))
		if n.IsRange() {
			if v >= n.Min-eps && v <= n.Max+eps {
				return 1, lontar.Text{}, nil
			}
			return 0, lontar.Text{}, nil
		}
		if math.Abs(v-n.Value) <= n.Tolerance+eps {
			return 1, lontar.Text{}, nil
		}
		return 0, lontar.Text{}, nil
	case TypeShortAnswer:
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return 0, lontar.Text{}, &wantString
		}
		got := normalizeShort(s)
		for _, a := range q.Accepted {
			if got != "" && got == normalizeShort(a) {
				return 1, lontar.Text{}, nil
			}
		}
		return 0, lontar.Text{}, nil
	}
	return 0, lontar.Text{}, nil
}

// normalizeShort folds case and collapses surrounding and repeated spaces,
// so "  Kode   QRIS " matches "kode qris".
func normalizeShort(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), unicode.IsSpace), " ")
}
