package cohorts

import (
	"bytes"
	"context"
	"errors"
	"mime"
	"slices"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"lontar"
	"lontar/csvexport"
	"lontar/enrollments"
	"lontar/httpapi"
)

// Handler serves cohorts: creating them, joining by code, rosters and
// CSV imports of participants.
type Handler struct {
	cohorts      *Store
	enrollments  *enrollments.Store
	participants Participants
	codes        Codes
}

// Codes issues one-time codes; *accounts.Store satisfies it. A trainer
// gets a new activation code for a participant whose first was lost, or a
// reset code for one who forgot their password; only for learners.
type Codes interface {
	IssueCode(ctx context.Context, userID string, roles ...lontar.Role) (*lontar.OneTimeCode, error)
}

// NewHandler returns the handler. participants registers people imported
// from CSV and codes issues their one-time codes (both *accounts.Store);
// without them those routes fail.
func NewHandler(cohorts *Store, enrollments *enrollments.Store, participants Participants, codes Codes) *Handler {
	return &Handler{cohorts: cohorts, enrollments: enrollments, participants: participants, codes: codes}
}

// Register adds the routes, relative to /api/v1.
func (h *Handler) Register(api fiber.Router) {
	api.Post("/cohorts", h.createCohort) // trainer, admin
	api.Get("/cohorts", h.listCohorts)   // trainer (own institution), admin
	api.Post("/cohorts/join", h.joinCohort)
	api.Get("/join/:code", h.invitation)                               // anyone holding the code: which class invites them
	api.Get("/cohorts/:id", h.getCohort)                               // the cohort's trainers, admin
	api.Get("/cohorts/:id/roster", h.roster)                           // the cohort's trainers, admin
	api.Get("/cohorts/:id/roster.csv", h.rosterCSV)                    // the cohort's trainers, admin
	api.Post("/cohorts/:id/participants/import", h.importParticipants) // the cohort's trainers, admin
	api.Post("/cohorts/:id/participants/:user_id/code", h.issueCode)   // the cohort's trainers, admin
	api.Get("/me/invitations", h.invitations)                          // the invited person
	api.Post("/me/invitations/:cohort_id/accept", h.accept)
	api.Post("/me/invitations/:cohort_id/decline", h.decline)
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
	caller, err := httpapi.Authorize(c, lontar.RoleTrainer, lontar.RoleAdmin)
	if err != nil {
		return err
	}
	var in CohortInput
	if err := httpapi.DecodeJSON(c, &in); err != nil {
		return err
	}
	cohort, err := h.cohorts.Create(c.UserContext(), caller, &in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(h.cohorts.View(cohort))
}

func (h *Handler) listCohorts(c *fiber.Ctx) error {
	caller, err := httpapi.Authorize(c, lontar.RoleTrainer, lontar.RoleAdmin)
	if err != nil {
		return err
	}
	list, err := h.cohorts.ListFor(c.UserContext(), caller, c.Query("institution"))
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
// run it.
func (h *Handler) managedCohort(c *fiber.Ctx) (*Cohort, error) {
	caller, err := httpapi.Authorize(c)
	if err != nil {
		return nil, err
	}
	return h.cohorts.Managed(c.UserContext(), caller, c.Params("id"))
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

// rosterCSV is the roster as a spreadsheet: one row per participant and
// course. Participants typed the names in it, so it is written through
// csvexport, which keeps any cell from acting as a formula.
func (h *Handler) rosterCSV(c *fiber.Ctx) error {
	cohort, err := h.managedCohort(c)
	if err != nil {
		return err
	}
	roster, err := h.cohorts.Roster(c.UserContext(), cohort)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	w := csvexport.NewWriter(&b)
	if err := w.Write("status", "name", "phone", "business_name", "sector", "region", "gender",
		"course_id", "percent", "lessons_done", "lessons_total", "completed_at"); err != nil {
		return err
	}
	for _, e := range roster {
		person := []string{e.Status, e.Name, e.Phone, e.BusinessName, e.Sector, e.Region, e.Gender}
		if len(e.Courses) == 0 {
			if err := w.Write(append(person, "", "", "", "", "")...); err != nil {
				return err
			}
		}
		for _, rc := range e.Courses {
			done := ""
			if rc.CompletedAt != nil {
				done = rc.CompletedAt.UTC().Format(time.RFC3339)
			}
			row := append(slices.Clone(person), rc.CourseID, strconv.Itoa(rc.Percent),
				strconv.Itoa(rc.LessonsDone), strconv.Itoa(rc.LessonsTotal), done)
			if err := w.Write(row...); err != nil {
				return err
			}
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="roster-`+cohort.ID+`.csv"`)
	// A BOM, so that spreadsheet programs read the file as UTF-8.
	return c.Send(append([]byte("\xEF\xBB\xBF"), b.Bytes()...))
}

func (h *Handler) joinCohort(c *fiber.Ctx) error {
	caller, err := httpapi.Authorize(c, lontar.RoleLearner)
	if err != nil {
		return err
	}
	var in joinRequest
	if err := httpapi.BindJSON(c, &in); err != nil {
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
	return c.JSON(joinedView{Cohort: h.cohorts.View(cohort), Enrollments: views})
}

// joinedView answers a join: the class and the learner's enrollments in
// its courses.
type joinedView struct {
	Cohort      CohortView                   `json:"cohort"`
	Enrollments []enrollments.EnrollmentView `json:"enrollments"`
}

func (h *Handler) invitation(c *fiber.Ctx) error {
	p, err := h.cohorts.Preview(c.UserContext(), c.Params("code"), httpapi.Lang(c))
	if err != nil {
		return err
	}
	return c.JSON(p)
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
	results, err := h.cohorts.Import(c.UserContext(), cohort, rows, h.participants)
	if err != nil {
		return err
	}
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
	return c.JSON(importView{Results: out, Created: counts[ImportCreated], Enrolled: counts[ImportEnrolled],
		Invited: counts[ImportInvited], Skipped: counts[ImportSkipped], Errors: counts[ImportError]})
}

// importView answers a CSV import: one result per row, and the counts.
type importView struct {
	Results  []importResultView `json:"results"`
	Created  int                `json:"created"`
	Enrolled int                `json:"enrolled"`
	Invited  int                `json:"invited"`
	Skipped  int                `json:"skipped"`
	Errors   int                `json:"errors"`
}

// issueCode gives a participant of the cohort a new one-time code: a new
// activation code if they never activated (the old one stops working), a
// reset code if they forgot their password.
func (h *Handler) issueCode(c *fiber.Ctx) error {
	cohort, err := h.managedCohort(c)
	if err != nil {
		return err
	}
	userID := c.Params("user_id")
	if !slices.Contains(cohort.Members, userID) {
		return lontar.NotFound("Peserta kelas ini", "Participant of this class")
	}
	if h.codes == nil {
		return errNoParticipants
	}
	code, err := h.codes.IssueCode(c.UserContext(), userID, lontar.RoleLearner)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(code)
}

func (h *Handler) invitations(c *fiber.Ctx) error {
	caller, err := httpapi.Authorize(c)
	if err != nil {
		return err
	}
	list, err := h.cohorts.Invitations(c.UserContext(), caller.UserID, httpapi.Lang(c))
	if err != nil {
		return err
	}
	return c.JSON(list)
}

func (h *Handler) accept(c *fiber.Ctx) error {
	caller, err := httpapi.Authorize(c)
	if err != nil {
		return err
	}
	lang, all, err := httpapi.LangParam(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	cohort, joined, err := h.cohorts.Accept(ctx, caller, c.Params("cohort_id"))
	if err != nil {
		return err
	}
	views := make([]enrollments.EnrollmentView, len(joined))
	for i, e := range joined {
		if views[i], err = h.enrollments.View(ctx, e, lang, all); err != nil {
			return err
		}
	}
	return c.JSON(acceptedView{Cohort: invitedCohortView(cohort), Enrollments: views})
}

// acceptedView answers an accepted invitation.
type acceptedView struct {
	Cohort      invitedCohort                `json:"cohort"`
	Enrollments []enrollments.EnrollmentView `json:"enrollments"`
}

func (h *Handler) decline(c *fiber.Ctx) error {
	caller, err := httpapi.Authorize(c)
	if err != nil {
		return err
	}
	if err := h.cohorts.Decline(c.UserContext(), caller, c.Params("cohort_id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// invitedCohortView is what a learner who accepted sees of the class: not
// its join code or its trainers' details.
func invitedCohortView(c *Cohort) invitedCohort {
	return invitedCohort{ID: c.ID, Name: c.Name, Institution: c.Institution, CourseIDs: c.CourseIDs,
		StartsOn: c.StartsOn, EndsOn: c.EndsOn}
}

type invitedCohort struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Institution string   `json:"institution"`
	CourseIDs   []string `json:"course_ids"`
	StartsOn    string   `json:"starts_on"`
	EndsOn      string   `json:"ends_on"`
}

// errNoParticipants is internal: the server was wired without accounts.
var errNoParticipants = errors.New("cohorts: no Participants wired for CSV import")
