// Package quizzes holds quizzes, their fair server-side grading, learners'
// attempts, offline submission and Moodle GIFT import and export.
package quizzes

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"lontar"
)

// Quiz kinds: practice quizzes teach; the pretest and the posttest (or the
// final) measure learning gain; passing the final completes a course.
const (
	KindPractice = "practice"
	KindPretest  = "pretest"
	KindPosttest = "posttest"
	KindFinal    = "final"
)

// Kinds lists the quiz kinds.
var Kinds = []string{KindPractice, KindPretest, KindPosttest, KindFinal}

// Graded reports whether the quiz is a graded test (posttest or final),
// whose answers and feedback stay hidden while they could help a retry.
func (qz *Quiz) Graded() bool { return qz.Kind == KindPosttest || qz.Kind == KindFinal }

// Question types.
const (
	TypeSingle      = "single"
	TypeMultiple    = "multiple"
	TypeTrueFalse   = "true_false"
	TypeNumeric     = "numeric"
	TypeShortAnswer = "short_answer"
)

// Types lists the question types.
var Types = []string{TypeSingle, TypeMultiple, TypeTrueFalse, TypeNumeric, TypeShortAnswer}

// Quiz is one quiz of a course, stored as one document.
type Quiz struct {
	ID          string      `json:"id" bson:"_id"`
	CourseID    string      `json:"course_id" bson:"course_id"`
	ModuleID    string      `json:"module_id,omitempty" bson:"module_id,omitempty"`
	Institution string      `json:"institution" bson:"institution"`
	Kind        string      `json:"kind" bson:"kind"`
	Title       lontar.Text `json:"title" bson:"title"`
	PassMark    float64     `json:"pass_mark" bson:"pass_mark"`       // percent
	MaxAttempts int         `json:"max_attempts" bson:"max_attempts"` // 0 = unlimited
	Shuffle     bool        `json:"shuffle" bson:"shuffle"`
	Questions   []Question  `json:"questions" bson:"questions"`
	Seeded      bool        `json:"-" bson:"seeded,omitempty"`
	CreatedBy   string      `json:"created_by,omitempty" bson:"created_by,omitempty"`
	CreatedAt   time.Time   `json:"created_at" bson:"created_at"`
	UpdatedAt   time.Time   `json:"updated_at" bson:"updated_at"`
}

// Question is one question. Which answer fields matter depends on Type:
// Choices for single and multiple, Truth for true_false, Numeric for
// numeric, Accepted for short_answer. In JSON the last three are the one
// field `answer`, as the contract writes it.
type Question struct {
	ID       string      `json:"id" bson:"id"`
	Name     string      `json:"name,omitempty" bson:"name,omitempty"` // GIFT's ::title::
	Type     string      `json:"type" bson:"type"`
	Prompt   lontar.Text `json:"prompt" bson:"prompt"`
	Points   float64     `json:"points" bson:"points"`
	Choices  []Choice    `json:"choices,omitempty" bson:"choices,omitempty"`
	Feedback lontar.Text `json:"feedback,omitzero" bson:"feedback,omitempty"`

	Truth    *bool          `json:"-" bson:"truth,omitempty"`
	Numeric  *NumericAnswer `json:"-" bson:"numeric,omitempty"`
	Accepted []string       `json:"-" bson:"accepted,omitempty"`

	badAnswer bool // set when decoding met an answer of the wrong shape
}

// Choice is one option of a single or multiple choice question. Weight is
// the percentage of the question's points it earns (GIFT's %n%); negative
// weights penalise wrong picks in multiple choice.
type Choice struct {
	ID       string      `json:"id" bson:"id"`
	Text     lontar.Text `json:"text" bson:"text"`
	Correct  bool        `json:"correct" bson:"correct"`
	Weight   float64     `json:"weight" bson:"weight"`
	Feedback lontar.Text `json:"feedback,omitzero" bson:"feedback,omitempty"`
}

// NumericAnswer is a value with a tolerance, or a range when Min < Max.
type NumericAnswer struct {
	Value     float64 `json:"value" bson:"value"`
	Tolerance float64 `json:"tolerance" bson:"tolerance"`
	Min       float64 `json:"min,omitempty" bson:"min,omitempty"`
	Max       float64 `json:"max,omitempty" bson:"max,omitempty"`
}

// IsRange reports whether the answer is a range.
func (n NumericAnswer) IsRange() bool { return n.Max > n.Min }

type questionJSON struct {
	ID       string          `json:"id"`
	Name     string          `json:"name,omitempty"`
	Type     string          `json:"type"`
	Prompt   lontar.Text     `json:"prompt"`
	Points   float64         `json:"points"`
	Choices  []Choice        `json:"choices,omitempty"`
	Feedback lontar.Text     `json:"feedback,omitzero"`
	Answer   json.RawMessage `json:"answer,omitempty"`
}

// MarshalJSON writes the authoring form, with `answer` by type.
func (q Question) MarshalJSON() ([]byte, error) {
	j := questionJSON{ID: q.ID, Name: q.Name, Type: q.Type, Prompt: q.Prompt, Points: q.Points, Choices: q.Choices, Feedback: q.Feedback}
	var ans any
	switch q.Type {
	case TypeTrueFalse:
		if q.Truth != nil {
			ans = *q.Truth
		}
	case TypeNumeric:
		if q.Numeric != nil {
			if q.Numeric.IsRange() {
				ans = map[string]float64{"min": q.Numeric.Min, "max": q.Numeric.Max}
			} else {
				ans = map[string]float64{"value": q.Numeric.Value, "tolerance": q.Numeric.Tolerance}
			}
		}
	case TypeShortAnswer:
		ans = q.Accepted
	}
	if ans != nil {
		b, err := json.Marshal(ans)
		if err != nil {
			return nil, err
		}
		j.Answer = b
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads the authoring form. An answer of the wrong shape is
// kept as a validation problem rather than failing the whole body, so the
// author learns which question is wrong.
func (q *Question) UnmarshalJSON(b []byte) error {
	var j questionJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*q = Question{ID: j.ID, Name: j.Name, Type: j.Type, Prompt: j.Prompt, Points: j.Points, Choices: j.Choices, Feedback: j.Feedback}
	if len(j.Answer) == 0 || string(j.Answer) == "null" {
		return nil
	}
	bad := func() error { q.Accepted = nil; q.Truth = nil; q.Numeric = nil; q.badAnswer = true; return nil }
	switch j.Type {
	case TypeTrueFalse:
		var v bool
		if json.Unmarshal(j.Answer, &v) != nil {
			return bad()
		}
		q.Truth = &v
	case TypeNumeric:
		var v struct{ Value, Tolerance, Min, Max *float64 }
		if json.Unmarshal(j.Answer, &v) != nil {
			return bad()
		}
		n := &NumericAnswer{}
		switch {
		case v.Min != nil && v.Max != nil && v.Value == nil:
			n.Min, n.Max = *v.Min, *v.Max
			if n.Max <= n.Min {
				return bad()
			}
		case v.Value != nil && v.Min == nil && v.Max == nil:
			n.Value = *v.Value
			if v.Tolerance != nil {
				n.Tolerance = *v.Tolerance
			}
		default:
			return bad()
		}
		q.Numeric = n
	case TypeShortAnswer:
		if json.Unmarshal(j.Answer, &q.Accepted) != nil {
			return bad()
		}
	default:
		return bad()
	}
	return nil
}

// choice returns the choice with id.
func (q *Question) choice(id string) (*Choice, bool) {
	for i := range q.Choices {
		if q.Choices[i].ID == id {
			return &q.Choices[i], true
		}
	}
	return nil, false
}

// Normalize fills defaults before validation: points 1, server-made ids
// for questions and choices that have none, weights from `correct` flags.
func (qz *Quiz) Normalize() {
	for i := range qz.Questions {
		q := &qz.Questions[i]
		if q.ID == "" {
			q.ID = fmt.Sprintf("q%d", i+1)
		}
		if q.Points == 0 {
			q.Points = 1
		}
		for j := range q.Choices {
			if q.Choices[j].ID == "" {
				q.Choices[j].ID = string(rune('a' + j%26))
				if j >= 26 {
					q.Choices[j].ID += fmt.Sprint(j / 26)
				}
			}
		}
		switch q.Type {
		case TypeSingle:
			for j := range q.Choices {
				c := &q.Choices[j]
				if c.Correct && c.Weight == 0 {
					c.Weight = 100
				}
				c.Correct = c.Weight >= 100
			}
		case TypeMultiple:
			hasWeights := slices.ContainsFunc(q.Choices, func(c Choice) bool { return c.Weight != 0 })
			if !hasWeights {
				// Only flags given: the right picks share the points and each
				// wrong pick takes away one right pick's share, so ticking
				// everything earns nothing.
				n := 0
				for _, c := range q.Choices {
					if c.Correct {
						n++
					}
				}
				if n > 0 {
					share := 100 / float64(n)
					for j := range q.Choices {
						if q.Choices[j].Correct {
							q.Choices[j].Weight = share
						} else {
							q.Choices[j].Weight = -share
						}
					}
				}
			}
			for j := range q.Choices {
				q.Choices[j].Correct = q.Choices[j].Weight > 0
			}
		}
	}
}

// Bounds of a quiz's texts, in bytes per language, like the courses'.
const (
	MaxTitleBytes    = 200
	MaxPromptBytes   = 4000
	MaxFeedbackBytes = 2000
	MaxChoiceBytes   = 500
	MaxChoices       = 20
)

// ItemIDPattern is the one pattern of question and choice ids (and a
// quiz's module id): short, plain, safe in a URL, a CSS selector and HTML.
var ItemIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$`)

const (
	idRuleID = "ID: 1–40 huruf, angka, garis bawah atau tanda hubung, diawali huruf atau angka."
	idRuleEN = "Id: 1–40 letters, digits, underscores or dashes, starting with a letter or digit."
)

func tooLong(max int) (string, string) {
	return fmt.Sprintf("Maksimal %d byte.", max), fmt.Sprintf("At most %d bytes.", max)
}

// bound reports either language of t longer than max bytes.
func bound(add func(path, id, en string), path string, t lontar.Text, max int) {
	if len(t.ID) > max {
		id, en := tooLong(max)
		add(path+".id", id, en)
	}
	if len(t.EN) > max {
		id, en := tooLong(max)
		add(path+".en", id, en)
	}
}

// Validate checks what struct tags cannot: ids unique, one correct choice
// for single, weights that add up for multiple, an answer of the right
// shape for every type. Messages are keyed by JSON path.
func (qz *Quiz) Validate() error {
	f := map[string]lontar.Text{}
	add := func(path, id, en string) {
		if _, ok := f[path]; !ok {
			f[path] = lontar.T(id, en)
		}
	}
	if !slices.Contains(Kinds, qz.Kind) {
		add("kind", "Jenis kuis harus practice, pretest, posttest atau final.", "Kind must be practice, pretest, posttest or final.")
	}
	if strings.TrimSpace(qz.Title.ID) == "" {
		add("title.id", "Judul (Bahasa Indonesia) wajib diisi.", "Title (Indonesian) is required.")
	}
	bound(add, "title", qz.Title, MaxTitleBytes)
	if qz.ModuleID != "" && !ItemIDPattern.MatchString(qz.ModuleID) {
		add("module_id", idRuleID, idRuleEN)
	}
	if qz.PassMark < 0 || qz.PassMark > 100 || math.IsNaN(qz.PassMark) {
		add("pass_mark", "Nilai lulus harus 0–100.", "Pass mark must be 0–100.")
	}
	if qz.MaxAttempts < 0 {
		add("max_attempts", "Batas percobaan tidak boleh negatif (0 = tanpa batas).", "Max attempts cannot be negative (0 = unlimited).")
	}
	if len(qz.Questions) == 0 {
		add("questions", "Kuis harus punya minimal satu soal.", "A quiz needs at least one question.")
	}
	if len(qz.Questions) > 200 {
		add("questions", "Maksimal 200 soal per kuis.", "At most 200 questions per quiz.")
	}
	seen := map[string]bool{}
	for i, q := range qz.Questions {
		p := fmt.Sprintf("questions.%d", i)
		switch {
		case !ItemIDPattern.MatchString(q.ID):
			add(p+".id", idRuleID, idRuleEN)
		case seen[q.ID]:
			add(p+".id", "ID soal sudah dipakai: "+q.ID, "Duplicate question id: "+q.ID)
		}
		seen[q.ID] = true
		if len(q.Name) > MaxTitleBytes {
			id, en := tooLong(MaxTitleBytes)
			add(p+".name", id, en)
		}
		bound(add, p+".prompt", q.Prompt, MaxPromptBytes)
		bound(add, p+".feedback", q.Feedback, MaxFeedbackBytes)
		if strings.TrimSpace(q.Prompt.ID) == "" {
			add(p+".prompt.id", "Pertanyaan (Bahasa Indonesia) wajib diisi.", "Prompt (Indonesian) is required.")
		}
		if q.Points <= 0 || q.Points > 100 || math.IsNaN(q.Points) {
			add(p+".points", "Poin harus lebih dari 0 dan paling banyak 100.", "Points must be above 0 and at most 100.")
		}
		validateQuestion(q, p, add)
	}
	if len(f) > 0 {
		return lontar.FieldErrors(f)
	}
	return nil
}

func validateQuestion(q Question, p string, add func(path, id, en string)) {
	if q.badAnswer {
		add(p+".answer", "Bentuk jawaban tidak sesuai jenis soal.", "The answer does not fit the question type.")
		return
	}
	switch q.Type {
	case TypeSingle, TypeMultiple:
		if len(q.Choices) < 2 {
			add(p+".choices", "Minimal dua pilihan.", "At least two choices.")
			return
		}
		if len(q.Choices) > MaxChoices {
			add(p+".choices", fmt.Sprintf("Maksimal %d pilihan.", MaxChoices), fmt.Sprintf("At most %d choices.", MaxChoices))
			return
		}
		ids := map[string]bool{}
		correct, positive := 0, 0.0
		for j, c := range q.Choices {
			cp := fmt.Sprintf("%s.choices.%d", p, j)
			switch {
			case !ItemIDPattern.MatchString(c.ID):
				add(cp+".id", idRuleID, idRuleEN)
			case ids[c.ID]:
				add(cp+".id", "ID pilihan sudah dipakai: "+c.ID, "Duplicate choice id: "+c.ID)
			}
			ids[c.ID] = true
			bound(add, cp+".text", c.Text, MaxChoiceBytes)
			bound(add, cp+".feedback", c.Feedback, MaxFeedbackBytes)
			if strings.TrimSpace(c.Text.ID) == "" {
				add(cp+".text.id", "Teks pilihan wajib diisi.", "Choice text is required.")
			}
			if c.Weight < -100 || c.Weight > 100 || math.IsNaN(c.Weight) {
				add(cp+".weight", "Bobot harus antara -100 dan 100.", "Weight must be between -100 and 100.")
			}
			if c.Weight >= 100 {
				correct++
			}
			if c.Weight > 0 {
				positive += c.Weight
			}
		}
		if q.Type == TypeSingle && correct != 1 {
			add(p+".choices", "Soal pilihan tunggal harus punya tepat satu jawaban benar.", "A single-choice question needs exactly one correct choice.")
		}
		if q.Type == TypeMultiple && math.Abs(positive-100) > 0.1 {
			add(p+".choices", "Bobot pilihan benar harus berjumlah 100%.", "The weights of the right choices must add up to 100%.")
		}
	case TypeTrueFalse:
		if q.Truth == nil {
			add(p+".answer", "Jawaban benar/salah wajib diisi (true atau false).", "The answer (true or false) is required.")
		}
	case TypeNumeric:
		switch {
		case q.Numeric == nil:
			add(p+".answer", "Jawaban angka wajib diisi: {value, tolerance} atau {min, max}.", "A numeric answer is required: {value, tolerance} or {min, max}.")
		case q.Numeric.Tolerance < 0:
			add(p+".answer.tolerance", "Toleransi tidak boleh negatif.", "Tolerance cannot be negative.")
		}
	case TypeShortAnswer:
		ok := len(q.Accepted) > 0
		for _, a := range q.Accepted {
			if normalizeShort(a) == "" {
				ok = false
			}
			if len(a) > MaxChoiceBytes {
				id, en := tooLong(MaxChoiceBytes)
				add(p+".answer", id, en)
			}
		}
		if len(q.Accepted) > MaxChoices {
			add(p+".answer", fmt.Sprintf("Maksimal %d jawaban yang diterima.", MaxChoices), fmt.Sprintf("At most %d accepted answers.", MaxChoices))
		}
		if !ok {
			add(p+".answer", "Isi minimal satu jawaban yang diterima, tanpa yang kosong.", "Give at least one accepted answer, none empty.")
		}
	default:
		add(p+".type", "Jenis soal harus single, multiple, true_false, numeric atau short_answer.",
			"Type must be single, multiple, true_false, numeric or short_answer.")
	}
}

// AnswerInWords says a question's right answer as a learner reads it:
// the right choices' texts, Benar or Salah, the number (with its
// tolerance), or the first accepted answer.
func (q *Question) AnswerInWords(lang lontar.Lang) string {
	switch q.Type {
	case TypeSingle, TypeMultiple:
		var right []string
		for _, c := range q.Choices {
			if c.Correct || c.Weight > 0 {
				right = append(right, c.Text.In(lang))
			}
		}
		return strings.Join(right, "; ")
	case TypeTrueFalse:
		if q.Truth == nil {
			return ""
		}
		if *q.Truth {
			return lontar.T("Benar", "True").In(lang)
		}
		return lontar.T("Salah", "False").In(lang)
	case TypeNumeric:
		if q.Numeric == nil {
			return ""
		}
		n := q.Numeric
		if n.Min != 0 || n.Max != 0 {
			return formatNumber(n.Min, lang) + " – " + formatNumber(n.Max, lang)
		}
		if n.Tolerance > 0 {
			return formatNumber(n.Value, lang) + " (± " + formatNumber(n.Tolerance, lang) + ")"
		}
		return formatNumber(n.Value, lang)
	case TypeShortAnswer:
		if len(q.Accepted) > 0 {
			return q.Accepted[0]
		}
	}
	return ""
}

// formatNumber writes v as the reader writes numbers: 470.000 and 2,5 in
// Indonesian, 470,000 and 2.5 in English.
func formatNumber(v float64, lang lontar.Lang) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', -1, 64)
	whole, frac, _ := strings.Cut(s, ".")
	group, point := ".", ","
	if lang == lontar.LangEN {
		group, point = ",", "."
	}
	var b strings.Builder
	if v < 0 {
		b.WriteByte('-')
	}
	for i, d := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(d)
	}
	if frac != "" {
		b.WriteString(point + frac)
	}
	return b.String()
}
