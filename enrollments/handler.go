package enrollments

import (
	"encoding/json"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"lontar"
	"lontar/httpapi"
)

// Handler serves enrollment, progress and offline sync.
type Handler struct {
	store  *Store
	syncer *Syncer
}

// NewHandler returns the handler.
func NewHandler(store *Store, syncer *Syncer) *Handler {
	return &Handler{store: store, syncer: syncer}
}

// Register adds the routes, relative to /api/v1.
func (h *Handler) Register(api fiber.Router) {
	api.Post("/courses/:id/enroll", h.enroll)                           // learner
	api.Post("/courses/:id/lessons/:lesson/complete", h.completeLesson) // enrolled learner
	api.Get("/me/enrollments", h.myEnrollments)
	api.Get("/me/enrollments/:course", h.myEnrollment)
	api.Post("/sync", h.sync)
}

type syncRequest struct {
	Events []json.RawMessage `json:"events" validate:"required" label:"Peristiwa|Events"`
	// Pending is how many events were waiting on the phone when it sent
	// this batch (this batch included); absent means just this batch.
	Pending *int `json:"pending" validate:"omitempty,min=0,max=1000000" label:"Jumlah menunggu|Pending count"`
}

// syncResponse answers POST /sync: one result per event, in order.
type syncResponse struct {
	Results []syncResultView `json:"results"`
}

type syncResultView struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
}

func (h *Handler) enroll(c *fiber.Ctx) error {
	caller, err := httpapi.Authorize(c, lontar.RoleLearner)
	if err != nil {
		return err
	}
	lang, all, err := httpapi.LangParam(c)
	if err != nil {
		return err
	}
	e, created, err := h.store.Enroll(c.UserContext(), caller.UserID, c.Params("id"))
	if err != nil {
		return err
	}
	status := fiber.StatusOK
	if created {
		status = fiber.StatusCreated
	}
	return h.render(c, status, e, lang, all)
}

func (h *Handler) completeLesson(c *fiber.Ctx) error {
	caller, err := httpapi.Authorize(c)
	if err != nil {
		return err
	}
	lang, all, err := httpapi.LangParam(c)
	if err != nil {
		return err
	}
	e, err := h.store.CompleteLesson(c.UserContext(), caller.UserID, c.Params("id"), pathParam(c, "lesson"), time.Time{})
	if err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, e, lang, all)
}

func (h *Handler) myEnrollments(c *fiber.Ctx) error {
	caller, err := httpapi.Authorize(c)
	if err != nil {
		return err
	}
	lang, all, err := httpapi.LangParam(c)
	if err != nil {
		return err
	}
	list, err := h.store.Enrollments(c.UserContext(), caller.UserID)
	if err != nil {
		return err
	}
	views := make([]EnrollmentView, 0, len(list))
	for _, e := range list {
		v, err := h.store.View(c.UserContext(), e, lang, all)
		if err != nil {
			return err
		}
		views = append(views, v)
	}
	return c.JSON(views)
}

func (h *Handler) myEnrollment(c *fiber.Ctx) error {
	caller, err := httpapi.Authorize(c)
	if err != nil {
		return err
	}
	lang, all, err := httpapi.LangParam(c)
	if err != nil {
		return err
	}
	e, err := h.store.Enrollment(c.UserContext(), caller.UserID, c.Params("course"))
	if err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, e, lang, all)
}

func (h *Handler) sync(c *fiber.Ctx) error {
	caller, err := httpapi.Authorize(c)
	if err != nil {
		return err
	}
	var in syncRequest
	if err := httpapi.BindJSON(c, &in); err != nil {
		return err
	}
	results, err := h.syncer.Apply(c.UserContext(), caller, in.Events)
	if err != nil {
		return err
	}
	pending := len(in.Events)
	if in.Pending != nil && *in.Pending > pending {
		pending = *in.Pending
	}
	if err := h.store.RecordSync(c.UserContext(), caller.UserID, pending, time.Now()); err != nil {
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
	return c.JSON(syncResponse{Results: out})
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

// render answers with the enrollment as its learner reads it.
func (h *Handler) render(c *fiber.Ctx, status int, e *Enrollment, lang lontar.Lang, all bool) error {
	v, err := h.store.View(c.UserContext(), e, lang, all)
	if err != nil {
		return err
	}
	return c.Status(status).JSON(v)
}
