package reports

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"lontar"
)

// People finds who a user is (for a phone number to message);
// *accounts.Store satisfies it.
type People interface {
	Person(ctx context.Context, userID string) (lontar.Person, error)
}

// Trainer builds the trainer's view of one cohort: who needs help, and
// which questions the cohort finds hard.
type Trainer struct {
	store  *Store
	people People
}

// NewTrainer returns the trainer view over the store.
func NewTrainer(store *Store, people People) *Trainer { return &Trainer{store: store, people: people} }

// How long without progress before a learner needs a nudge, and without a
// lesson done while still active before they count as stuck.
const (
	inactiveAfter = 7 * 24 * time.Hour
	stuckAfter    = 3 * 24 * time.Hour
)

// CohortView is GET /reports/cohorts/{id}.
type CohortView struct {
	ID        string      `json:"id"`
	Name      string      `json:"name"`
	Learners  int         `json:"learners"`
	NeedsHelp []Helpee    `json:"needs_help"`
	Quizzes   []QuizStats `json:"quizzes"`
}

// Helpee is a learner who needs help in one course, and why.
type Helpee struct {
	UserID      string     `json:"user_id"`
	Name        string     `json:"name"`
	CourseID    string     `json:"course_id"`
	CourseTitle string     `json:"course_title"`
	Reasons     []Reason   `json:"reasons"`
	LastActive  *time.Time `json:"last_active,omitempty"`
	Percent     int        `json:"percent"`
	WhatsAppURL string     `json:"whatsapp_url,omitempty"`
}

// Reason is why a learner needs help: code inactive, final_failed or stuck.
type Reason struct {
	Code   string `json:"code"`
	Text   string `json:"text"`
	Lesson string `json:"lesson_id,omitempty"`
}

// QuizStats are a quiz's questions as the cohort answered them.
type QuizStats struct {
	QuizID    string          `json:"quiz_id"`
	Title     string          `json:"title"`
	Kind      string          `json:"kind"`
	CourseID  string          `json:"course_id"`
	Learners  int             `json:"learners"` // with a first attempt
	Questions []QuestionStats `json:"questions"`
}

// QuestionStats: FirstTryRight is the share (0–1) of first attempts that
// got the question fully right; MostChosenWrong the wrong choice picked
// most often over all attempts (null when none was).
type QuestionStats struct {
	ID              string       `json:"id"`
	Prompt          string       `json:"prompt"`
	Type            string       `json:"type"`
	Answered        int          `json:"answered_first"`
	FirstTryRight   *float64     `json:"first_try_right"`
	MostChosenWrong *WrongChoice `json:"most_chosen_wrong"`
}

// WrongChoice is a wrong answer and how often it was chosen.
type WrongChoice struct {
	ChoiceID string `json:"choice_id"`
	Text     string `json:"text"`
	Count    int    `json:"count"`
}

type cohortDoc struct {
	ID          string   `bson:"_id"`
	Name        string   `bson:"name"`
	Institution string   `bson:"institution"`
	CourseIDs   []string `bson:"course_ids"`
	Members     []string `bson:"members"`
}

type quizDoc struct {
	ID        string      `bson:"_id"`
	Kind      string      `bson:"kind"`
	Title     lontar.Text `bson:"title"`
	Questions []struct {
		ID      string      `bson:"id"`
		Type    string      `bson:"type"`
		Prompt  lontar.Text `bson:"prompt"`
		Truth   *bool       `bson:"truth"`
		Choices []struct {
			ID      string      `bson:"id"`
			Text    lontar.Text `bson:"text"`
			Correct bool        `bson:"correct"`
		} `bson:"choices"`
	} `bson:"questions"`
}

type attemptDoc struct {
	Answers []byte `bson:"answers"`
	Results []struct {
		QuestionID string `bson:"question_id"`
		Correct    bool   `bson:"correct"`
	} `bson:"results"`
}

var errCohortNotFound = lontar.NotFound("Kelompok", "Cohort")

// Cohort returns the view of a cohort for its institution's trainers and admins.
func (t *Trainer) Cohort(ctx context.Context, c *lontar.Caller, id string, lang lontar.Lang) (*CohortView, error) {
	s := t.store
	var co cohortDoc
	err := s.cohorts.FindOne(ctx, bson.M{"_id": id}).Decode(&co)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, errCohortNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("reports: read cohort %s: %w", id, err)
	}
	if c.Role != lontar.RoleAdmin && (c.Role != lontar.RoleTrainer || c.Institution == "" || c.Institution != co.Institution) {
		return nil, lontar.ErrForbidden
	}
	now := s.now()
	names := titles{store: s, courses: map[string]*courseTitles{}, quizzes: map[string]lontar.Text{}}
	v := &CohortView{ID: co.ID, Name: co.Name, Learners: len(co.Members), NeedsHelp: []Helpee{}, Quizzes: []QuizStats{}}

	type quizAcc struct {
		doc      *quizDoc
		course   string
		learners int
		answered map[string]int
		right    map[string]int
		wrong    map[string]map[string]int // question → choice → count
	}
	quizzes := map[string]*quizAcc{}
	var quizOrder []string
	finals := map[string]string{}
	for _, courseID := range co.CourseIDs {
		var ix struct {
			QuizIDs     []string `bson:"quiz_ids"`
			FinalQuizID string   `bson:"final_quiz_id"`
		}
		err := s.quizIndex.FindOne(ctx, bson.M{"_id": courseID}).Decode(&ix)
		if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			return nil, fmt.Errorf("reports: quizzes of %s: %w", courseID, err)
		}
		finals[courseID] = ix.FinalQuizID
		for _, qid := range ix.QuizIDs {
			var q quizDoc
			err := s.quizzes.FindOne(ctx, bson.M{"_id": qid}).Decode(&q)
			if errors.Is(err, mongo.ErrNoDocuments) {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("reports: read quiz %s: %w", qid, err)
			}
			quizzes[qid] = &quizAcc{doc: &q, course: courseID, answered: map[string]int{}, right: map[string]int{},
				wrong: map[string]map[string]int{}}
			quizOrder = append(quizOrder, qid)
		}
	}

	docs := make(map[string]*quizDoc, len(quizzes))
	for id, qa := range quizzes {
		docs[id] = qa.doc
	}
	fetched, err := s.fetchMembers(ctx, co, docs)
	if err != nil {
		return nil, err
	}
	for i := range co.Members {
		for _, courseID := range co.CourseIDs {
			e := fetched[i].enrollments[courseID]
			if e == nil {
				continue
			}
			course, err := names.course(ctx, courseID)
			if err != nil {
				return nil, err
			}
			if h, ok := helpNeeded(e, course, finals[courseID], now, lang); ok {
				h.CourseTitle = course.Title.In(lang)
				if err := t.contact(ctx, c, &h, lang); err != nil {
					return nil, err
				}
				v.NeedsHelp = append(v.NeedsHelp, h)
			}
		}
		for quizID, attempts := range fetched[i].attempts {
			qa := quizzes[quizID]
			tally(qa.doc, attempts, qa.answered, qa.right, qa.wrong, &qa.learners)
		}
	}
	slices.SortStableFunc(v.NeedsHelp, func(a, b Helpee) int {
		return cmp.Or(cmp.Compare(len(b.Reasons), len(a.Reasons)), cmp.Compare(a.Name, b.Name))
	})
	for _, qid := range quizOrder {
		qa := quizzes[qid]
		qs := QuizStats{QuizID: qid, Title: qa.doc.Title.In(lang), Kind: qa.doc.Kind, CourseID: qa.course,
			Learners: qa.learners, Questions: []QuestionStats{}}
		for _, q := range qa.doc.Questions {
			st := QuestionStats{ID: q.ID, Prompt: q.Prompt.In(lang), Type: q.Type, Answered: qa.answered[q.ID]}
			if st.Answered > 0 {
				st.FirstTryRight = ptr(round(float64(qa.right[q.ID])/float64(st.Answered), 3))
			}
			best, bestN := "", 0
			for choice, n := range qa.wrong[q.ID] {
				if n > bestN || n == bestN && choice < best {
					best, bestN = choice, n
				}
			}
			if bestN > 0 {
				text := best
				for _, ch := range q.Choices {
					if ch.ID == best {
						text = ch.Text.In(lang)
					}
				}
				if q.Type == "true_false" {
					text = map[string]lontar.Text{"true": lontar.T("Benar", "True"), "false": lontar.T("Salah", "False")}[best].In(lang)
				}
				st.MostChosenWrong = &WrongChoice{ChoiceID: best, Text: text, Count: bestN}
			}
			qs.Questions = append(qs.Questions, st)
		}
		v.Quizzes = append(v.Quizzes, qs)
	}
	return v, nil
}

// memberData is what the trainer view reads of one member: their
// enrollments in the cohort's courses, and their attempts at its quizzes
// in the order they made them.
type memberData struct {
	enrollments map[string]*enrollmentDoc
	attempts    map[string][]attemptDoc
}

// fetchMembers reads every member's data, several members at a time
// through the reading pool: a cohort of hundreds is thousands of reads.
func (s *Store) fetchMembers(ctx context.Context, co cohortDoc, quizzes map[string]*quizDoc) ([]memberData, error) {
	out := make([]memberData, len(co.Members))
	errs := make([]error, len(co.Members))
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for i, userID := range co.Members {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			out[i], errs[i] = s.fetchMember(ctx, userID, co.CourseIDs, quizzes)
		}()
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

func (s *Store) fetchMember(ctx context.Context, userID string, courseIDs []string, quizzes map[string]*quizDoc) (memberData, error) {
	m := memberData{enrollments: map[string]*enrollmentDoc{}, attempts: map[string][]attemptDoc{}}
	for _, courseID := range courseIDs {
		e, err := s.enrollment(ctx, userID+":"+courseID)
		if err != nil || e == nil {
			if err != nil {
				return m, err
			}
			continue
		}
		m.enrollments[courseID] = e
		for _, r := range e.QuizResults {
			if quizzes[r.QuizID] == nil || r.Attempts == 0 {
				continue
			}
			list, err := s.attemptsOf(ctx, userID, r.QuizID)
			if err != nil {
				return m, err
			}
			m.attempts[r.QuizID] = list
		}
	}
	return m, nil
}

// attemptsOf reads a learner's attempts at a quiz, oldest first.
func (s *Store) attemptsOf(ctx context.Context, userID, quizID string) ([]attemptDoc, error) {
	var counter struct {
		AttemptIDs []string `bson:"attempt_ids"`
	}
	err := s.quizzes.Database().Collection("quiz_counters").FindOne(ctx, bson.M{"_id": userID + ":" + quizID}).Decode(&counter)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reports: attempts of %s: %w", userID, err)
	}
	var list []attemptDoc
	for _, aid := range counter.AttemptIDs {
		var a attemptDoc
		err := s.attempts.FindOne(ctx, bson.M{"_id": userID + ":" + aid}).Decode(&a)
		if errors.Is(err, mongo.ErrNoDocuments) {
			continue // counted, never saved (a crash in between)
		}
		if err != nil {
			return nil, fmt.Errorf("reports: read attempt %s: %w", aid, err)
		}
		list = append(list, a)
	}
	return list, nil
}

// tally adds one learner's attempts at a quiz: the first attempt to the
// per-question right share, every attempt to the wrong choices.
func tally(q *quizDoc, attempts []attemptDoc, answered, right map[string]int, wrong map[string]map[string]int, learners *int) {
	for i, a := range attempts {
		if i == 0 {
			*learners++
			for _, r := range a.Results {
				answered[r.QuestionID]++
				if r.Correct {
					right[r.QuestionID]++
				}
			}
		}
		var answers map[string]json.RawMessage
		if json.Unmarshal(a.Answers, &answers) != nil {
			continue
		}
		for _, qu := range q.Questions {
			raw, ok := answers[qu.ID]
			if !ok {
				continue
			}
			correct := map[string]bool{}
			for _, ch := range qu.Choices {
				correct[ch.ID] = ch.Correct
			}
			var picked []string
			switch qu.Type {
			case "single":
				var id string
				if json.Unmarshal(raw, &id) == nil {
					picked = []string{id}
				}
			case "multiple":
				_ = json.Unmarshal(raw, &picked)
			case "true_false":
				var b bool
				if json.Unmarshal(raw, &b) == nil && qu.Truth != nil && b != *qu.Truth {
					picked = []string{fmt.Sprint(b)}
					correct[picked[0]] = false
				}
			}
			for _, id := range picked {
				if ok, known := correct[id]; known && !ok {
					if wrong[qu.ID] == nil {
						wrong[qu.ID] = map[string]int{}
					}
					wrong[qu.ID][id]++
				}
			}
		}
	}
}

// helpNeeded says whether and why a learner needs help in a course.
func helpNeeded(e *enrollmentDoc, course *courseTitles, finalQuiz string, now time.Time, lang lontar.Lang) (Helpee, bool) {
	h := Helpee{UserID: e.UserID, CourseID: e.CourseID, LastActive: e.ActiveAt, Reasons: []Reason{}}
	done := 0
	var lastLesson time.Time
	lastIdx := -1
	for i, id := range course.Order {
		if at, ok := e.CompletedLessons[id]; ok {
			done++
			if !at.Before(lastLesson) {
				lastLesson, lastIdx = at, i
			}
		}
	}
	if len(course.Order) > 0 {
		h.Percent = done * 100 / len(course.Order)
	}
	if e.CompletedAt != nil {
		return h, false
	}
	last := e.CreatedAt
	if e.ActiveAt != nil {
		last = *e.ActiveAt
	}
	if now.Sub(last) > inactiveAfter {
		h.Reasons = append(h.Reasons, Reason{Code: "inactive",
			Text: lontar.T("Tidak ada kemajuan 7 hari terakhir.", "No progress in the last 7 days.").In(lang)})
	}
	if r, ok := e.QuizResults[finalQuiz]; ok && finalQuiz != "" && !r.Passed && r.Attempts >= 2 {
		h.Reasons = append(h.Reasons, Reason{Code: "final_failed",
			Text: lontar.T("Kuis akhir belum lulus setelah 2 kali atau lebih.", "Failed the final quiz twice or more.").In(lang)})
	}
	if lastIdx >= 0 && done < len(course.Order) && now.Sub(last) <= inactiveAfter && now.Sub(lastLesson) > stuckAfter {
		next := course.Order[(lastIdx+1)%len(course.Order)]
		for k := range course.Order {
			id := course.Order[(lastIdx+1+k)%len(course.Order)]
			if _, ok := e.CompletedLessons[id]; !ok {
				next = id
				break
			}
		}
		h.Reasons = append(h.Reasons, Reason{Code: "stuck", Lesson: next,
			Text: lontar.T("Masih aktif tetapi tertahan di materi: ", "Still active but stuck on the lesson: ").In(lang) +
				course.Lessons[next].In(lang)})
	}
	return h, len(h.Reasons) > 0
}

// contact fills in the learner's name and a WhatsApp link with a friendly
// first message from the trainer.
func (t *Trainer) contact(ctx context.Context, c *lontar.Caller, h *Helpee, lang lontar.Lang) error {
	if t.people == nil {
		return nil
	}
	p, err := t.people.Person(ctx, h.UserID)
	if lontar.IsCode(err, lontar.ENotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reports: learner %s: %w", h.UserID, err)
	}
	h.Name = p.Name
	digits := strings.TrimPrefix(p.Phone, "+")
	if digits == "" {
		return nil
	}
	msg := lontar.T("Halo %s, saya %s, pendamping Anda di Lontar. Bagaimana belajarnya di kursus \"%s\"? Ada yang bisa saya bantu?",
		"Hello %s, this is %s, your trainer on Lontar. How is the course \"%s\" going? Can I help?").In(lang)
	h.WhatsAppURL = "https://wa.me/" + digits + "?text=" + url.QueryEscape(fmt.Sprintf(msg, p.Name, c.Name, h.CourseTitle))
	return nil
}
