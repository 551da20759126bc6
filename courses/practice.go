package courses

import (
	"encoding/json"
	"fmt"
	"html"
	"math"
	"regexp"
	"strings"

	"lontar"
)

// Practice blocks are interactive exercises inside a lesson. An author
// writes one as a fenced block whose info string is "practice" and whose
// body is a JSON object naming the tool:
//
//	```practice
//	{"tool": "price", "id": "harga-sei", "fee_percent": 10, "fixed_fee": 1250}
//	```
//
// Publishing turns each block into a placeholder element that the web app
// fills with the tool (a module loaded only for lessons that have one);
// the learner's result travels like a quiz result, through the offline
// outbox and POST /sync.
const (
	ToolPrice    = "price"    // HPP per unit from a batch, fees, shipping, margin → price
	ToolCashbook = "cashbook" // a week of receipts; the learner keeps the running balance
	ToolListing  = "listing"  // a product title and description scored against rules
)

// PracticeTools lists the tools a block may name.
var PracticeTools = []string{ToolPrice, ToolCashbook, ToolListing}

// Practice is one block's configuration. Only the fields of its tool are
// used; unknown fields are rejected so a typo is reported, not ignored.
type Practice struct {
	Tool string `json:"tool"`
	ID   string `json:"id"`

	// price: the example fees and margin the form starts with.
	FeePercent *float64 `json:"fee_percent,omitempty"`
	FixedFee   *float64 `json:"fixed_fee,omitempty"`
	Margin     *float64 `json:"margin,omitempty"`

	// cashbook: the opening balance and the week's receipts.
	Opening float64   `json:"opening,omitempty"`
	Rows    []CashRow `json:"rows,omitempty"`

	// listing: words a good title for this product contains.
	Keywords []string `json:"keywords,omitempty"`
	Origins  []string `json:"origins,omitempty"`
}

// CashRow is one receipt of a cash-book exercise: money in or money out.
type CashRow struct {
	Day  string  `json:"day"`
	Text string  `json:"text"`
	In   float64 `json:"in,omitempty"`
	Out  float64 `json:"out,omitempty"`
}

// fence matches a whole practice block; (?s) lets the body span lines.
var fence = regexp.MustCompile("(?ms)^```practice[ \t]*\n(.*?)\n```[ \t]*$")

// practiceBlocks finds and checks the blocks of one lesson text. The
// problems come back as messages, each naming the block.
func practiceBlocks(md string) ([]Practice, []string) {
	var out []Practice
	var problems []string
	seen := map[string]bool{}
	for i, m := range fence.FindAllStringSubmatch(md, -1) {
		dec := json.NewDecoder(strings.NewReader(m[1]))
		dec.DisallowUnknownFields()
		var p Practice
		if err := dec.Decode(&p); err != nil {
			problems = append(problems, fmt.Sprintf("practice block %d: not valid JSON (%v)", i+1, err))
			continue
		}
		for _, msg := range p.check() {
			problems = append(problems, fmt.Sprintf("practice block %d (%s): %s", i+1, p.ID, msg))
		}
		if seen[p.ID] {
			problems = append(problems, fmt.Sprintf("practice block %d: id %q is used twice", i+1, p.ID))
		}
		seen[p.ID] = true
		out = append(out, p)
	}
	return out, problems
}

func (p *Practice) check() []string {
	var bad []string
	if !lontar.ValidID(p.ID) {
		bad = append(bad, "id must be lowercase letters, digits and dashes")
	}
	inRange := func(name string, v *float64, lo, hi float64) {
		if v != nil && (math.IsNaN(*v) || *v < lo || *v > hi) {
			bad = append(bad, fmt.Sprintf("%s must be between %g and %g", name, lo, hi))
		}
	}
	switch p.Tool {
	case ToolPrice:
		inRange("fee_percent", p.FeePercent, 0, 60)
		inRange("fixed_fee", p.FixedFee, 0, 1e7)
		inRange("margin", p.Margin, 0, 80)
		if p.FeePercent != nil && p.Margin != nil && *p.FeePercent+*p.Margin >= 95 {
			bad = append(bad, "fee_percent + margin must stay under 95")
		}
	case ToolCashbook:
		if len(p.Rows) == 0 || len(p.Rows) > 20 {
			bad = append(bad, "rows: give 1 to 20 receipts")
		}
		inRange("opening", &p.Opening, 0, 1e10)
		for i, r := range p.Rows {
			switch {
			case strings.TrimSpace(r.Text) == "" || len(r.Text) > 120 || len(r.Day) > 20:
				bad = append(bad, fmt.Sprintf("rows.%d: text is required (at most 120 bytes), day at most 20", i))
			case (r.In > 0) == (r.Out > 0) || r.In < 0 || r.Out < 0 || r.In > 1e10 || r.Out > 1e10:
				bad = append(bad, fmt.Sprintf("rows.%d: give either in or out, a positive amount", i))
			}
		}
	case ToolListing:
		if len(p.Keywords) == 0 || len(p.Keywords) > 10 || len(p.Origins) > 10 {
			bad = append(bad, "keywords: give 1 to 10 (origins at most 10)")
		}
		for _, w := range append(append([]string{}, p.Keywords...), p.Origins...) {
			if strings.TrimSpace(w) == "" || len(w) > 40 {
				bad = append(bad, "keywords and origins are words of at most 40 bytes")
				break
			}
		}
	default:
		bad = append(bad, "tool must be one of "+strings.Join(PracticeTools, ", "))
	}
	return bad
}

// checkPractice validates a lesson's blocks in both languages: each valid,
// and the same tools under the same ids, so a result means the same
// exercise whichever language the learner reads.
func checkPractice(body lontar.Text) *lontar.Text {
	id, bad := practiceBlocks(body.ID)
	if body.EN != "" {
		en, badEN := practiceBlocks(body.EN)
		bad = append(bad, badEN...)
		if len(bad) == 0 && !sameBlocks(id, en) {
			bad = append(bad, "the Indonesian and English texts must have the same practice blocks (tool and id)")
		}
	}
	if len(bad) == 0 {
		return nil
	}
	msg := strings.Join(bad, "; ")
	t := lontar.T("Blok latihan tidak valid: "+msg, "Invalid practice block: "+msg)
	return &t
}

func sameBlocks(a, b []Practice) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Tool != b[i].Tool || a[i].ID != b[i].ID {
			return false
		}
	}
	return true
}

// practicePlaceholder marks where a block stood while the Markdown is
// rendered and sanitised; it is replaced by the tool's element afterwards.
const practicePlaceholder = "LONTARPRACTICEBLOCK"

// withoutPracticeBlocks swaps each valid block for a placeholder paragraph
// and returns the blocks in order. An invalid block stays a code block.
func withoutPracticeBlocks(md string) (string, []Practice) {
	var blocks []Practice
	out := fence.ReplaceAllStringFunc(md, func(m string) string {
		ps, bad := practiceBlocks(m)
		if len(bad) > 0 || len(ps) != 1 {
			return m
		}
		blocks = append(blocks, ps[0])
		return fmt.Sprintf("\n%s%d\n", practicePlaceholder, len(blocks)-1)
	})
	return out, blocks
}

// practiceElements puts each block's element where its placeholder was.
// The configuration is re-encoded from the parsed struct and escaped, so
// nothing from the author reaches the page unescaped.
func practiceElements(html string, blocks []Practice, lang string) string {
	fallback := map[string]string{
		"id": "Latihan interaktif: buka pelajaran ini di aplikasi Lontar.",
		"en": "Interactive exercise: open this lesson in the Lontar app.",
	}[lang]
	for i := len(blocks) - 1; i >= 0; i-- {
		cfg, _ := json.Marshal(blocks[i])
		el := `<div class="practice" data-practice="` + escapeAttr(string(cfg)) + `"><p class="practice-fallback">` + fallback + `</p></div>`
		html = strings.Replace(html, fmt.Sprintf("<p>%s%d</p>", practicePlaceholder, i), el, 1)
	}
	return html
}

func escapeAttr(s string) string { return html.EscapeString(s) }

// PracticeBlock finds a practice block of a lesson in this course version,
// read from the Indonesian text (both languages hold the same blocks).
func (co *Course) PracticeBlock(lessonID, practiceID string) (Practice, bool) {
	for _, m := range co.Modules {
		for _, l := range m.Lessons {
			if l.ID != lessonID {
				continue
			}
			blocks, _ := practiceBlocks(l.Body.ID)
			for _, p := range blocks {
				if p.ID == practiceID {
					return p, true
				}
			}
		}
	}
	return Practice{}, false
}
