package quizzes

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"lontar"
	"lontar/quizzes/gift"
)

// Problem is a GIFT question that could not be imported, with its line.
type Problem struct {
	Line   int    `json:"line"`
	Title  string `json:"title,omitempty"`
	Reason string `json:"reason"`
}

// FromGIFT turns parsed GIFT questions into quiz questions. Questions that
// parse but break Lontar's rules (e.g. two right answers to a single-choice
// question) become problems too, so the rest still imports.
func FromGIFT(qs []gift.Question) ([]Question, []Problem) {
	var out []Question
	var problems []Problem
	for _, g := range qs {
		q := Question{Name: g.Title, Prompt: lontar.T(g.Prompt, ""), Points: 1, Feedback: lontar.T(g.GeneralFeedback, "")}
		switch g.Type {
		case gift.Single, gift.Multiple:
			q.Type = TypeSingle
			if g.Type == gift.Multiple {
				q.Type = TypeMultiple
			}
			for _, c := range g.Choices {
				q.Choices = append(q.Choices, Choice{Text: lontar.T(c.Text, ""), Weight: c.Weight, Feedback: lontar.T(c.Feedback, "")})
			}
		case gift.TrueFalse:
			q.Type = TypeTrueFalse
			truth := g.Truth
			q.Truth = &truth
			if q.Feedback.IsZero() {
				// Lontar has one feedback for a true/false question: keep the
				// one GIFT shows for a wrong answer, which is the one that teaches.
				wrong := g.TrueFeedback
				if truth {
					wrong = g.FalseFeedback
				}
				q.Feedback = lontar.T(wrong, "")
			}
		case gift.Numeric:
			q.Type = TypeNumeric
			if len(g.Numeric) > 0 {
				n := g.Numeric[0]
				for _, alt := range g.Numeric {
					if alt.Weight >= 100 {
						n = alt
						break
					}
				}
				if n.IsRange {
					q.Numeric = &NumericAnswer{Min: n.Min, Max: n.Max}
				} else {
					q.Numeric = &NumericAnswer{Value: n.Value, Tolerance: n.Tolerance}
				}
			}
		case gift.ShortAnswer:
			q.Type = TypeShortAnswer
			q.Accepted = append([]string(nil), g.Accepted...)
		default:
			problems = append(problems, Problem{Line: g.Line, Title: g.Title, Reason: "unsupported question type " + string(g.Type)})
			continue
		}
		one := Quiz{Kind: KindPractice, Title: lontar.T("x", ""), Questions: []Question{q}}
		one.Normalize()
		if err := one.Validate(); err != nil {
			problems = append(problems, Problem{Line: g.Line, Title: g.Title, Reason: reasonOf(err)})
			continue
		}
		out = append(out, one.Questions[0])
	}
	for i := range out {
		out[i].ID = "q" + strconv.Itoa(i+1)
	}
	return out, problems
}

func reasonOf(err error) string {
	var e *lontar.Error
	if !errors.As(err, &e) {
		return "invalid question"
	}
	var parts []string
	for _, m := range e.Fields {
		parts = append(parts, m.In(lontar.LangEN))
	}
	if len(parts) == 0 {
		return e.Message.In(lontar.LangEN)
	}
	return strings.Join(parts, " ")
}

// ToGIFT writes the quiz as GIFT text in one language.
func ToGIFT(q *Quiz, lang lontar.Lang) ([]byte, error) {
	var qs []gift.Question
	for _, x := range q.Questions {
		g := gift.Question{Title: x.Name, Prompt: x.Prompt.In(lang), GeneralFeedback: x.Feedback.In(lang)}
		if g.Title == "" {
			g.Title = x.ID
		}
		switch x.Type {
		case TypeSingle, TypeMultiple:
			g.Type = gift.Single
			if x.Type == TypeMultiple {
				g.Type = gift.Multiple
			}
			for _, c := range x.Choices {
				g.Choices = append(g.Choices, gift.Choice{Text: c.Text.In(lang), Weight: c.Weight, Feedback: c.Feedback.In(lang)})
			}
		case TypeTrueFalse:
			g.Type = gift.TrueFalse
			if x.Truth != nil {
				g.Truth = *x.Truth
			}
		case TypeNumeric:
			g.Type = gift.Numeric
			if n := x.Numeric; n != nil {
				g.Numeric = []gift.NumericAnswer{{Value: n.Value, Tolerance: n.Tolerance, Min: n.Min, Max: n.Max, IsRange: n.IsRange(), Weight: 100}}
			}
		case TypeShortAnswer:
			g.Type = gift.ShortAnswer
			g.Accepted = x.Accepted
			g.AcceptedFeedback = make([]string, len(x.Accepted))
		}
		qs = append(qs, g)
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "// %s\n// Lontar quiz %s (%s), course %s\n\n", q.Title.In(lang), q.ID, q.Kind, q.CourseID)
	if err := gift.Write(&buf, qs); err != nil {
		return nil, fmt.Errorf("quizzes: write GIFT: %w", err)
	}
	return buf.Bytes(), nil
}

// ImportOptions are the quiz settings a GIFT file cannot carry.
type ImportOptions struct {
	CourseID, ModuleID, Kind, Title string
	PassMark                        float64
	MaxAttempts                     int
}

// Imported is the new quiz and what could not be imported.
type Imported struct {
	*Quiz
	Problems []Problem `json:"problems"`
}

// ImportGIFT creates a quiz from GIFT text. Unsupported or invalid questions
// are reported with their line numbers while the rest imports; a file with
// nothing usable is a validation error listing why.
func (s *Service) ImportGIFT(ctx context.Context, c *lontar.Caller, src string, o ImportOptions) (*Imported, error) {
	if _, err := s.canAuthor(ctx, c, o.CourseID); err != nil {
		return nil, err
	}
	parsed, problems := gift.Parse(src)
	var out []Problem
	for _, p := range problems {
		out = append(out, Problem{Line: p.Line, Title: p.Title, Reason: p.Reason})
	}
	qs, bad := FromGIFT(parsed)
	out = append(out, bad...)
	if len(qs) == 0 {
		fields := map[string]lontar.Text{"body": lontar.T("Tidak ada soal yang bisa diimpor dari berkas GIFT ini.",
			"No question in this GIFT file could be imported.")}
		for i, p := range out {
			if i == 20 {
				break
			}
			fields[fmt.Sprintf("line.%d", p.Line)] = lontar.T(p.Reason, p.Reason)
		}
		return nil, lontar.FieldErrors(fields)
	}
	title := o.Title
	if title == "" {
		title = "Kuis impor GIFT"
		if len(parsed) > 0 && parsed[0].Category != "" {
			title = parsed[0].Category
		}
	}
	q := &Quiz{CourseID: o.CourseID, ModuleID: o.ModuleID, Kind: o.Kind, Title: lontar.T(title, ""),
		PassMark: o.PassMark, MaxAttempts: o.MaxAttempts, Questions: qs}
	created, err := s.Create(ctx, c, q)
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []Problem{}
	}
	return &Imported{Quiz: created, Problems: out}, nil
}

// ExportGIFT returns the quiz as GIFT for its authors.
func (s *Service) ExportGIFT(ctx context.Context, c *lontar.Caller, id string, lang lontar.Lang) ([]byte, error) {
	q, err := s.store.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := s.canAuthor(ctx, c, q.CourseID); err != nil {
		return nil, err
	}
	return ToGIFT(q, lang)
}
