package certificates

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"lontar"
	"lontar/httpapi"
)

// Handler serves certificates over HTTP.
type Handler struct {
	svc *Service
}

// NewHandler returns the handler.
func NewHandler(svc *Service) *Handler { return &Handler{svc: svc} }

// Register adds the API routes, relative to /api/v1.
func (h *Handler) Register(api fiber.Router) {
	api.Get("/me/certificates", h.mine)                       // the learner
	api.Get("/certificates/:code", h.get)                     // public
	api.Get("/certificates/:code/pdf", h.pdf)                 // public
	api.Get("/certificates/:code/credential", h.credential)   // public
	api.Get("/certificates/:code/revocations", h.revocations) // public
	api.Post("/certificates/:code/revoke", h.revoke)          // the issuing institution's trainers, admin
	api.Get("/issuers/:institution", h.issuer)                // public
	api.Post("/signing-keys/rotate", h.rotate)                // admin
}

// RegisterPublic adds the routes outside /api/v1: the JWKS and the human
// verification page.
func (h *Handler) RegisterPublic(app fiber.Router) {
	app.Get("/.well-known/jwks.json", h.jwks)
	app.Get("/verify", h.verifyForm)
	app.Get("/verify/:code", h.verifyPage)
}

func (h *Handler) mine(c *fiber.Ctx) error {
	caller, err := httpapi.Authorize(c)
	if err != nil {
		return err
	}
	list, err := h.svc.Mine(c.UserContext(), caller)
	if err != nil {
		return err
	}
	lang := httpapi.Lang(c)
	views := make([]View, 0, len(list))
	for _, cert := range list {
		views = append(views, h.svc.view(cert, lang))
	}
	c.Set(fiber.HeaderCacheControl, "private, no-cache")
	return c.JSON(views)
}

func (h *Handler) get(c *fiber.Ctx) error {
	cert, err := h.svc.Get(c.UserContext(), c.Params("code"))
	if err != nil {
		return err
	}
	// Revocation must show at once: caches revalidate every time.
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.JSON(h.svc.view(cert, httpapi.Lang(c)))
}

func (h *Handler) pdf(c *fiber.Ctx) error {
	b, cert, err := h.svc.PDF(c.UserContext(), c.Params("code"))
	if err != nil {
		return err
	}
	sum := sha256.Sum256(b)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderCacheControl, "no-cache")
	disposition := "inline"
	if c.Query("download") != "" {
		disposition = "attachment"
	}
	c.Set(fiber.HeaderContentDisposition, disposition+`; filename="sertifikat-`+cert.Code+`.pdf"`)
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	return c.Send(b)
}

func (h *Handler) credential(c *fiber.Ctx) error {
	jws, _, err := h.svc.Credential(c.UserContext(), c.Params("code"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set(fiber.HeaderContentType, "application/vc+jwt")
	return c.SendString(jws)
}

func (h *Handler) revocations(c *fiber.Ctx) error {
	list, err := h.svc.Revocations(c.UserContext(), c.Params("code"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.JSON(list)
}

func (h *Handler) revoke(c *fiber.Ctx) error {
	caller, err := httpapi.Authorize(c, lontar.RoleTrainer, lontar.RoleAdmin)
	if err != nil {
		return err
	}
	var in RevokeInput
	if err := httpapi.DecodeJSON(c, &in); err != nil {
		return err
	}
	cert, err := h.svc.Revoke(c.UserContext(), caller, c.Params("code"), in)
	if err != nil {
		return err
	}
	return c.JSON(h.svc.view(cert, httpapi.Lang(c)))
}

// issuer serves the issuer's Open Badges Profile, which credentials name
// by this URL.
func (h *Handler) issuer(c *fiber.Ctx) error {
	inst, err := url.PathUnescape(c.Params("institution"))
	// Institutions are at most 120 characters (accounts.CreateUserInput).
	if err != nil || inst == "" || len(inst) > 120 {
		return lontar.NotFound("Penerbit", "Issuer")
	}
	name, err := h.svc.IssuerName(c.UserContext(), inst)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{
		"@context": credentialContext,
		"id":       h.svc.issuerURL(inst),
		"type":     []string{"Profile"},
		"name":     name,
	})
}

func (h *Handler) rotate(c *fiber.Ctx) error {
	if _, err := httpapi.Authorize(c, lontar.RoleAdmin); err != nil {
		return err
	}
	thumb, err := h.svc.keys.Rotate(c.UserContext())
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"kid": h.svc.kid(thumb)})
}

func (h *Handler) jwks(c *fiber.Ctx) error {
	set, err := h.svc.JWKS(c.UserContext())
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	c.Set(fiber.HeaderContentType, "application/jwk-set+json")
	return c.JSON(set, "application/jwk-set+json")
}
