package reports

import (
	"bytes"
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"lontar"
	"lontar/httpapi"
)

// Handler serves the reports API.
type Handler struct {
	store *Store
	xapi  *XAPI
	help  *Trainer
}

// NewHandler returns the reports HTTP handler.
func NewHandler(store *Store, xapi *XAPI, help *Trainer) *Handler {
	return &Handler{store: store, xapi: xapi, help: help}
}

// Register mounts the routes under api (/api/v1).
func (h *Handler) Register(api fiber.Router) {
	api.Get("/reports/summary", h.summary)
	api.Get("/reports/export.csv", h.exportCSV)
	api.Get("/reports/export.json", h.exportJSON)
	api.Get("/reports/xapi", h.statements)
	api.Post("/reports/rebuild", h.rebuild)
	api.Get("/reports/cohorts/:id", h.cohort)
}

// readers may read aggregate reports (each within their own scope).
var readers = []lontar.Role{lontar.RoleAgency, lontar.RoleAdmin, lontar.RoleTrainer}

func (h *Handler) report(c *fiber.Ctx) (*Summary, error) {
	caller, err := httpapi.Authorize(c, readers...)
	if err != nil {
		return nil, err
	}
	f, err := ParseFilter(query(c))
	if err != nil {
		return nil, err
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return h.store.Summary(c.UserContext(), caller, f, httpapi.Lang(c))
}

func query(c *fiber.Ctx) url.Values {
	q, _ := url.ParseQuery(string(c.Request().URI().QueryString()))
	return q
}

func (h *Handler) summary(c *fiber.Ctx) error {
	s, err := h.report(c)
	if err != nil {
		return err
	}
	return c.JSON(s)
}

func (h *Handler) exportJSON(c *fiber.Ctx) error {
	s, err := h.report(c)
	if err != nil {
		return err
	}
	return c.JSON(Export(s))
}

func (h *Handler) exportCSV(c *fiber.Ctx) error {
	s, err := h.report(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, Export(s)); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="lontar-laporan-`+s.AsOf+`.csv"`)
	return c.Send(buf.Bytes())
}

// statements serves GET /reports/xapi?since=&limit=&after=&course_id=.
func (h *Handler) statements(c *fiber.Ctx) error {
	caller, err := httpapi.Authorize(c, lontar.RoleAgency, lontar.RoleAdmin)
	if err != nil {
		return err
	}
	q := XAPIQuery{Limit: 100, Course: c.Query("course_id")}
	fields := map[string]lontar.Text{}
	for k := range query(c) {
		switch k {
		case "since", "limit", "after", "course_id":
		default:
			fields[k] = lontar.T("Parameter tidak dikenal.", "Unknown parameter.")
		}
	}
	if v := c.Query("since"); v != "" {
		if q.Since, err = time.Parse(time.RFC3339Nano, v); err != nil {
			fields["since"] = lontar.T("since harus waktu RFC 3339.", "since must be an RFC 3339 time.")
		}
	}
	if v := c.Query("limit"); v != "" {
		if q.Limit, err = strconv.Atoi(v); err != nil || q.Limit < 1 || q.Limit > 500 {
			fields["limit"] = lontar.T("limit antara 1 dan 500.", "limit must be between 1 and 500.")
		}
	}
	if v := c.Query("after"); v != "" {
		if q.After, err = strconv.ParseInt(v, 10, 64); err != nil || q.After < 0 {
			fields["after"] = lontar.T("after harus bilangan dari halaman sebelumnya.", "after must be the number given by the previous page.")
		}
	}
	if len(fields) > 0 {
		e := lontar.NewError(lontar.EBadRequest, "Parameter xAPI tidak benar.", "Bad xAPI parameters.")
		e.Fields = fields
		return e
	}
	list, next, err := h.xapi.Page(c.UserContext(), caller, q)
	if err != nil {
		return err
	}
	c.Set("X-Experience-API-Version", "1.0.3")
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	if next > 0 {
		v := url.Values{"after": {strconv.FormatInt(next, 10)}, "limit": {strconv.Itoa(q.Limit)}}
		if !q.Since.IsZero() {
			v.Set("since", q.Since.Format(time.RFC3339Nano))
		}
		if q.Course != "" {
			v.Set("course_id", q.Course)
		}
		c.Set(fiber.HeaderLink, `</api/v1/reports/xapi?`+v.Encode()+`>; rel="next"`)
	}
	return c.JSON(list)
}

func (h *Handler) rebuild(c *fiber.Ctx) error {
	if _, err := httpapi.Authorize(c, lontar.RoleAdmin); err != nil {
		return err
	}
	res, err := h.store.Rebuild(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(res)
}

func (h *Handler) cohort(c *fiber.Ctx) error {
	caller, err := httpapi.Authorize(c, lontar.RoleTrainer, lontar.RoleAdmin)
	if err != nil {
		return err
	}
	v, err := h.help.Cohort(c.UserContext(), caller, c.Params("id"), httpapi.Lang(c))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.JSON(v)
}
