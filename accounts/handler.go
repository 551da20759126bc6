package accounts

import (
	"github.com/gofiber/fiber/v2"

	"lontar"
	"lontar/httpapi"
)

// Handler serves accounts: registration, login, tokens, the caller's own
// user, and admin-created users.
type Handler struct {
	store   *Store
	tokens  *Tokens
	limiter *Limiter
}

// NewHandler returns the accounts HTTP handler.
func NewHandler(store *Store, tokens *Tokens, limiter *Limiter) *Handler {
	tokens.CheckRevocations(store)
	return &Handler{store: store, tokens: tokens, limiter: limiter}
}

// Register mounts the routes under api (/api/v1).
func (h *Handler) Register(api fiber.Router) {
	api.Post("/auth/register", h.register)
	api.Post("/auth/login", h.login)
	api.Post("/auth/refresh", h.refresh)
	api.Post("/auth/logout", h.logout)
	api.Post("/auth/activate", h.activate)
	api.Get("/me", h.me)
	api.Patch("/me", h.updateMe)
	api.Post("/users", h.createUser)
	api.Get("/users/:id", h.getUser)
	api.Post("/users/:id/code", h.issueCode)
}

// session is what a login, registration or activation returns.
type session struct {
	User         *User  `json:"user,omitempty"`
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresAt    string `json:"expires_at"`
}

func (h *Handler) newSession(c *fiber.Ctx, u *User, status int) error {
	sid, refresh, err := h.store.StartSession(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	access, exp, err := h.tokens.IssueSession(u.Caller(), sid)
	if err != nil {
		return err
	}
	return c.Status(status).JSON(session{User: u, AccessToken: access, RefreshToken: refresh, ExpiresAt: exp.UTC().Format(timeFormat)})
}

const timeFormat = "2006-01-02T15:04:05Z07:00"

func (h *Handler) register(c *fiber.Ctx) error {
	if err := h.limiter.AllowAddress(c.UserContext(), c.IP()); err != nil {
		return err
	}
	var in RegisterInput
	if err := httpapi.BindJSON(c, &in); err != nil {
		return err
	}
	u, err := h.store.Register(c.UserContext(), in)
	if err != nil {
		return err
	}
	return h.newSession(c, u, fiber.StatusCreated)
}

func (h *Handler) login(c *fiber.Ctx) error {
	ctx := c.UserContext()
	if err := h.limiter.AllowAddress(ctx, c.IP()); err != nil {
		return err
	}
	var in LoginInput
	if err := httpapi.BindJSON(c, &in); err != nil {
		return err
	}
	phone, err := NormalizePhone(in.Phone)
	if err != nil {
		return ErrBadCredentials
	}
	if err := h.limiter.CheckLogin(ctx, phone, c.IP()); err != nil {
		return err
	}
	u, err := h.store.Authenticate(ctx, phone, in.Password)
	if err != nil {
		return err
	}
	if err := h.limiter.LoginSucceeded(ctx, phone, c.IP()); err != nil {
		return err
	}
	return h.newSession(c, u, fiber.StatusOK)
}

func (h *Handler) activate(c *fiber.Ctx) error {
	ctx := c.UserContext()
	if err := h.limiter.AllowAddress(ctx, c.IP()); err != nil {
		return err
	}
	var in ActivateInput
	if err := httpapi.BindJSON(c, &in); err != nil {
		return err
	}
	u, revoked, err := h.store.Activate(ctx, in)
	if err != nil {
		return err
	}
	for _, sid := range revoked {
		h.tokens.Revoked(sid)
	}
	return h.newSession(c, u, fiber.StatusOK)
}

func (h *Handler) refresh(c *fiber.Ctx) error {
	var in TokenInput
	if err := httpapi.BindJSON(c, &in); err != nil {
		return err
	}
	u, sid, next, err := h.store.Rotate(c.UserContext(), in.RefreshToken)
	if err != nil {
		return err
	}
	access, exp, err := h.tokens.IssueSession(u.Caller(), sid)
	if err != nil {
		return err
	}
	return c.JSON(session{AccessToken: access, RefreshToken: next, ExpiresAt: exp.UTC().Format(timeFormat)})
}

func (h *Handler) logout(c *fiber.Ctx) error {
	var in TokenInput
	if err := httpapi.BindJSON(c, &in); err != nil {
		return err
	}
	sid, err := h.store.Logout(c.UserContext(), in.RefreshToken)
	if err != nil {
		return err
	}
	if sid != "" {
		h.tokens.Revoked(sid)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handler) me(c *fiber.Ctx) error {
	caller, err := httpapi.Authorize(c)
	if err != nil {
		return err
	}
	u, err := h.store.Get(c.UserContext(), caller.UserID)
	if err != nil {
		return err
	}
	return c.JSON(u)
}

func (h *Handler) updateMe(c *fiber.Ctx) error {
	caller, err := httpapi.Authorize(c)
	if err != nil {
		return err
	}
	var in UpdateMe
	if err := httpapi.BindJSON(c, &in); err != nil {
		return err
	}
	u, err := h.store.Update(c.UserContext(), caller.UserID, in)
	if err != nil {
		return err
	}
	return c.JSON(u)
}

func (h *Handler) createUser(c *fiber.Ctx) error {
	if _, err := httpapi.Authorize(c, lontar.RoleAdmin); err != nil {
		return err
	}
	var in CreateUserInput
	if err := httpapi.BindJSON(c, &in); err != nil {
		return err
	}
	u, err := h.store.CreateUser(c.UserContext(), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(u)
}

func (h *Handler) getUser(c *fiber.Ctx) error {
	if _, err := httpapi.Authorize(c, lontar.RoleAdmin); err != nil {
		return err
	}
	u, err := h.store.Get(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(u)
}

// issueCode gives a user a new activation or password reset code (admins;
// trainers do it for their cohorts' participants through the cohorts API).
func (h *Handler) issueCode(c *fiber.Ctx) error {
	if _, err := httpapi.Authorize(c, lontar.RoleAdmin); err != nil {
		return err
	}
	code, err := h.store.IssueCode(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(code)
}
