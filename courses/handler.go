package courses

import (
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
	api.Post("/courses/:id/copy", h.copy)   // trainer, admin: a shared or own course
	api.Post("/courses/preview", h.preview) // trainer, admin: Markdown → the HTML learners would get
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
	body, etag, err := h.catalog.ListJSON(c.UserContext(), l)
	if err != nil {
		return err
	}
	return sendCached(c, etag, body)
}

// drafts lists the caller's institution's drafts (all, for admins).
func (h *Handler) drafts(c *fiber.Ctx) error {
	caller, err := httpapi.Authorize(c, lontar.RoleTrainer, lontar.RoleAdmin)
	if err != nil {
		return err
	}
	list, err := h.store.DraftsOf(c.UserContext(), caller)
	if err != nil {
		return err
	}
	out := make([]courseView, 0, len(list))
	for _, co := range list {
		out = append(out, summaryOf(co, LangAll))
	}
	return c.JSON(out)
}

func (h *Handler) get(c *fiber.Ctx) error {
	l, err := lang(c)
	if err != nil {
		return err
	}
	body, etag, err := h.catalog.CourseJSON(c.UserContext(), c.Params("id"), l)
	if err != nil {
		return err
	}
	return sendCached(c, etag, body)
}

func (h *Handler) lesson(c *fiber.Ctx) error {
	l, err := lang(c)
	if err != nil {
		return err
	}
	body, etag, err := h.catalog.LessonJSON(c.UserContext(), c.Params("id"), c.Params("lesson_id"), l)
	if err != nil {
		return err
	}
	return sendCached(c, etag, body)
}

func (h *Handler) create(c *fiber.Ctx) error {
	caller, err := httpapi.Authorize(c, lontar.RoleTrainer, lontar.RoleAdmin)
	if err != nil {
		return err
	}
	var in CourseInput
	if err := httpapi.DecodeJSON(c, &in); err != nil {
		return err
	}
	co, err := h.store.Create(c.UserContext(), caller, &in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(co)
}

// previewRequest is one lesson body to render as it would be published.
type previewRequest struct {
	Markdown string `json:"markdown" validate:"max=10240" label:"Isi pelajaran|Lesson body"`
	Lang     string `json:"lang" validate:"omitempty,oneof=id en" label:"Bahasa|Language"`
}

// previewResponse is the sanitised HTML learners would get.
type previewResponse struct {
	HTML string `json:"html"`
}

// preview renders Markdown exactly as publishing will, so an author sees
// what learners will read before publishing.
func (h *Handler) preview(c *fiber.Ctx) error {
	if _, err := httpapi.Authorize(c, lontar.RoleTrainer, lontar.RoleAdmin); err != nil {
		return err
	}
	var in previewRequest
	if err := httpapi.BindJSON(c, &in); err != nil {
		return err
	}
	if in.Lang == "" {
		in.Lang = "id"
	}
	html, err := renderLesson(in.Markdown, in.Lang)
	if err != nil {
		return err
	}
	return c.JSON(previewResponse{HTML: html})
}

// copy makes a draft in the caller's institution from a shared (or
// their own) published course.
func (h *Handler) copy(c *fiber.Ctx) error {
	caller, err := httpapi.Authorize(c, lontar.RoleTrainer, lontar.RoleAdmin)
	if err != nil {
		return err
	}
	co, err := h.store.Copy(c.UserContext(), caller, h.catalog, c.Params("id"))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(co)
}

func (h *Handler) update(c *fiber.Ctx) error {
	caller, err := httpapi.Authorize(c, lontar.RoleTrainer, lontar.RoleAdmin)
	if err != nil {
		return err
	}
	var in CourseInput
	if err := httpapi.DecodeJSON(c, &in); err != nil {
		return err
	}
	co, err := h.store.Update(c.UserContext(), caller, c.Params("id"), &in)
	if err != nil {
		return err
	}
	return c.JSON(co)
}

func (h *Handler) draft(c *fiber.Ctx) error {
	caller, err := httpapi.Authorize(c, lontar.RoleTrainer, lontar.RoleAdmin)
	if err != nil {
		return err
	}
	co, err := h.store.EditableDraft(c.UserContext(), caller, c.Params("id"))
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
	pub, err := h.store.PublishAs(c.UserContext(), caller, c.Params("id"))
	if err != nil {
		return err
	}
	h.catalog.Invalidate() // this instance shows the new version at once
	return c.JSON(summaryOf(pub, LangAll))
}
