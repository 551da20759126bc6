package courses

import (
	"context"
	"encoding/json"
	"errors"
	"mime"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"lontar"
	"lontar/httpapi"
)

// ProgressHandler serves enrollment, progress, offline sync and cohorts.
type ProgressHandler struct {
	progress     *ProgressStore
	syncer       *Syncer
	cohorts      *CohortStore
	participants Participants
}

// NewProgressHandler returns the handler. participants registers people
// imported from CSV (*accounts.Store); without it imports fail.
func NewProgressHandler(progress *ProgressStore, syncer *Syncer, cohorts *CohortStore, participants Participants) *ProgressHandler {
	return &ProgressHandler{progress: progress, syncer: syncer, cohorts: cohorts, participants: participants}
}

// Register adds the routes, relative to /api/v1.
func (h *ProgressHandler) Register(api fiber.Router) {
	api.Post("/courses/:id/enroll", h.enroll)                           // learner
	api.Post("/courses/:id/lessons/:lesson/complete", h.completeLesson) // enrolled learner
	api.Get("/me/enrollments", h.myEnrollments)
	api.Get("/me/enrollments/:course", h.myEnrollment)
	api.Post("/sync", h.sync)

	api.Post("/cohorts", h.createCohort) // trainer, admin
	api.Get("/cohorts", h.listCohorts)   // trainer (own institution), admin
	api.Post("/cohorts/join", h.joinCohort)
	api.Get("/cohorts/:id", h.getCohort)                               // the cohort's trainers, admin
	api.Get("/cohorts/:id/roster", h.roster)                           // the cohort's trainers, admin
	api.Post("/cohorts/:id/participants/import", h.importParticipants) // the cohort's trainers, admin
}

// EnrollmentView is an enrollment as its learner reads it, measured
// against the course's current published version.
type EnrollmentView struct {
	CourseID string `json:"course_id"`
	// CourseTitle is a string in the request's language, or {id, en}
	// with ?lang=all.
	CourseTitle      any                          `json:"course_title"`
	CourseVersion    int                          `json:"course_version"`
	EnrolledVersion  int                          `json:"enrolled_version"`
	Percent          int                          `json:"percent"`
	LessonsDone      int                          `json:"lessons_done"`
	LessonsTotal     int                          `json:"lessons_total"`
	CompletedLessons map[string]time.Time         `json:"completed_lessons"`
	ResumeLessonID   string                       `json:"resume_lesson_id"`
	LastLessonID     string                       `json:"last_lesson_id"`
	QuizResults      map[string]lontar.QuizResult `json:"quiz_results"`
	CohortIDs        []string                     `json:"cohort_ids"`
	CompletedAt      *time.Time                   `json:"completed_at"`
	CertificateCode  *string                      `json:"certificate_code"`
	EnrolledAt       time.Time                    `json:"enrolled_at"`
	UpdatedAt        time.Time                    `json:"updated_at"`
}

type syncRequest struct {
	Events []json.RawMessage `json:"events" validate:"required"`
}

type syncResultView struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
}

type joinRequest struct {
	Code string `json:"code" validate:"required,max=32"`
}

type importResultView struct {
	Row            int    `json:"row"`
	Phone          string `json:"phone"`
	Name           string `json:"name,omitempty"`
	Status         string `json:"status"`
	UserID         string `json:"user_id,omitempty"`
	ActivationCode string `json:"activation_code,omitempty"`
	Error          string `json:"error,omitempty"`
}

// errTooManyEvents answers a batch over MaxSyncEvents with too_large
// (413) rather than validation_failed: the client's remedy is the one for
// an oversized body, send fewer events at once, and it can tell that
// from the status alone.
var errTooManyEvents = lontar.Errorf(lontar.ETooLarge,
	"Paling banyak 500 peristiwa per sinkronisasi.", "At most 500 events per sync.")

var errCohortEnded = lontar.Errorf(lontar.EConflict,
	"Kelas ini sudah berakhir, jadi tidak bisa bergabung lagi. Hubungi pelatih Anda.",
	"This class has ended, so it can no longer be joined. Please contact your trainer.")

func (h *ProgressHandler) enroll(c *fiber.Ctx) error {
	caller, err := httpapi.Caller(c, lontar.RoleLearner)
	if err != nil {
		return err
	}
	lang, all, err := progressLang(c)
	if err != nil {
		return err
	}
	e, created, err := h.progress.Enroll(c.UserContext(), caller.UserID, c.Params("id"))
	if err != nil {
		return err
	}
	status := fiber.StatusOK
	if created {
		status = fiber.StatusCreated
	}
	return c.Status(status).JSON(h.view(c.UserContext(), e, lang, all))
}

func (h *ProgressHandler) completeLesson(c *fiber.Ctx) error {
	caller, err := httpapi.Caller(c)
	if err != nil {
		return err
	}
	lang, all, err := progressLang(c)
	if err != nil {
		return err
	}
	e, err := h.progress.CompleteLesson(c.UserContext(), caller.UserID, c.Params("id"), pathParam(c, "lesson"), time.Time{})
	if err != nil {
		return err
	}
	return c.JSON(h.view(c.UserContext(), e, lang, all))
}

func (h *ProgressHandler) myEnrollments(c *fiber.Ctx) error {
	caller, err := httpapi.Caller(c)
	if err != nil {
		return err
	}
	lang, all, err := progressLang(c)
	if err != nil {
		return err
	}
	list, err := h.progress.Enrollments(c.UserContext(), caller.UserID)
	if err != nil {
		return err
	}
	views := make([]EnrollmentView, 0, len(list))
	for _, e := range list {
		views = append(views, h.view(c.UserContext(), e, lang, all))
	}
	return c.JSON(views)
}

func (h *ProgressHandler) myEnrollment(c *fiber.Ctx) error {
	caller, err := httpapi.Caller(c)
	if err != nil {
		return err
	}
	lang, all, err := progressLang(c)
	if err != nil {
		return err
	}
	e, err := h.progress.Enrollment(c.UserContext(), caller.UserID, c.Params("course"))
	if err != nil {
		return err
	}
	return c.JSON(h.view(c.UserContext(), e, lang, all))
}

func (h *ProgressHandler) sync(c *fiber.Ctx) error {
	caller, err := httpapi.Caller(c)
	if err != nil {
		return err
	}
	var in syncRequest
	if err := httpapi.BindJSON(c, &in); err != nil {
		return err
	}
	if len(in.Events) > MaxSyncEvents {
		return errTooManyEvents
	}
	results, err := h.syncer.Apply(c.UserContext(), caller, in.Events)
	if err != nil {
		return err
	}
	lang := httpapi.Lang(c)
	out := make([]syncResultView, len(results))
	for i, r := range results {
		out[i] = syncResultView{ID: r.ID, Status: r.Status}
		if r.Reason != nil {
			out[i].Reason = r.Reason.In(lang)
		}
	}
	return c.JSON(fiber.Map{"results": out})
}

func (h *ProgressHandler) createCohort(c *fiber.Ctx) error {
	var in CohortInput
	if err := httpapi.BindJSON(c, &in); err != nil {
		return err
	}
	in.normalise()
	if in.Name == "" {
		return lontar.FieldErrors(map[string]lontar.Text{"name": lontar.T("Nama kelas wajib diisi.", "The class name is required.")})
	}
	caller, err := httpapi.Caller(c, lontar.RoleTrainer, lontar.RoleAdmin)
	if err != nil {
		return err
	}
	institution, err := h.cohortInstitution(c.UserContext(), caller, in.CourseIDs)
	if err != nil {
		return err
	}
	cohort, err := h.cohorts.Create(c.UserContext(), caller.UserID, institution, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(h.cohorts.View(cohort))
}

// cohortInstitution checks that every course is published and that the
// caller may run it, and returns the institution the cohort belongs to:
// a trainer's own; for an admin, the courses' (which must be one).
func (h *ProgressHandler) cohortInstitution(ctx context.Context, caller *lontar.Caller, courseIDs []string) (string, error) {
	if caller.Role == lontar.RoleTrainer && caller.Institution == "" {
		return "", lontar.ErrForbidden
	}
	institution := ""
	for _, id := range courseIDs {
		course, err := h.progress.catalog.Get(ctx, id)
		if lontar.IsCode(err, lontar.ENotFound) {
			return "", lontar.FieldErrors(map[string]lontar.Text{"course_ids": lontar.T(
				"Kursus "+id+" tidak ditemukan atau belum diterbitkan.",
				"Course "+id+" does not exist or is not published.")})
		}
		if err != nil {
			return "", err
		}
		if caller.Role == lontar.RoleTrainer && course.Institution != caller.Institution {
			return "", lontar.ErrForbidden
		}
		if institution == "" {
			institution = course.Institution
		} else if course.Institution != institution {
			return "", lontar.FieldErrors(map[string]lontar.Text{"course_ids": lontar.T(
				"Semua kursus dalam satu kelas harus dari lembaga yang sama.",
				"All courses of a class must belong to one institution.")})
		}
	}
	if caller.Role == lontar.RoleTrainer {
		return caller.Institution, nil
	}
	return institution, nil
}

func (h *ProgressHandler) listCohorts(c *fiber.Ctx) error {
	caller, err := httpapi.Caller(c, lontar.RoleTrainer, lontar.RoleAdmin)
	if err != nil {
		return err
	}
	var list []*Cohort
	switch {
	case caller.Role == lontar.RoleTrainer:
		if caller.Institution == "" {
			return lontar.ErrForbidden
		}
		list, err = h.cohorts.List(c.UserContext(), caller.Institution)
	case c.Query("institution") != "":
		list, err = h.cohorts.List(c.UserContext(), c.Query("institution"))
	default:
		list, err = h.cohorts.All(c.UserContext())
	}
	if err != nil {
		return err
	}
	views := make([]CohortView, len(list))
	for i, cohort := range list {
		views[i] = h.cohorts.View(cohort)
	}
	return c.JSON(views)
}

// managedCohort returns the cohort of the :id parameter if the caller may
// run it: not_found for no such cohort, forbidden for anyone else's.
func (h *ProgressHandler) managedCohort(c *fiber.Ctx) (*Cohort, error) {
	caller, err := httpapi.Caller(c)
	if err != nil {
		return nil, err
	}
	if !caller.Is(lontar.RoleTrainer, lontar.RoleAdmin) {
		return nil, lontar.ErrForbidden
	}
	cohort, err := h.cohorts.Get(c.UserContext(), c.Params("id"))
	if err != nil {
		return nil, err
	}
	if !cohort.canManage(caller) {
		return nil, lontar.ErrForbidden
	}
	return cohort, nil
}

func (h *ProgressHandler) getCohort(c *fiber.Ctx) error {
	cohort, err := h.managedCohort(c)
	if err != nil {
		return err
	}
	return c.JSON(h.cohorts.View(cohort))
}

func (h *ProgressHandler) roster(c *fiber.Ctx) error {
	cohort, err := h.managedCohort(c)
	if err != nil {
		return err
	}
	roster, err := h.cohorts.Roster(c.UserContext(), cohort)
	if err != nil {
		return err
	}
	return c.JSON(roster)
}

func (h *ProgressHandler) joinCohort(c *fiber.Ctx) error {
	var in joinRequest
	if err := httpapi.BindJSON(c, &in); err != nil {
		return err
	}
	caller, err := httpapi.Caller(c, lontar.RoleLearner)
	if err != nil {
		return err
	}
	lang, all, err := progressLang(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	cohort, err := h.cohorts.ByCode(ctx, in.Code)
	if err != nil {
		return err
	}
	if cohort.ended(time.Now()) {
		return errCohortEnded
	}
	p, err := h.progress.person(ctx, caller.UserID)
	if err != nil {
		return err
	}
	if p.Name == "" {
		p.Name = caller.Name
	}
	enrollments, err := h.cohorts.Join(ctx, cohort, p, "code")
	if err != nil {
		return err
	}
	cohort, err = h.cohorts.Get(ctx, cohort.ID) // with the new member
	if err != nil {
		return err
	}
	views := make([]EnrollmentView, len(enrollments))
	for i, e := range enrollments {
		views[i] = h.view(ctx, e, lang, all)
	}
	return c.JSON(fiber.Map{"cohort": h.cohorts.View(cohort), "enrollments": views})
}

func (h *ProgressHandler) importParticipants(c *fiber.Ctx) error {
	cohort, err := h.managedCohort(c)
	if err != nil {
		return err
	}
	mediaType, _, _ := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	switch mediaType {
	case "text/csv", "application/csv", "text/plain":
	default:
		return lontar.Errorf(lontar.EBadRequest, "Kirim berkas sebagai text/csv.", "Send the file as text/csv.")
	}
	rows, err := parseParticipants(c.Body())
	if err != nil {
		return err
	}
	if h.participants == nil {
		return errNoParticipants
	}
	results := h.cohorts.Import(c.UserContext(), cohort, rows, h.participants)
	lang := httpapi.Lang(c)
	out := make([]importResultView, len(results))
	counts := map[string]int{}
	for i, r := range results {
		out[i] = importResultView{Row: r.Row, Phone: r.Phone, Name: r.Name, Status: r.Status,
			UserID: r.UserID, ActivationCode: r.ActivationCode}
		if r.Error != nil {
			out[i].Error = r.Error.In(lang)
		}
		counts[r.Status]++
	}
	return c.JSON(fiber.Map{
		"results": out, "created": counts[ImportCreated], "enrolled": counts[ImportEnrolled], "errors": counts[ImportError],
	})
}

// errNoParticipants is internal: the server was wired without accounts.
var errNoParticipants = errors.New("courses: no Participants wired for CSV import")

// view measures the enrollment against the current published course.
// When that shows the course complete but completed_at is not set yet (a
// new version removed the last lesson left), it is set now, guarded.
func (h *ProgressHandler) view(ctx context.Context, e *Enrollment, lang lontar.Lang, all bool) EnrollmentView {
	course, err := h.progress.catalog.Get(ctx, e.CourseID)
	if err != nil {
		course = nil // no longer published: show what is recorded
	}
	p := progressOf(e, course)
	if course != nil && p.Percent == 100 && e.CompletedAt == nil {
		_ = h.progress.maybeComplete(ctx, e, course) // best effort; the next write retries
	}
	v := EnrollmentView{
		CourseID: e.CourseID, EnrolledVersion: e.Version,
		Percent: p.Percent, LessonsDone: p.Done, LessonsTotal: p.Total,
		CompletedLessons: p.Completed, ResumeLessonID: p.ResumeLesson, LastLessonID: p.LastLesson,
		QuizResults: e.QuizResults, CohortIDs: e.CohortIDs, CompletedAt: e.CompletedAt,
		EnrolledAt: e.CreatedAt, UpdatedAt: e.UpdatedAt,
	}
	if course != nil {
		v.CourseVersion = course.Version
		if all {
			v.CourseTitle = course.Title
		} else {
			v.CourseTitle = course.Title.In(lang)
		}
	}
	if v.CompletedLessons == nil {
		v.CompletedLessons = map[string]time.Time{}
	}
	if v.QuizResults == nil {
		v.QuizResults = map[string]lontar.QuizResult{}
	}
	if v.CohortIDs == nil {
		v.CohortIDs = []string{}
	}
	if e.CertificateCode != "" {
		v.CertificateCode = &e.CertificateCode
	}
	return v
}

// pathParam returns a route parameter percent-decoded (Fiber leaves them
// as sent), since lesson ids may hold characters a client must escape.
func pathParam(c *fiber.Ctx, name string) string {
	v := c.Params(name)
	if u, err := url.PathUnescape(v); err == nil {
		return u
	}
	return v
}

// progressLang reads ?lang: id or en (else Accept-Language), or all for
// the {id, en} objects; anything else is a bad request.
func progressLang(c *fiber.Ctx) (lang lontar.Lang, all bool, err error) {
	switch strings.ToLower(c.Query("lang")) {
	case "":
		return httpapi.Lang(c), false, nil
	case "id":
		return lontar.LangID, false, nil
	case "en":
		return lontar.LangEN, false, nil
	case "all":
		return lontar.LangID, true, nil
	}
	return "", false, lontar.Errorf(lontar.EBadRequest,
		"Parameter lang harus id, en atau all.", "The lang parameter must be id, en or all.")
}
