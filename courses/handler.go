package courses

import (
	"context"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"lontar"
	"lontar/httpapi"
)

// Handler serves the course catalogue and course authoring.
type Handler struct {
	store   *Store
	catalog *Catalog
}

// NewHandler returns the courses HTTP handler.
func NewHandler(store *Store, catalog *Catalog) *Handler {
	return &Handler{store: store, catalog: catalog}
}

// Register mounts the routes under api (/api/v1).
func (h *Handler) Register(api fiber.Router) {
	api.Get("/courses", h.list)
	api.Post("/courses", h.create)
	api.Get("/courses/:id", h.get)
	api.Put("/courses/:id", h.update)
	api.Get("/courses/:id/draft", h.draft)
	api.Post("/courses/:id/publish", h.publish)
	api.Post("/courses/:id/copy", h.copy) // trainer, admin: a shared or own course
	api.Get("/courses/:id/lessons/:lesson_id", h.lesson)
}

// lang is the language of a course view: LangAll for ?lang=all.
func lang(c *fiber.Ctx) (lontar.Lang, error) {
	l, all, err := httpapi.LangParam(c)
	if all {
		return LangAll, err
	}
	return l, err
}

// sendCached answers with body and a strong ETag, or 304 when the client
// has it. no-cache: always revalidate, so a publish shows at once.
func sendCached(c *fiber.Ctx, etag string, body []byte) error {
	etag = `"` + etag + `"`
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set(fiber.HeaderVary, "Accept-Language, Accept-Encoding")
	if httpapi.ETagMatch(c.Get(fiber.HeaderIfNoneMatch), etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(body)
}

func (h *Handler) list(c *fiber.Ctx) error {
	l, err := lang(c)
	if err != nil {
		return err
	}
	if c.Query("mine") != "" {
		return h.drafts(c)
	}
	body, v, err := h.catalog.listJSON(c.UserContext(), l)
	if err != nil {
		return err
	}
	return sendCached(c, fmt.Sprintf("catalog-%d-%s", v, l), body)
}

// drafts lists the caller's institution's drafts (all, for admins).
func (h *Handler) drafts(c *fiber.Ctx) error {
	caller, err := httpapi.Authorize(c, lontar.RoleTrainer, lontar.RoleAdmin)
	if err != nil {
		return err
	}
	inst := caller.Institution
	if caller.Role == lontar.RoleAdmin {
		inst = ""
	}
	list, err := h.store.Drafts(c.UserContext(), inst)
	if err != nil {
		return err
	}
	out := make([]courseView, 0, len(list))
	for _, co := range list {
		v := summaryOf(co, LangAll)
		out = append(out, v)
	}
	return c.JSON(out)
}

func (h *Handler) get(c *fiber.Ctx) error {
	l, err := lang(c)
	if err != nil {
		return err
	}
	e, err := h.catalog.entry(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return sendCached(c, fmt.Sprintf("%s-v%d-%s", e.course.ID, e.course.Version, l), e.views[l])
}

func (h *Handler) lesson(c *fiber.Ctx) error {
	l, err := lang(c)
	if err != nil {
		return err
	}
	e, err := h.catalog.entry(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	want := c.Params("lesson_id")
	var flat []struct {
		module string
		lesson Lesson
	}
	for _, m := range e.course.Modules {
		for _, ls := range m.Lessons {
			flat = append(flat, struct {
				module string
				lesson Lesson
			}{m.ID, ls})
		}
	}
	for i, x := range flat {
		if x.lesson.ID != want {
			continue
		}
		v := lessonOf(x.lesson, l)
		v.CourseID, v.ModuleID = e.course.ID, x.module
		if i > 0 {
			v.PrevID = flat[i-1].lesson.ID
		}
		if i+1 < len(flat) {
			v.NextID = flat[i+1].lesson.ID
		}
		body, err := marshal(v)
		if err != nil {
			return fmt.Errorf("courses: encode lesson: %w", err)
		}
		return sendCached(c, fmt.Sprintf("%s-v%d-%s-%s", e.course.ID, e.course.Version, want, l), body)
	}
	return lontar.NotFound("Materi", "Lesson")
}

// authorize checks that the caller may edit course c.
func authorize(caller *lontar.Caller, c *Course) error {
	if caller.Role == lontar.RoleAdmin || caller.Role == lontar.RoleTrainer && caller.Institution == c.Institution {
		return nil
	}
	return lontar.ErrForbidden
}

func (h *Handler) create(c *fiber.Ctx) error {
	caller, err := httpapi.Authorize(c, lontar.RoleTrainer, lontar.RoleAdmin)
	if err != nil {
		return err
	}
	var in CourseInput
	if err := httpapi.BindJSON(c, &in); err != nil {
		return err
	}
	co := &Course{ID: in.ID, Institution: caller.Institution, Authors: []string{caller.UserID}, Status: StatusDraft}
	if caller.Role == lontar.RoleAdmin && in.Institution != "" {
		co.Institution = in.Institution
	}
	if co.Institution == "" {
		return lontar.FieldErrors(map[string]lontar.Text{"institution": lontar.T("Institusi wajib diisi.", "The institution is required.")})
	}
	if co.ID == "" {
		co.ID = newID("c")
	}
	in.apply(co)
	now := h.store.now().UTC().Truncate(1e6)
	co.CreatedAt, co.UpdatedAt = now, now
	if err := h.store.CreateDraft(c.UserContext(), co); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(co)
}

// copy makes a new draft in the caller's institution from a published
// course of the shared curriculum (or of their own institution), for the
// trainer to adapt: same modules, lessons and Markdown, new course id.
func (h *Handler) copy(c *fiber.Ctx) error {
	caller, err := httpapi.Authorize(c, lontar.RoleTrainer, lontar.RoleAdmin)
	if err != nil {
		return err
	}
	src, err := h.catalog.Get(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	if caller.Role == lontar.RoleTrainer && !src.Shared() && src.Institution != caller.Institution {
		return lontar.ErrForbidden
	}
	inst := caller.Institution
	if inst == "" {
		return lontar.FieldErrors(map[string]lontar.Text{"institution": lontar.T("Institusi wajib diisi.", "The institution is required.")})
	}
	now := h.store.now().UTC().Truncate(1e6)
	co := &Course{ID: newID("c"), Institution: inst, Authors: []string{caller.UserID}, Status: StatusDraft,
		Topic: src.Topic, Level: src.Level, Title: src.Title, Summary: src.Summary, CreatedAt: now, UpdatedAt: now}
	for _, m := range src.Modules {
		mod := Module{ID: m.ID, Title: m.Title}
		for _, l := range m.Lessons {
			mod.Lessons = append(mod.Lessons, Lesson{ID: l.ID, Title: l.Title, Body: l.Body, EstMinutes: l.EstMinutes})
		}
		co.Modules = append(co.Modules, mod)
	}
	if err := h.store.CreateDraft(c.UserContext(), co); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(co)
}

func (h *Handler) editable(ctx context.Context, caller *lontar.Caller, id string) (*Course, error) {
	co, err := h.store.Draft(ctx, id)
	if err != nil {
		return nil, err
	}
	return co, authorize(caller, co)
}

func (h *Handler) update(c *fiber.Ctx) error {
	caller, err := httpapi.Authorize(c, lontar.RoleTrainer, lontar.RoleAdmin)
	if err != nil {
		return err
	}
	co, err := h.editable(c.UserContext(), caller, c.Params("id"))
	if err != nil {
		return err
	}
	var in CourseInput
	if err := httpapi.BindJSON(c, &in); err != nil {
		return err
	}
	readAt := co.UpdatedAt
	in.apply(co)
	if !contains(co.Authors, caller.UserID) {
		co.Authors = append(co.Authors, caller.UserID)
	}
	// A trainer's edit makes a seeded course theirs: seeding never
	// overwrites it again.
	co.Seeded, co.SeedHash = false, ""
	co.UpdatedAt = h.store.now().UTC().Truncate(1e6)
	if err := h.store.ReplaceDraft(c.UserContext(), co, readAt); err != nil {
		return err
	}
	return c.JSON(co)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (h *Handler) draft(c *fiber.Ctx) error {
	caller, err := httpapi.Authorize(c, lontar.RoleTrainer, lontar.RoleAdmin)
	if err != nil {
		return err
	}
	co, err := h.editable(c.UserContext(), caller, c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(co)
}

func (h *Handler) publish(c *fiber.Ctx) error {
	caller, err := httpapi.Authorize(c, lontar.RoleTrainer, lontar.RoleAdmin)
	if err != nil {
		return err
	}
	if _, err := h.editable(c.UserContext(), caller, c.Params("id")); err != nil {
		return err
	}
	pub, err := h.store.Publish(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	h.catalog.Invalidate()
	return c.JSON(summaryOf(pub, LangAll))
}
