package cohorts

import (
	"errors"
	"mime"

	"github.com/gofiber/fiber/v2"

	"lontar"
	"lontar/enrollments"
	"lontar/httpapi"
)

// Handler serves cohorts: creating them, joining by code, rosters and
// CSV imports of participants.
type Handler struct {
	cohorts      *Store
	enrollments  *enrollments.Store
	participants Participants
}

// NewHandler returns the handler. participants registers people imported
// from CSV (*accounts.Store); without it imports fail.
func NewHandler(cohorts *Store, enrollments *enrollments.Store, participants Participants) *Handler {
	return &Handler{cohorts: cohorts, enrollments: enrollments, participants: participants}
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
	if err := httpapi.DecodeJSON(c, &in); err != nil {
		return err
	}
	caller, err := httpapi.Authorize(c, lontar.RoleTrainer, lontar.RoleAdmin)
	if err != nil {
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
