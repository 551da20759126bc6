package quizzes

import (
	"strconv"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"lontar"
	"lontar/httpapi"
)

// Handler serves the quizzes API.
type Handler struct {
	svc *Service
}

// NewHandler returns the quizzes HTTP handler.
func NewHandler(svc *Service) *Handler { return &Handler{svc: svc} }

// Register mounts the routes under api (/api/v1).
func (h *Handler) Register(api fiber.Router) {
	api.Post("/quizzes", h.create)
	api.Post("/quizzes/import", h.importGIFT)
	api.Get("/quizzes/:id", h.get)
	api.Put("/quizzes/:id", h.update)
	api.Get("/quizzes/:id/export", h.exportGIFT)
	api.Post("/quizzes/:id/attempts", h.submit)
	api.Get("/quizzes/:id/attempts", h.attempts)
	api.Get("/courses/:id/quizzes", h.forCourse)
}

func (h *Handler) create(c *fiber.Ctx) error {
	caller, err := httpapi.Authorize(c, lontar.RoleTrainer, lontar.RoleAdmin)
	if err != nil {
		return err
	}
	var q Quiz
	if err := bindQuiz(c, &q); err != nil {
		return err
	}
	created, err := h.svc.Create(c.UserContext(), caller, &q)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(created)
}

func (h *Handler) update(c *fiber.Ctx) error {
	caller, err := httpapi.Authorize(c, lontar.RoleTrainer, lontar.RoleAdmin)
	if err != nil {
		return err
	}
	var q Quiz
	if err := bindQuiz(c, &q); err != nil {
		return err
	}
	updated, err := h.svc.Update(c.UserContext(), caller, c.Params("id"), &q)
	if err != nil {
		return err
	}
	return c.JSON(updated)
}

// bindQuiz decodes a quiz; the service validates it after filling in
// defaults (points, choice ids, weights from flags).
func bindQuiz(c *fiber.Ctx, q *Quiz) error {
	return httpapi.DecodeJSON(c, q)
}

func (h *Handler) get(c *fiber.Ctx) error {
	caller, err := httpapi.Authorize(c)
	if err != nil {
		return err
	}
	lang, _, err := httpapi.LangParam(c)
	if err != nil {
		return err
	}
	v, err := h.svc.View(c.UserContext(), caller, c.Params("id"), lang)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "private, no-cache")
	return c.JSON(v)
}

func (h *Handler) forCourse(c *fiber.Ctx) error {
	caller, err := httpapi.Authorize(c)
	if err != nil {
		return err
	}
	lang, _, err := httpapi.LangParam(c)
	if err != nil {
		return err
	}
	list, err := h.svc.ForCourse(c.UserContext(), caller, c.Params("id"), lang)
	if err != nil {
		return err
	}
	return c.JSON(list)
}

// attemptResponse is the graded attempt as the learner sees it, with the
// trainer's feedback in the request's language.
type attemptResponse struct {
	AttemptID    string           `json:"attempt_id"`
	QuizID       string           `json:"quiz_id"`
	Number       int              `json:"number"`
	Score        float64          `json:"score"`
	Passed       bool             `json:"passed"`
	Results      []resultResponse `json:"results"`
	SubmittedAt  string           `json:"submitted_at"`
	AttemptsUsed int              `json:"attempts_used"`
	MaxAttempts  int              `json:"max_attempts"`
}

type resultResponse struct {
	QuestionID      string  `json:"question_id"`
	Answered        bool    `json:"answered"`
	Correct         bool    `json:"correct"`
	Fraction        float64 `json:"fraction"`
	Points          float64 `json:"points"`
	Awarded         float64 `json:"awarded"`
	Feedback        string  `json:"feedback,omitempty"`
	GeneralFeedback string  `json:"general_feedback,omitempty"`
	// CorrectAnswer says the right answer in words. It, Feedback and
	// GeneralFeedback are left out of a graded test until the learner can
	// no longer use them to pass: see Service.Review.
	CorrectAnswer string `json:"correct_answer,omitempty"`
}

// attemptView is an attempt as its learner reads it: score and verdicts
// always; with reveal, each result also says the right answer in words
// and carries the trainer's feedback.
func attemptView(a *Attempt, q *Quiz, reveal bool, lang lontar.Lang) attemptResponse {
	out := attemptResponse{AttemptID: a.ID, QuizID: a.QuizID, Number: a.Number, Score: a.Score, Passed: a.Passed,
		SubmittedAt: a.SubmittedAt.UTC().Format("2006-01-02T15:04:05Z07:00"), Results: []resultResponse{}}
	questions := map[string]*Question{}
	for i := range q.Questions {
		questions[q.Questions[i].ID] = &q.Questions[i]
	}
	for _, r := range a.Results {
		rr := resultResponse{QuestionID: r.QuestionID, Answered: r.Answered, Correct: r.Correct,
			Fraction: r.Fraction, Points: r.Points, Awarded: r.Awarded}
		if reveal {
			rr.Feedback, rr.GeneralFeedback = r.Feedback.In(lang), r.General.In(lang)
			if qu := questions[r.QuestionID]; qu != nil {
				rr.CorrectAnswer = qu.AnswerInWords(lang)
			}
		}
		out.Results = append(out.Results, rr)
	}
	return out
}

func (h *Handler) submit(c *fiber.Ctx) error {
	caller, err := httpapi.Authorize(c)
	if err != nil {
		return err
	}
	var sub Submission
	if err := httpapi.BindJSON(c, &sub); err != nil {
		return err
	}
	sub.Source = "online"
	ctx := c.UserContext()
	a, fresh, err := h.svc.Submit(ctx, caller, c.Params("id"), sub)
	if err != nil {
		return err
	}
	q, used, reveal, err := h.svc.Review(ctx, caller, a.QuizID)
	if err != nil {
		return err
	}
	out := attemptView(a, q, reveal, httpapi.Lang(c))
	out.MaxAttempts, out.AttemptsUsed = q.MaxAttempts, used
	status := fiber.StatusCreated
	if !fresh {
		status = fiber.StatusOK // the same attempt sent again: first grading stands
	}
	return c.Status(status).JSON(out)
}

func (h *Handler) attempts(c *fiber.Ctx) error {
	caller, err := httpapi.Authorize(c)
	if err != nil {
		return err
	}
	list, err := h.svc.Attempts(c.UserContext(), caller, c.Params("id"))
	if err != nil {
		return err
	}
	lang := httpapi.Lang(c)
	out := []attemptResponse{}
	if len(list) == 0 {
		return c.JSON(out)
	}
	q, _, reveal, err := h.svc.Review(c.UserContext(), caller, list[0].QuizID)
	if err != nil {
		return err
	}
	for _, a := range list {
		out = append(out, attemptView(a, q, reveal, lang))
	}
	return c.JSON(out)
}

var errFormat = lontar.NewError(lontar.EBadRequest, "format harus gift.", "format must be gift.")

func (h *Handler) importGIFT(c *fiber.Ctx) error {
	caller, err := httpapi.Authorize(c, lontar.RoleTrainer, lontar.RoleAdmin)
	if err != nil {
		return err
	}
	if c.Query("format", "gift") != "gift" {
		return errFormat
	}
	o := ImportOptions{CourseID: c.Query("course_id"), ModuleID: c.Query("module_id"),
		Kind: c.Query("kind", KindPractice), Title: c.Query("title")}
	if o.CourseID == "" {
		return lontar.FieldErrors(map[string]lontar.Text{"course_id": lontar.T("course_id wajib diisi.", "course_id is required.")})
	}
	if v := c.Query("pass_mark"); v != "" {
		if o.PassMark, err = strconv.ParseFloat(v, 64); err != nil {
			return lontar.FieldErrors(map[string]lontar.Text{"pass_mark": lontar.T("pass_mark harus angka.", "pass_mark must be a number.")})
		}
	}
	if v := c.Query("max_attempts"); v != "" {
		if o.MaxAttempts, err = strconv.Atoi(v); err != nil {
			return lontar.FieldErrors(map[string]lontar.Text{"max_attempts": lontar.T("max_attempts harus bilangan bulat.", "max_attempts must be a whole number.")})
		}
	}
	body := c.Body()
	if !utf8.Valid(body) {
		return lontar.NewError(lontar.EBadRequest, "Berkas GIFT harus UTF-8.", "The GIFT file must be UTF-8.")
	}
	imp, err := h.svc.ImportGIFT(c.UserContext(), caller, string(body), o)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(imp)
}

func (h *Handler) exportGIFT(c *fiber.Ctx) error {
	caller, err := httpapi.Authorize(c, lontar.RoleTrainer, lontar.RoleAdmin)
	if err != nil {
		return err
	}
	if c.Query("format", "gift") != "gift" {
		return errFormat
	}
	lang, _, err := httpapi.LangParam(c)
	if err != nil {
		return err
	}
	b, err := h.svc.ExportGIFT(c.UserContext(), caller, c.Params("id"), lang)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/plain; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+c.Params("id")+`.gift.txt"`)
	return c.Send(b)
}
