package gift

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Write writes the questions as GIFT text, separated by blank lines, with a
// $CATEGORY: line wherever the category changes. Moodle and Parse read the
// result back to the same questions (apart from Line), with two exceptions
// that GIFT cannot express: Parse decides Single or Multiple from the
// weights (see the package comment), and texts lose surrounding white space.
//
// Write writes nothing and returns an error if a question cannot be written:
// an unknown type, fewer than two choices, an empty answer, a weight or
// number that is not finite, a numeric range whose minimum is above its
// maximum or a negative tolerance, a short answer containing "->" (GIFT
// would read a matching question), or a category with a line break.
func Write(w io.Writer, qs []Question) error {
	var b strings.Builder
	category := ""
	for i, q := range qs {
		if q.Category != category {
			if strings.ContainsAny(q.Category, "\r\n") {
				return fmt.Errorf("gift: question %d: category has a line break", i+1)
			}
			b.WriteString("$CATEGORY: " + trim(q.Category) + "\n\n")
			category = q.Category
		}
		if err := writeQuestion(&b, &q); err != nil {
			name := ""
			if q.Title != "" {
				name = " " + strconv.Quote(q.Title)
			}
			return fmt.Errorf("gift: question %d%s: %w", i+1, name, err)
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeQuestion(b *strings.Builder, q *Question) error {
	prompt := textOut(q.Prompt)
	if t := trim(newlines(q.Title)); t != "" {
		b.WriteString("::" + escape(t) + "::")
	} else if strings.HasPrefix(prompt, "//") {
		// A first line starting with // would be a comment.
		prompt = "[moodle]" + prompt
	}
	b.WriteString(prompt)
	general := ""
	if g := textOut(q.GeneralFeedback); g != "" {
		general = "####" + g
	}

	switch q.Type {
	case Single, Multiple:
		if len(q.Choices) < 2 {
			return errors.New("a multiple-choice question needs at least two choices")
		}
		right := -1
		if q.Type == Single {
			for i, c := range q.Choices {
				if c.Weight == 100 {
					right = i
					break
				}
			}
		}
		b.WriteString("{\n")
		for i, c := range q.Choices {
			t := textOut(c.Text)
			if t == "" {
				return fmt.Errorf("choice %d has no text", i+1)
			}
			if !finite(c.Weight) {
				return fmt.Errorf("choice %d has weight %v", i+1, c.Weight)
			}
			// A text starting with % needs an explicit weight to not be read as one.
			mark := "~%" + weightOut(c.Weight) + "%"
			if i == right {
				mark = "="
				if t[0] == '%' {
					mark = "=%100%"
				}
			} else if c.Weight == 0 && t[0] != '%' {
				mark = "~"
			}
			b.WriteString("\t" + mark + t + feedbackOut(c.Feedback) + "\n")
		}
		writeGeneral(b, general)
		b.WriteString("}\n")

	case TrueFalse:
		answer, right, wrong := "FALSE", q.FalseFeedback, q.TrueFeedback
		if q.Truth {
			answer, right, wrong = "TRUE", q.TrueFeedback, q.FalseFeedback
		}
		right, wrong = textOut(right), textOut(wrong)
		b.WriteString("{" + answer)
		if wrong != "" || right != "" {
			b.WriteString("#" + wrong)
		}
		if right != "" {
			b.WriteString("#" + right)
		}
		b.WriteString(general + "}\n")

	case Numeric:
		if len(q.Numeric) == 0 {
			return errors.New("a numeric question needs an answer")
		}
		b.WriteString("{#\n")
		for i, a := range q.Numeric {
			if !finite(a.Weight) || !finite(a.Value) || !finite(a.Tolerance) || !finite(a.Min) || !finite(a.Max) {
				return fmt.Errorf("numeric answer %d is not finite", i+1)
			}
			var v string
			switch {
			case a.IsRange && a.Min > a.Max:
				return fmt.Errorf("numeric answer %d has its minimum above its maximum", i+1)
			case a.IsRange:
				v = numberOut(a.Min) + ".." + numberOut(a.Max)
			case a.Tolerance < 0:
				return fmt.Errorf("numeric answer %d has a negative tolerance", i+1)
			case a.Tolerance != 0:
				v = numberOut(a.Value) + ":" + numberOut(a.Tolerance)
			default:
				v = numberOut(a.Value)
			}
			mark := "="
			if a.Weight != 100 {
				mark = "=%" + weightOut(a.Weight) + "%"
			}
			b.WriteString("\t" + mark + v + feedbackOut(a.Feedback) + "\n")
		}
		if f := textOut(q.WrongFeedback); f != "" {
			b.WriteString("\t~#" + f + "\n")
		}
		writeGeneral(b, general)
		b.WriteString("}\n")

	case ShortAnswer:
		if len(q.Accepted)+len(q.OtherAnswers) == 0 {
			return errors.New("a short-answer question needs an answer")
		}
		var block strings.Builder
		for i, a := range q.Accepted {
			t := textOut(a)
			if t == "" {
				return fmt.Errorf("accepted answer %d is empty", i+1)
			}
			mark := "="
			if t[0] == '%' {
				mark = "=%100%"
			}
			fb := ""
			if i < len(q.AcceptedFeedback) {
				fb = q.AcceptedFeedback[i]
			}
			block.WriteString("\t" + mark + t + feedbackOut(fb) + "\n")
		}
		for i, o := range q.OtherAnswers {
			t := textOut(o.Text)
			if t == "" {
				return fmt.Errorf("other answer %d is empty", i+1)
			}
			if !finite(o.Weight) {
				return fmt.Errorf("other answer %d has weight %v", i+1, o.Weight)
			}
			block.WriteString("\t=%" + weightOut(o.Weight) + "%" + t + feedbackOut(o.Feedback) + "\n")
		}
		if strings.Contains(block.String(), "->") {
			return errors.New(`a short answer or its feedback contains "->", which GIFT reads as a matching question`)
		}
		b.WriteString("{\n" + block.String())
		writeGeneral(b, general)
		b.WriteString("}\n")

	default:
		return fmt.Errorf("cannot write question type %q", q.Type)
	}
	return nil
}

func writeGeneral(b *strings.Builder, general string) {
	if general != "" {
		b.WriteString("\t" + general + "\n")
	}
}

func newlines(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// escape escapes GIFT's control characters and writes line breaks as \n, so
// that no text can end a question early or start a comment line.
func escape(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', '~', '=', '#', '{', '}', ':':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// textOut is a text ready for GIFT. Parse strips one leading format marker,
// so a text that starts with one literally gets a [moodle] marker before it.
func textOut(s string) string {
	s = trim(newlines(s))
	if formatMarker(s) != "" {
		return "[moodle]" + escape(s)
	}
	return escape(s)
}

func feedbackOut(s string) string {
	if t := textOut(s); t != "" {
		return "#" + t
	}
	return ""
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// weightOut writes a weight in plain decimals, the only form %n% allows.
func weightOut(w float64) string { return strconv.FormatFloat(w, 'f', -1, 64) }

func numberOut(v float64) string {
	if a := math.Abs(v); a == 0 || a >= 1e-6 && a < 1e15 {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
