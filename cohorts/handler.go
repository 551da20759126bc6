package cohorts

import (
	"context"
	"errors"
	"mime"
	"time"

	"github.com/gofiber/fiber/v2"

	"lontar"
	"lontar/courses"
	"lontar/enrollments"
	"lontar/httpapi"
)

// Handler serves cohorts: creating them, joining by code, rosters and
// CSV imports of participants.
type Handler struct {
	cohorts      *Store
	catalog      *courses.Catalog
	enrollments  *enrollments.Store
	participants Participants
}

// NewHandler returns the handler. participants registers people imported
// from CSV (*accounts.Store); without it imports fail.
func NewHandler(cohorts *Store, catalog *courses.Catalog, enrollments *enrollments.Store, participants Participants) *Handler {
	return &Handler{cohorts: cohorts, catalog: catalog, enrollments: enrollments, participants: participants}
}

// Register adds the routes, relative to /api/v1.
func (h *Handler) Register(api fiber.Router) {
	api.Post("/cohorts", h.createCohort) // trainer, admin
	api.Get("/cohorts", h.listCohorts)   // trainer (own institution), admin
	api.Post("/cohorts/join", h.joinCohort)
	api.Get("/join/:code", h.invitation)                               // anyone holding the code: which class invites them
	api.Get("/cohorts/:id", h.getCohort)                               // the cohort's trainers, admin
	api.Get("/cohorts/:id/roster", h.roster)                           // the cohort's trainers, admin
	api.Post("/cohorts/:id/participants/import", h.importParticipants) // the cohort's trainers, admin
}

type joinRequest struct {
	Code string `json:"code" validate:"required,max=32" label:"Kode kelas|Class code"`
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

func (h *Handler) createCohort(c *fiber.Ctx) error {
	var in CohortInput
	if err := httpapi.BindJSON(c, &in); err != nil {
		return err
	}
	in.normalize()
	if in.Name == "" {
		return lontar.FieldErrors(map[string]lontar.Text{"name": lontar.T("Nama kelas wajib diisi.", "The class name is required.")})
	}
	caller, err := httpapi.Authorize(c, lontar.RoleTrainer, lontar.RoleAdmin)
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
// caller may run it (their institution's, or the shared curriculum), and
// returns the institution the cohort belongs to: a trainer's own; for an
// admin, the courses' (which must be one, the shared ones aside).
func (h *Handler) cohortInstitution(ctx context.Context, caller *lontar.Caller, courseIDs []string) (string, error) {
	if caller.Role == lontar.RoleTrainer && caller.Institution == "" {
		return "", lontar.ErrForbidden
	}
	institution := ""
	for _, id := range courseIDs {
		course, err := h.catalog.Get(ctx, id)
		if lontar.IsCode(err, lontar.ENotFound) {
			return "", lontar.FieldErrors(map[string]lontar.Text{"course_ids": lontar.T(
				"Kursus "+id+" tidak ditemukan atau belum diterbitkan.",
				"Course "+id+" does not exist or is not published.")})
		}
		if err != nil {
			return "", err
		}
		if course.Shared() {
			continue // the shared curriculum serves every institution's classes
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
	if institution == "" {
		return courses.SeedInstitution, nil
	}
	return institution, nil
}

func (h *Handler) listCohorts(c *fiber.Ctx) error {
	caller, err := httpapi.Authorize(c, lontar.RoleTrainer, lontar.RoleAdmin)
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
func (h *Handler) managedCohort(c *fiber.Ctx) (*Cohort, error) {
	caller, err := httpapi.Authorize(c)
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

func (h *Handler) getCohort(c *fiber.Ctx) error {
	cohort, err := h.managedCohort(c)
	if err != nil {
		return err
	}
	return c.JSON(h.cohorts.View(cohort))
}

func (h *Handler) roster(c *fiber.Ctx) error {
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

func (h *Handler) joinCohort(c *fiber.Ctx) error {
	var in joinRequest
	if err := httpapi.BindJSON(c, &in); err != nil {
		return err
	}
	caller, err := httpapi.Authorize(c, lontar.RoleLearner)
	if err != nil {
		return err
	}
	lang, all, err := httpapi.LangParam(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	cohort, joined, err := h.cohorts.JoinByCode(ctx, caller, in.Code)
	if err != nil {
		return err
	}
	views := make([]enrollments.EnrollmentView, len(joined))
	for i, e := range joined {
		if views[i], err = h.enrollments.View(ctx, e, lang, all); err != nil {
			return err
		}
	}
	return c.JSON(fiber.Map{"cohort": h.cohorts.View(cohort), "enrollments": views})
}

// InvitationPreview is what a join link shows before anyone signs up:
// the class and its courses, nothing about its people or trainers.
type InvitationPreview struct {
	Name        string          `json:"name"`
	Institution string          `json:"institution"`
	StartsOn    string          `json:"starts_on"`
	EndsOn      string          `json:"ends_on"`
	Ended       bool            `json:"ended"`
	Courses     []PreviewCourse `json:"courses"`
}

// PreviewCourse is one course of an InvitationPreview.
type PreviewCourse struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

func (h *Handler) invitation(c *fiber.Ctx) error {
	ctx := c.UserContext()
	cohort, err := h.cohorts.ByCode(ctx, c.Params("code"))
	if err != nil {
		return err
	}
	lang := httpapi.Lang(c)
	out := InvitationPreview{Name: cohort.Name, Institution: cohort.Institution, StartsOn: cohort.StartsOn,
		EndsOn: cohort.EndsOn, Ended: cohort.ended(time.Now()), Courses: []PreviewCourse{}}
	for _, id := range cohort.CourseIDs {
		course, err := h.catalog.Get(ctx, id)
		if lontar.IsCode(err, lontar.ENotFound) {
			continue
		}
		if err != nil {
			return err
		}
		out.Courses = append(out.Courses, PreviewCourse{ID: id, Title: course.Title.In(lang)})
	}
	return c.JSON(out)
}

func (h *Handler) importParticipants(c *fiber.Ctx) error {
	cohort, err := h.managedCohort(c)
	if err != nil {
		return err
	}
	mediaType, _, _ := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	switch mediaType {
	case "text/csv", "application/csv", "text/plain":
	default:
		return lontar.NewError(lontar.EBadRequest, "Kirim berkas sebagai text/csv.", "Send the file as text/csv.")
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
var errNoParticipants = errors.New("cohorts: no Participants wired for CSV import")
