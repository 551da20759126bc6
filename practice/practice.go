// Package practice grades the interactive practice tools of lessons (the
// price calculator, the cash book and the listing checklist) and records
// each result in the learner's enrollment the way a quiz attempt is
// recorded: the phone checks at once, offline, and queues the answers; on
// sync the server grades them again from the published lesson, so the
// stored score never depends on what a client claims.
package practice

import (
	"context"
	"encoding/json"
	"math"
	"regexp"
	"strings"

	"lontar"
	"lontar/courses"
)

// EventPracticeDone is the sync event of one checked exercise:
// {id, type, occurred_at, course_id, lesson_id, practice_id, answers}.
const EventPracticeDone = "practice_done"

// Kind marks practice-tool results among an enrollment's quiz results.
const Kind = "tool"

// ResultID is the key of a tool's result in the enrollment.
func ResultID(lessonID, practiceID string) string { return "tool:" + lessonID + "/" + practiceID }

// Courses finds a published course; *courses.Catalog satisfies it.
type Courses interface {
	Get(ctx context.Context, id string) (*courses.Course, error)
}

// Results keeps a learner's standing; the enrollments store satisfies it.
type Results interface {
	RecordQuizAttempt(ctx context.Context, userID string, a lontar.QuizAttempt) (lontar.QuizResult, error)
}

// Applier applies practice_done events.
type Applier struct {
	courses Courses
	results Results
}

// NewApplier returns the sync applier of practice results.
func NewApplier(c Courses, r Results) *Applier { return &Applier{courses: c, results: r} }

var (
	errShape = lontar.NewError(lontar.EInvalid, "Hasil latihan tidak lengkap.", "The practice result is incomplete.")
	errBlock = lontar.NewError(lontar.ENotFound, "Latihan ini tidak ada di pelajaran tersebut.", "This exercise is not in that lesson.")
)

// ApplySync grades the answers against the published block and records
// the score. The event id is the attempt id, so a replay counts once.
func (a *Applier) ApplySync(ctx context.Context, c *lontar.Caller, ev lontar.SyncEvent) error {
	var in struct {
		CourseID   string          `json:"course_id"`
		LessonID   string          `json:"lesson_id"`
		PracticeID string          `json:"practice_id"`
		Answers    json.RawMessage `json:"answers"`
	}
	if err := json.Unmarshal(ev.Raw, &in); err != nil || in.CourseID == "" || in.LessonID == "" || in.PracticeID == "" {
		return errShape
	}
	course, err := a.courses.Get(ctx, in.CourseID)
	if err != nil {
		return err
	}
	block, ok := course.PracticeBlock(in.LessonID, in.PracticeID)
	if !ok {
		return errBlock
	}
	score, passed, err := Grade(block, in.Answers)
	if err != nil {
		return err
	}
	_, err = a.results.RecordQuizAttempt(ctx, c.UserID, lontar.QuizAttempt{
		AttemptID: ev.ID, QuizID: ResultID(in.LessonID, in.PracticeID), CourseID: in.CourseID,
		Kind: Kind, Score: score, Passed: passed, At: ev.OccurredAt})
	return err
}

// Grade scores one check of a tool: a percent and whether it passed.
func Grade(p courses.Practice, answers json.RawMessage) (float64, bool, error) {
	switch p.Tool {
	case courses.ToolPrice:
		var a PriceInput
		if json.Unmarshal(answers, &a) != nil || !a.valid() {
			return 0, false, errShape
		}
		r := PriceFor(a)
		if a.Guess >= math.Floor(r.Exact) && a.Guess <= r.Price+1000 {
			return 100, true, nil
		}
		return 0, false, nil
	case courses.ToolCashbook:
		var a struct {
			Balances []float64 `json:"balances"`
		}
		if json.Unmarshal(answers, &a) != nil || len(a.Balances) != len(p.Rows) {
			return 0, false, errShape
		}
		good, bal := 0, p.Opening
		for i, r := range p.Rows {
			bal += r.In - r.Out
			if a.Balances[i] == bal {
				good++
			}
		}
		return math.Round(100 * float64(good) / float64(len(p.Rows))), good == len(p.Rows), nil
	case courses.ToolListing:
		var a struct {
			Title       string `json:"title"`
			Description string `json:"description"`
		}
		if json.Unmarshal(answers, &a) != nil || len(a.Title) > 500 || len(a.Description) > 5000 {
			return 0, false, errShape
		}
		checks := ListingChecks(p, a.Title, a.Description)
		good := 0
		for _, c := range checks {
			if c.OK {
				good++
			}
		}
		score := math.Round(100 * float64(good) / float64(len(checks)))
		return score, score >= 80, nil
	}
	return 0, false, errShape
}

// PriceInput is what a learner enters in the price calculator: their own
// batch cost, items per batch, packing and shipping per item, margin and
// fees, and the price they worked out.
type PriceInput struct {
	Batch  float64 `json:"batch"`
	Units  float64 `json:"units"`
	Ship   float64 `json:"ship"`
	Margin float64 `json:"margin"` // percent
	Fee    float64 `json:"fee"`    // percent
	Fixed  float64 `json:"fixed"`
	Guess  float64 `json:"guess"`
}

func (a PriceInput) valid() bool {
	for _, v := range []float64{a.Batch, a.Units, a.Ship, a.Margin, a.Fee, a.Fixed, a.Guess} {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || v > 1e12 {
			return false
		}
	}
	return a.Units > 0 && a.Margin+a.Fee < 95
}

// PriceResult is the lessons' working: price = (cost + fixed fee) ÷
// (1 − margin − fees), rounded up to the thousand.
type PriceResult struct {
	HPP, Cost, Exact, Price, Fees, Net, Profit float64
}

// PriceFor works out the price the way the lessons teach.
func PriceFor(a PriceInput) PriceResult {
	var r PriceResult
	r.HPP = a.Batch / a.Units
	r.Cost = r.HPP + a.Ship
	r.Exact = (r.Cost + a.Fixed) / (1 - (a.Margin+a.Fee)/100)
	r.Price = math.Ceil(r.Exact/1000) * 1000
	r.Fees = r.Price*a.Fee/100 + a.Fixed
	r.Net = r.Price - r.Fees
	r.Profit = r.Net - r.Cost
	return r
}

// Check is one rule of the listing checklist.
type Check struct {
	Rule string
	OK   bool
}

var (
	sizeRE     = regexp.MustCompile(`(?i)\d+\s*(x\s*\d+\s*)?(cm|mm|m|meter|gram|gr|g|kg|ml|l|liter|senar|strings?)\b`)
	materialRE = regexp.MustCompile(`(?i)bahan|katun|benang|pewarna|daging|bumbu|kayu|lontar|material|cotton|thread|dye|meat|spice|wood`)
	careRE     = regexp.MustCompile(`(?i)simpan|rawat|cuci|kulkas|freezer|tahan|store|keep|wash|care|fridge`)
	shipRE     = regexp.MustCompile(`(?i)kirim|pengiriman|proses|hari kerja|ship|dispatch|deliver|working day`)
	storyRE    = regexp.MustCompile(`(?i)saya|kami|mama|ibu|bapak|\bpak\b|\bom\b|\bkak\b|penenun|pembuat|dibuat|ditenun|made|woven|weaver|maker|\bwe\b|\bour\b`)
)

// ListingChecks scores a title and description against the rules of the
// lesson on titles: type + feature + origin + size, no shouting, and a
// description that answers questions before they are asked. The web app
// runs the same rules (practice.js) so the learner sees them offline.
func ListingChecks(p courses.Practice, title, desc string) []Check {
	low := strings.ToLower(title)
	has := func(words []string) bool {
		for _, w := range words {
			if strings.Contains(low, strings.ToLower(w)) {
				return true
			}
		}
		return false
	}
	origins := p.Origins
	if len(origins) == 0 {
		origins = []string{"ntt", "kupang"}
	}
	letters, caps := 0, 0
	for _, r := range title {
		switch {
		case r >= 'A' && r <= 'Z':
			letters++
			caps++
		case r >= 'a' && r <= 'z':
			letters++
		}
	}
	calm := strings.TrimSpace(title) != "" && !strings.Contains(title, "!!") && !(letters >= 8 && float64(caps)/float64(letters) > 0.6)
	return []Check{
		{"type", has(p.Keywords)},
		{"origin", has(origins)},
		{"size", sizeRE.MatchString(title)},
		{"words", len(strings.Fields(title)) >= 4},
		{"calm", calm},
		{"material", materialRE.MatchString(desc)},
		{"desc_size", sizeRE.MatchString(desc)},
		{"care", careRE.MatchString(desc)},
		{"shipping", shipRE.MatchString(desc)},
		{"story", storyRE.MatchString(desc)},
	}
}
