package quizzes

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"hash/fnv"
	mrand "math/rand/v2"
	"time"

	"lontar"
)

// Courses tells who owns a course (draft or published): trainers author
// quizzes only for their own institution's courses.
type Courses interface {
	CourseInstitution(ctx context.Context, courseID string) (string, error)
}

// Enrollments is the sliver of the enrollments feature that quizzes need:
// who may take a course's quizzes, and where results are kept.
type Enrollments interface {
	Enrolled(ctx context.Context, userID, courseID string) (bool, error)
	RecordQuizAttempt(ctx context.Context, userID string, a lontar.QuizAttempt) (lontar.QuizResult, error)
}

// Service is the quizzes feature: authoring, taking, grading.
type Service struct {
	store       *Store
	courses     Courses
	enrollments Enrollments
	now         func() time.Time
}

// NewService returns the quizzes feature on its store.
func NewService(store *Store, courses Courses, enrollments Enrollments) *Service {
	return &Service{store: store, courses: courses, enrollments: enrollments, now: time.Now}
}

// Allowance returns how many attempts the quiz allows (0: no limit) and
// how many the caller has used.
func (s *Service) Allowance(ctx context.Context, c *lontar.Caller, quizID string) (max, used int, err error) {
	q, err := s.store.Get(ctx, quizID)
	if err != nil {
		return 0, 0, err
	}
	used, err = s.store.AttemptsUsed(ctx, c.UserID, quizID)
	if err != nil {
		return 0, 0, err
	}
	return q.MaxAttempts, used, nil
}

// Review is what a learner may see of their graded attempts: the quiz,
// the attempts used, and whether the right answers, the choices' feedback
// and the general feedback (worked answers) may be shown. Practice and the
// pretest show them always (they teach). A graded test (posttest, final)
// shows them only once the learner has passed it or has no attempt left,
// so they cannot carry a learner through the next attempt; an unlimited
// test therefore shows them only after a pass. The quiz's authors always
// see them.
func (s *Service) Review(ctx context.Context, c *lontar.Caller, quizID string) (q *Quiz, used int, reveal bool, err error) {
	if q, err = s.store.Get(ctx, quizID); err != nil {
		return nil, 0, false, err
	}
	if used, err = s.store.AttemptsUsed(ctx, c.UserID, quizID); err != nil {
		return nil, 0, false, err
	}
	if !q.Graded() || q.MaxAttempts > 0 && used >= q.MaxAttempts {
		return q, used, true, nil
	}
	acc, err := s.access(ctx, c, q)
	if err != nil {
		return nil, 0, false, err
	}
	if acc == asAuthor {
		return q, used, true, nil
	}
	attempts, err := s.store.Attempts(ctx, c.UserID, q.ID)
	if err != nil {
		return nil, 0, false, err
	}
	for _, a := range attempts {
		if a.Passed {
			return q, used, true, nil
		}
	}
	return q, used, false, nil
}

// canAuthor checks that the caller may author quizzes of the course.
func (s *Service) canAuthor(ctx context.Context, c *lontar.Caller, courseID string) (string, error) {
	if !c.Is(lontar.RoleTrainer, lontar.RoleAdmin) {
		return "", lontar.ErrForbidden
	}
	inst, err := s.courses.CourseInstitution(ctx, courseID)
	if err != nil {
		if lontar.IsCode(err, lontar.ENotFound) {
			return "", lontar.NotFound("Kursus", "Course").WithField("course_id", "Kursus tidak ditemukan.", "Course not found.")
		}
		return "", err
	}
	if c.Role == lontar.RoleTrainer && inst != c.Institution {
		return "", lontar.ErrForbidden
	}
	return inst, nil
}

// Create validates and stores a new quiz.
func (s *Service) Create(ctx context.Context, c *lontar.Caller, q *Quiz) (*Quiz, error) {
	if q.CourseID == "" {
		return nil, lontar.FieldErrors(map[string]lontar.Text{"course_id": lontar.T("Kursus wajib diisi.", "course_id is required.")})
	}
	inst, err := s.canAuthor(ctx, c, q.CourseID)
	if err != nil {
		return nil, err
	}
	if q.ID == "" {
		q.ID = newID()
	} else if !lontar.ValidID(q.ID) {
		return nil, lontar.FieldErrors(map[string]lontar.Text{"id": lontar.BadIDText})
	}
	q.Normalize()
	if err := q.Validate(); err != nil {
		return nil, err
	}
	if err := s.oneFinal(ctx, q); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	q.Institution, q.CreatedBy, q.CreatedAt, q.UpdatedAt = inst, c.UserID, now, now
	if err := s.store.Create(ctx, q); err != nil {
		return nil, err
	}
	return q, nil
}

// Update replaces a quiz's content. Attempts already graded keep their
// scores; later attempts are graded against the new version.
func (s *Service) Update(ctx context.Context, c *lontar.Caller, id string, q *Quiz) (*Quiz, error) {
	old, err := s.store.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := s.canAuthor(ctx, c, old.CourseID); err != nil {
		return nil, err
	}
	q.ID, q.CourseID, q.Institution, q.CreatedBy, q.CreatedAt = old.ID, old.CourseID, old.Institution, old.CreatedBy, old.CreatedAt
	q.UpdatedAt = s.now().UTC()
	q.Normalize()
	if err := q.Validate(); err != nil {
		return nil, err
	}
	if err := s.oneFinal(ctx, q); err != nil {
		return nil, err
	}
	return q, s.store.Replace(ctx, q)
}

// oneFinal refuses a second final quiz in a course: the course index names
// one final, the one whose pass completes the course, so another quiz
// marked final would look like it counts while it does not.
func (s *Service) oneFinal(ctx context.Context, q *Quiz) error {
	if q.Kind != KindFinal {
		return nil
	}
	final, ok, err := s.store.FinalQuizID(ctx, q.CourseID)
	if err != nil || !ok || final == q.ID {
		return err
	}
	return lontar.NewError(lontar.EConflict,
		"Kursus ini sudah punya kuis akhir ("+final+"). Ubah kuis itu, atau jadikan tes akhir (posttest) dulu.",
		"This course already has a final quiz ("+final+"). Edit that one, or make it a posttest first.").
		WithField("kind", "Satu kursus hanya punya satu kuis akhir.", "A course has only one final quiz.")
}

// access says how the caller may see a quiz.
type access int

const (
	asLearner access = iota + 1
	asAuthor
)

func (s *Service) access(ctx context.Context, c *lontar.Caller, q *Quiz) (access, error) {
	switch {
	case c.Role == lontar.RoleAdmin, c.Role == lontar.RoleTrainer && c.Institution == q.Institution:
		return asAuthor, nil
	case c.Role == lontar.RoleLearner:
		ok, err := s.enrollments.Enrolled(ctx, c.UserID, q.CourseID)
		if err != nil {
			return 0, err
		}
		if ok {
			return asLearner, nil
		}
		return 0, lontar.NewError(lontar.EForbidden, "Daftar ke kursus ini dulu untuk mengerjakan kuisnya.",
			"Enroll in this course first to take its quizzes.")
	}
	return 0, lontar.ErrForbidden
}

// LearnerQuestion is a question as a learner sees it: no answers, weights
// or feedback.
type LearnerQuestion struct {
	ID      string          `json:"id"`
	Type    string          `json:"type"`
	Prompt  string          `json:"prompt"`
	Points  float64         `json:"points"`
	Choices []LearnerChoice `json:"choices,omitempty"`
}

// LearnerChoice is a choice without its correctness.
type LearnerChoice struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// LearnerQuiz is what GET /quizzes/{id} shows a learner.
type LearnerQuiz struct {
	ID           string            `json:"id"`
	CourseID     string            `json:"course_id"`
	ModuleID     string            `json:"module_id,omitempty"`
	Kind         string            `json:"kind"`
	Title        string            `json:"title"`
	PassMark     float64           `json:"pass_mark"`
	MaxAttempts  int               `json:"max_attempts"`
	AttemptsUsed int               `json:"attempts_used"`
	Questions    []LearnerQuestion `json:"questions"`
}

// View returns the quiz for the caller: the full authoring form for its
// institution's trainers and admins, the answer-free form for an enrolled
// learner (shuffled when the quiz says so, in an order fixed per learner
// and attempt so that a reload does not reshuffle).
func (s *Service) View(ctx context.Context, c *lontar.Caller, id string, lang lontar.Lang) (any, error) {
	q, err := s.store.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	acc, err := s.access(ctx, c, q)
	if err != nil {
		return nil, err
	}
	if acc == asAuthor {
		return q, nil
	}
	used, err := s.store.AttemptsUsed(ctx, c.UserID, q.ID)
	if err != nil {
		return nil, err
	}
	v := learnerView(q, lang, used)
	if q.Shuffle {
		h := fnv.New64a()
		h.Write([]byte(c.UserID + "\x00" + q.ID))
		binary.Write(h, binary.LittleEndian, int64(used))
		seed := h.Sum64()
		r := mrand.New(mrand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
		r.Shuffle(len(v.Questions), func(i, j int) { v.Questions[i], v.Questions[j] = v.Questions[j], v.Questions[i] })
		for _, lq := range v.Questions {
			r.Shuffle(len(lq.Choices), func(i, j int) { lq.Choices[i], lq.Choices[j] = lq.Choices[j], lq.Choices[i] })
		}
	}
	return v, nil
}

// learnerView is the quiz without any answer or feedback data.
func learnerView(q *Quiz, lang lontar.Lang, used int) LearnerQuiz {
	v := LearnerQuiz{ID: q.ID, CourseID: q.CourseID, ModuleID: q.ModuleID, Kind: q.Kind, Title: q.Title.In(lang),
		PassMark: q.PassMark, MaxAttempts: q.MaxAttempts, AttemptsUsed: used}
	for _, qq := range q.Questions {
		lq := LearnerQuestion{ID: qq.ID, Type: qq.Type, Prompt: qq.Prompt.In(lang), Points: qq.Points}
		for _, ch := range qq.Choices {
			lq.Choices = append(lq.Choices, LearnerChoice{ID: ch.ID, Text: ch.Text.In(lang)})
		}
		v.Questions = append(v.Questions, lq)
	}
	return v
}

// wireSize is what v costs on the wire as compressed JSON, for a learner
// deciding whether to save a course on the phone.
func wireSize(v any) int {
	b, err := json.Marshal(v)
	if err != nil {
		return 0
	}
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed) // the level is valid
	w.Write(b)
	w.Close()
	return buf.Len()
}

// Summary is a quiz in a course's list.
type Summary struct {
	ID             string  `json:"id"`
	ModuleID       string  `json:"module_id,omitempty"`
	Kind           string  `json:"kind"`
	Title          string  `json:"title"`
	PassMark       float64 `json:"pass_mark"`
	MaxAttempts    int     `json:"max_attempts"`
	QuestionsCount int     `json:"questions_count"`
	// SizeBytes is what opening the quiz costs in data (compressed JSON).
	SizeBytes int `json:"size_bytes"`
}

// ForCourse lists a course's quizzes for its learners and authors.
func (s *Service) ForCourse(ctx context.Context, c *lontar.Caller, courseID string, lang lontar.Lang) ([]Summary, error) {
	qs, err := s.store.ForCourse(ctx, courseID)
	if err != nil {
		return nil, err
	}
	out := []Summary{}
	for i, q := range qs {
		if i == 0 {
			// One quiz stands for the course: the same rights apply to all.
			if _, err := s.access(ctx, c, q); err != nil {
				return nil, err
			}
		}
		out = append(out, Summary{ID: q.ID, ModuleID: q.ModuleID, Kind: q.Kind, Title: q.Title.In(lang),
			PassMark: q.PassMark, MaxAttempts: q.MaxAttempts, QuestionsCount: len(q.Questions),
			SizeBytes: wireSize(learnerView(q, lang, 0))})
	}
	return out, nil
}

// Submission is one attempt as a learner sends it, online or offline.
type Submission struct {
	AttemptID  string                     `json:"attempt_id"`
	Answers    map[string]json.RawMessage `json:"answers"`
	ClientTime time.Time                  `json:"-"`
	Source     string                     `json:"-"`
}

// Submit grades an attempt and records it, once: the same attempt id sent
// again (a retry, a replayed sync event) returns the first grading and
// does not count again against max_attempts. fresh is false for a replay.
func (s *Service) Submit(ctx context.Context, c *lontar.Caller, quizID string, sub Submission) (a *Attempt, fresh bool, err error) {
	if !c.Is(lontar.RoleLearner) {
		return nil, false, lontar.NewError(lontar.EForbidden, "Hanya peserta yang mengerjakan kuis.", "Only learners take quizzes.")
	}
	if sub.AttemptID == "" {
		sub.AttemptID = newUUID()
	} else if id, ok := lontar.ParseUUID(sub.AttemptID); ok {
		sub.AttemptID = id
	} else {
		return nil, false, lontar.FieldErrors(map[string]lontar.Text{"attempt_id": lontar.T("attempt_id harus UUID.", "attempt_id must be a UUID.")})
	}
	q, err := s.store.Get(ctx, quizID)
	if err != nil {
		return nil, false, err
	}
	if _, err := s.access(ctx, c, q); err != nil {
		return nil, false, err
	}
	switch prev, err := s.store.attempt(ctx, c.UserID, sub.AttemptID); {
	case lontar.IsCode(err, lontar.ENotFound):
	case err != nil:
		return nil, false, err
	case prev.QuizID != q.ID:
		return nil, false, lontar.NewError(lontar.EConflict, "attempt_id ini sudah dipakai untuk kuis lain.",
			"This attempt_id was already used for another quiz.")
	default:
		// Sent again: the first grading stands, and the replay finishes
		// what the first try may have left undone (a crash after saving
		// the attempt, before recording it in the enrollment).
		return prev, false, s.record(ctx, c.UserID, q, prev)
	}
	// Grade before counting: an answer of the wrong type costs no attempt.
	g, err := Grade(q, sub.Answers)
	if err != nil {
		return nil, false, err
	}
	n, err := s.store.reserve(ctx, c.UserID, q.ID, sub.AttemptID, q.MaxAttempts)
	if err != nil {
		return nil, false, err
	}
	now := s.now().UTC()
	raw, _ := json.Marshal(sub.Answers)
	a = &Attempt{ID: sub.AttemptID, UserID: c.UserID, QuizID: q.ID, CourseID: q.CourseID, Number: n, Answers: raw,
		Score: g.Score, Passed: g.Passed, Results: g.Results, Source: sub.Source, SubmittedAt: now, ClientTime: sub.ClientTime}
	if a.ClientTime.IsZero() {
		a.ClientTime = now
	}
	a, fresh, err = s.store.saveAttempt(ctx, a)
	if err != nil {
		return nil, false, err
	}
	// Recording is idempotent per attempt id, so a replay after a crash
	// between saving and recording completes the work.
	if err := s.record(ctx, c.UserID, q, a); err != nil {
		return nil, false, err
	}
	return a, fresh, nil
}

// record reports a saved attempt to the learner's enrollment; the
// enrollment counts each attempt id once.
func (s *Service) record(ctx context.Context, userID string, q *Quiz, a *Attempt) error {
	_, err := s.enrollments.RecordQuizAttempt(ctx, userID, lontar.QuizAttempt{AttemptID: a.ID, QuizID: q.ID,
		CourseID: q.CourseID, Kind: q.Kind, Score: a.Score, Passed: a.Passed, At: a.ClientTime, Number: a.Number})
	return err
}

// EventQuizSubmitted is the sync event type of a quiz taken offline:
// {id, type, occurred_at, quiz_id, answers}.
const EventQuizSubmitted = "quiz_submitted"

// ApplySync applies a quiz_submitted event: {quiz_id, answers}, graded on
// arrival through Submit with the event id as the attempt id.
func (s *Service) ApplySync(ctx context.Context, c *lontar.Caller, ev lontar.SyncEvent) error {
	var body struct {
		QuizID  string                     `json:"quiz_id"`
		Answers map[string]json.RawMessage `json:"answers"`
	}
	if err := json.Unmarshal(ev.Raw, &body); err != nil || body.QuizID == "" {
		return lontar.NewError(lontar.EInvalid, "quiz_submitted perlu quiz_id dan answers.", "quiz_submitted needs quiz_id and answers.")
	}
	_, _, err := s.Submit(ctx, c, body.QuizID, Submission{AttemptID: ev.ID, Answers: body.Answers,
		ClientTime: ev.OccurredAt, Source: "sync"})
	return err
}

// Attempts lists the caller's attempts at a quiz.
func (s *Service) Attempts(ctx context.Context, c *lontar.Caller, quizID string) ([]*Attempt, error) {
	q, err := s.store.Get(ctx, quizID)
	if err != nil {
		return nil, err
	}
	if _, err := s.access(ctx, c, q); err != nil {
		return nil, err
	}
	return s.store.Attempts(ctx, c.UserID, q.ID)
}

func newID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return "qz" + hex.EncodeToString(b[:])
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
