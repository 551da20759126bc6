package gift

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// space is what PHP's trim() removes; Moodle trims lines and texts with it.
const space = " \t\n\r\x00\x0B"

func trim(s string) string { return strings.Trim(s, space) }

// item is one character of a question after escapes are resolved: lit marks
// a character that came from an escape and so is never a control character.
type item struct {
	c   byte
	lit bool
}

type seq []item

// lex resolves escapes as Moodle does: \\ first, then \~ \= \# \{ \} \: and
// \n; any other backslash is an ordinary character.
func lex(s string) seq {
	out := make(seq, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			out = append(out, item{c: c, lit: c == '\\'})
			continue
		}
		switch n := s[i+1]; n {
		case '\\', '~', '=', '#', '{', '}', ':':
			out = append(out, item{c: n, lit: true})
			i++
		case 'n':
			out = append(out, item{c: '\n', lit: true})
			i++
		default:
			out = append(out, item{c: '\\', lit: true})
		}
	}
	return out
}

func (s seq) String() string {
	b := make([]byte, len(s))
	for i, it := range s {
		b[i] = it.c
	}
	return string(b)
}

func (s seq) ctl(i int, c byte) bool { return s[i].c == c && !s[i].lit }

// index is the position of the first control character c, or -1.
func (s seq) index(c byte) int {
	for i := range s {
		if s[i].c == c && !s[i].lit {
			return i
		}
	}
	return -1
}

// split cuts s at every control character c, into at most n parts (n < 0: all).
func (s seq) split(c byte, n int) []seq {
	var parts []seq
	start := 0
	for i := range s {
		if n >= 0 && len(parts) == n-1 {
			break
		}
		if s.ctl(i, c) {
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

func (s seq) trim() seq {
	for len(s) > 0 && strings.IndexByte(space, s[0].c) >= 0 {
		s = s[1:]
	}
	for len(s) > 0 && strings.IndexByte(space, s[len(s)-1].c) >= 0 {
		s = s[:len(s)-1]
	}
	return s
}

// hasArrow reports a "->", which makes a block a matching question. Neither
// character can be escaped, so escapes do not matter here.
func (s seq) hasArrow() bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i].c == '-' && s[i+1].c == '>' {
			return true
		}
	}
	return false
}

// lastFeedbackMark is where the last "####" starts, or -1, like Moodle's strrpos.
func (s seq) lastFeedbackMark() int {
	for i := len(s) - 4; i >= 0; i-- {
		if s.ctl(i, '#') && s.ctl(i+1, '#') && s.ctl(i+2, '#') && s.ctl(i+3, '#') {
			return i
		}
	}
	return -1
}

var formats = []string{"[html]", "[plain]", "[markdown]", "[moodle]"}

func formatMarker(s string) string {
	for _, f := range formats {
		if strings.HasPrefix(s, f) {
			return f
		}
	}
	return ""
}

// text is a piece of question text as Lontar keeps it: unescaped, trimmed and
// without its leading format marker.
func text(s seq) string {
	t := trim(s.String())
	return trim(t[len(formatMarker(t)):])
}

// weight reads a leading %n% weight. Moodle accepts the same shape; numbers
// too large for a float64 are left as text so that Write can always repeat
// what Parse read.
var weightRE = regexp.MustCompile(`^%(-?[0-9]+(?:\.[0-9]*)?)%`)

func weight(s seq) (float64, seq, bool) {
	if len(s) == 0 || s[0].c != '%' {
		return 0, s, false
	}
	m := weightRE.FindStringSubmatch(s.String())
	if m == nil {
		return 0, s, false
	}
	w, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, s, false
	}
	return w, s[len(m[0]):], true
}

// answer splits "[%n%]text[#feedback]" into its parts; w is the weight to
// use without %n%.
func answer(s seq, w float64) (float64, string, string) {
	s = s.trim()
	if v, rest, ok := weight(s); ok {
		w, s = v, rest
	}
	parts := s.split('#', 2)
	feedback := ""
	if len(parts) == 2 {
		feedback = text(parts[1])
	}
	return w, text(parts[0]), feedback
}

var numberRE = regexp.MustCompile(`^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$`)

// number accepts what PHP's is_numeric does (decimal notation only), and only
// finite values, so that NaN and infinities never reach a quiz.
func number(s string) (float64, bool) {
	s = trim(s)
	if !numberRE.MatchString(s) {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil
}

// short quotes a piece of the input for a Problem's reason.
func short(s string) string {
	if len(s) > 40 {
		i := 40
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		s = s[:i] + "…"
	}
	return strconv.Quote(s)
}

type parser struct {
	category string
	qs       []Question
	problems []Problem
}

type line struct {
	n    int
	text string
}

// Parse reads GIFT text. It returns the questions Lontar can use and a
// Problem for every other question, each with its line; it never panics.
func Parse(src string) ([]Question, []Problem) {
	src = strings.TrimPrefix(src, "\ufeff")
	src = strings.ReplaceAll(src, "\r\n", "\n")
	src = strings.ReplaceAll(src, "\r", "\n")
	var p parser
	var block []line
	for i, l := range strings.Split(src, "\n") {
		t := trim(l)
		switch {
		case t == "":
			p.block(block)
			block = block[:0]
		case strings.HasPrefix(t, "//"):
		case strings.HasPrefix(t, "$CATEGORY:"):
			p.block(block)
			block = block[:0]
			p.category = trim(strings.TrimPrefix(t, "$CATEGORY:"))
		default:
			block = append(block, line{i + 1, t})
		}
	}
	p.block(block)
	return p.qs, p.problems
}

func (p *parser) block(lines []line) {
	if len(lines) == 0 {
		return
	}
	texts := make([]string, len(lines))
	for i, l := range lines {
		texts[i] = l.text
	}
	q := Question{Line: lines[0].n, Category: p.category}
	if reason := q.parse(lex(strings.Join(texts, "\n"))); reason != "" {
		p.problems = append(p.problems, Problem{Line: q.Line, Title: q.Title, Reason: reason})
		return
	}
	p.qs = append(p.qs, q)
}

// parse fills q from the text of one question and returns why it cannot be
// used, or "".
func (q *Question) parse(s seq) string {
	if len(s) >= 2 && s.ctl(0, ':') && s.ctl(1, ':') {
		rest := s[2:]
		end := -1
		for i := 0; i+1 < len(rest); i++ {
			if rest.ctl(i, ':') && rest.ctl(i+1, ':') {
				end = i
				break
			}
		}
		if end < 0 {
			return "unterminated question title"
		}
		q.Title = trim(rest[:end].String())
		s = rest[end+2:].trim()
	}

	open, close := s.index('{'), s.index('}')
	switch {
	case open < 0 && close < 0:
		return "description items (no answer block) are not supported"
	case close >= 0 && (open < 0 || close < open):
		return "unmatched closing brace"
	case close < 0:
		return "unterminated answer block"
	}
	if inner := s[open+1 : close].index('{'); inner >= 0 {
		return "unterminated answer block"
	}
	before, body, after := s[:open], s[open+1:close], s[close+1:]
	if after.index('{') >= 0 {
		return "more than one answer block"
	}
	if after.index('}') >= 0 {
		return "unmatched closing brace"
	}
	if k := body.lastFeedbackMark(); k >= 0 {
		q.GeneralFeedback = text(body[k+4:])
		body = body[:k]
	}
	body = body.trim()
	q.Prompt = text(append(before[:len(before):len(before)], after...))

	switch {
	case len(body) == 0:
		return "essay questions are not supported"
	case body.ctl(0, '#'):
		return q.numeric(body[1:])
	case body.index('~') >= 0:
		if continues(after.String()) {
			return "missing-word questions are not supported"
		}
		return q.choices(body)
	case body.index('=') >= 0 && body.hasArrow():
		return "matching questions are not supported"
	}
	if q.trueFalse(body) {
		return ""
	}
	if body.hasArrow() {
		return "matching questions are not supported"
	}
	return q.shortAnswer(body)
}

// continues reports whether text after an answer block has words, not just
// stray punctuation: that makes a multiple-choice block a missing word.
func continues(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

func (q *Question) choices(body seq) string {
	type marked struct {
		mark byte
		s    seq
	}
	var parts []marked
	start, mark := 0, byte(0)
	for i := range body {
		if body.ctl(i, '~') || body.ctl(i, '=') {
			parts = append(parts, marked{mark, body[start:i]})
			start, mark = i+1, body[i].c
		}
	}
	parts = append(parts, marked{mark, body[start:]})
	if trim(parts[0].s.String()) == "" {
		parts = parts[1:]
	}
	if len(parts) < 2 {
		return "a multiple-choice question needs at least two choices"
	}
	equals, single := 0, true
	for i, p := range parts {
		w := 0.0
		if p.mark == '=' {
			w = 100
			equals++
		}
		var c Choice
		c.Weight, c.Text, c.Feedback = answer(p.s, w)
		if c.Text == "" {
			return fmt.Sprintf("choice %d has no text", i+1)
		}
		if p.mark == '=' && c.Weight != 100 || p.mark != '=' && c.Weight != 0 {
			single = false
		}
		q.Choices = append(q.Choices, c)
	}
	q.Type = Multiple
	if single && equals == 1 {
		q.Type = Single
	}
	return ""
}

func (q *Question) trueFalse(body seq) bool {
	parts := body.split('#', 3)
	switch trim(parts[0].String()) {
	case "T", "TRUE":
		q.Truth = true
	case "F", "FALSE":
		q.Truth = false
	default:
		return false
	}
	q.Type = TrueFalse
	var wrong, right string
	if len(parts) > 1 {
		wrong = text(parts[1])
	}
	if len(parts) > 2 {
		right = text(parts[2])
	}
	if q.Truth {
		q.TrueFeedback, q.FalseFeedback = right, wrong
	} else {
		q.TrueFeedback, q.FalseFeedback = wrong, right
	}
	return true
}

func (q *Question) shortAnswer(body seq) string {
	parts := body.split('=', -1)
	if trim(parts[0].String()) == "" {
		parts = parts[1:]
	}
	for i, p := range parts {
		w, t, fb := answer(p, 100)
		if t == "" {
			return fmt.Sprintf("answer %d has no text", i+1)
		}
		if w == 100 {
			q.Accepted = append(q.Accepted, t)
			q.AcceptedFeedback = append(q.AcceptedFeedback, fb)
		} else {
			q.OtherAnswers = append(q.OtherAnswers, Choice{Text: t, Weight: w, Feedback: fb})
		}
	}
	q.Type = ShortAnswer
	return ""
}

func (q *Question) numeric(body seq) string {
	if k := body.index('~'); k >= 0 {
		if fb := body[k+1:].split('#', 2); len(fb) == 2 {
			q.WrongFeedback = text(fb[1])
		}
		body = body[:k]
	}
	parts := body.split('=', -1)
	if trim(parts[0].String()) == "" {
		parts = parts[1:]
	}
	if len(parts) == 0 {
		return "a numeric question needs an answer"
	}
	for _, p := range parts {
		var a NumericAnswer
		var v string
		a.Weight, v, a.Feedback = answer(p, 100)
		if i := strings.Index(v, ".."); i > 0 {
			lo, ok1 := number(v[:i])
			hi, ok2 := number(v[i+2:])
			if !ok1 || !ok2 {
				return "numeric answer " + short(v) + " is not a number range"
			}
			if lo > hi {
				return "numeric range " + short(v) + " has its minimum above its maximum"
			}
			a.Min, a.Max, a.IsRange = lo, hi, true
		} else {
			val, tol, ok := v, "0", true
			if i := strings.IndexByte(v, ':'); i > 0 {
				val, tol = v[:i], v[i+1:]
			}
			if a.Value, ok = number(val); !ok {
				return "numeric answer " + short(v) + " is not a number"
			}
			if a.Tolerance, ok = number(tol); !ok {
				return "numeric answer " + short(v) + " has a tolerance that is not a number"
			}
			if a.Tolerance < 0 {
				return "numeric answer " + short(v) + " has a negative tolerance"
			}
		}
		q.Numeric = append(q.Numeric, a)
	}
	q.Type = Numeric
	return ""
}
