package quizzes_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"lontar/courses"
	"lontar/quizzes"
)

// The seeded assessments must measure learning: the pretest and the final
// (or posttest) are parallel forms of the same skills, practice quizzes do
// not leak test items, and no numeric item reuses an amount a
// learner can copy from a lesson.
func TestSeededQuizzesAreParallelForms(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.svc.Seed(ctx); err != nil {
		t.Fatal(err)
	}
	seeded, _, err := courses.Curriculum()
	if err != nil {
		t.Fatal(err)
	}
	for id, course := range seeded {
		t.Run(id, func(t *testing.T) {
			qs, err := e.store.ForCourse(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			var pre, post *quizzes.Quiz
			practice := map[string]bool{}
			for _, q := range qs {
				switch q.Kind {
				case quizzes.KindPretest:
					pre = q
				case quizzes.KindFinal, quizzes.KindPosttest:
					post = q
				case quizzes.KindPractice:
					practice[q.ModuleID] = true
				}
			}
			if pre == nil || post == nil {
				t.Fatalf("want a pretest and a final, got %d quizzes", len(qs))
			}
			for _, m := range course.Modules {
				if !practice[m.ID] {
					t.Errorf("module %s has no practice quiz", m.ID)
				}
			}
			checkParallel(t, pre, post)

			tested := map[string]string{}
			for _, q := range []*quizzes.Quiz{pre, post} {
				for _, qq := range q.Questions {
					for _, p := range []string{qq.Prompt.ID, qq.Prompt.EN} {
						tested[normPrompt(p)] = q.ID + "/" + qq.ID
					}
				}
			}
			for _, q := range qs {
				if q.Kind != quizzes.KindPractice {
					continue
				}
				for _, qq := range q.Questions {
					for _, p := range []string{qq.Prompt.ID, qq.Prompt.EN} {
						if from, ok := tested[normPrompt(p)]; ok {
							t.Errorf("practice %s/%s repeats test item %s", q.ID, qq.ID, from)
						}
					}
				}
			}

			inLessons := map[string]bool{}
			for _, m := range course.Modules {
				for _, l := range m.Lessons {
					for _, n := range amount.FindAllString(l.Body.ID+" "+l.Body.EN, -1) {
						inLessons[n] = true
					}
				}
			}
			for _, q := range qs {
				for _, qq := range q.Questions {
					if qq.Type != quizzes.TypeNumeric || qq.Numeric == nil || qq.Numeric.Value < 1000 {
						continue
					}
					for _, s := range rupiah(qq.Numeric.Value) {
						if inLessons[s] {
							t.Errorf("%s/%s: answer %s appears in a lesson", q.ID, qq.ID, s)
						}
					}
				}
			}
			for _, q := range qs {
				for _, qq := range q.Questions {
					for _, a := range qq.Accepted {
						if strings.HasPrefix(a, "#") && !slices.Contains(qq.Accepted, a[1:]) {
							t.Errorf("%s/%s accepts %q but not %q", q.ID, qq.ID, a, a[1:])
						}
					}
				}
			}
		})
	}
}

// checkParallel pairs the two forms' questions by ID: the same skill, type
// and points on both, and no prompt the same in either language.
func checkParallel(t *testing.T, pre, post *quizzes.Quiz) {
	t.Helper()
	if len(pre.Questions) != len(post.Questions) {
		t.Errorf("%s has %d questions, %s has %d", pre.ID, len(pre.Questions), post.ID, len(post.Questions))
	}
	prompts := map[string]string{}
	var prePoints, postPoints float64
	for _, q := range pre.Questions {
		prePoints += q.Points
		prompts[normPrompt(q.Prompt.ID)] = q.ID
		prompts[normPrompt(q.Prompt.EN)] = q.ID
	}
	for _, q := range post.Questions {
		postPoints += q.Points
		i := slices.IndexFunc(pre.Questions, func(p quizzes.Question) bool { return p.ID == q.ID })
		if i < 0 {
			t.Errorf("%s/%s has no parallel item in %s", post.ID, q.ID, pre.ID)
			continue
		}
		p := pre.Questions[i]
		if p.Type != q.Type || p.Points != q.Points {
			t.Errorf("%s: pretest is %s worth %v, final is %s worth %v", q.ID, p.Type, p.Points, q.Type, q.Points)
		}
		for _, s := range []string{q.Prompt.ID, q.Prompt.EN} {
			if from, ok := prompts[normPrompt(s)]; ok {
				t.Errorf("%s/%s repeats the pretest's %s word for word", post.ID, q.ID, from)
			}
		}
	}
	if prePoints != postPoints {
		t.Errorf("pretest worth %v points, final %v", prePoints, postPoints)
	}
}

// amount matches a whole grouped number such as 1.048.200 or 80,000.
var amount = regexp.MustCompile(`\d{1,3}(?:[.,]\d{3})+`)

func normPrompt(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

// rupiah writes v as both languages print it: 202.000 and 202,000.
func rupiah(v float64) []string {
	s := fmt.Sprintf("%.0f", v)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	id := b.String()
	return []string{id, strings.ReplaceAll(id, ".", ",")}
}
