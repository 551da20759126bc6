package httpapi

import (
	"errors"
	"log/slog"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"lontar"
	"lontar/database"
)

var statusOf = map[string]int{
	lontar.EBadRequest:      fiber.StatusBadRequest,
	lontar.EUnauthenticated: fiber.StatusUnauthorized,
	lontar.EForbidden:       fiber.StatusForbidden,
	lontar.ENotFound:        fiber.StatusNotFound,
	lontar.EConflict:        fiber.StatusConflict,
	lontar.ETooLarge:        fiber.StatusRequestEntityTooLarge,
	lontar.EInvalid:         fiber.StatusUnprocessableEntity,
	lontar.ERateLimited:     fiber.StatusTooManyRequests,
	lontar.EUnavailable:     fiber.StatusServiceUnavailable,
	lontar.EInternal:        fiber.StatusInternalServerError,
}

// fiberErrors translates Fiber's own errors (routing, body limit) into
// lontar errors so their bodies have the contract's shape and language.
var fiberErrors = map[int]*lontar.Error{
	fiber.StatusNotFound:              lontar.NewError(lontar.ENotFound, "Alamat tidak ditemukan.", "Not found."),
	fiber.StatusMethodNotAllowed:      lontar.NewError(lontar.EBadRequest, "Metode tidak didukung.", "Method not allowed."),
	fiber.StatusRequestEntityTooLarge: lontar.NewError(lontar.ETooLarge, "Data terlalu besar (maksimal 1 MiB).", "The request is too large (1 MiB at most)."),
	fiber.StatusBadRequest:            lontar.NewError(lontar.EBadRequest, "Permintaan tidak dapat dibaca.", "The request could not be read."),
	fiber.StatusUnsupportedMediaType:  lontar.NewError(lontar.EBadRequest, "Jenis isi tidak didukung.", "Unsupported content type."),
}

var errInternal = lontar.NewError(lontar.EInternal,
	"Terjadi kesalahan di server. Coba lagi sebentar lagi.", "Something went wrong on the server. Please try again shortly.")

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// ErrorHandler is the one place where an error becomes an HTTP response.
// Errors that are not *lontar.Error are internal: logged once with the
// request ID, and answered with a generic message.
func ErrorHandler(logger *slog.Logger) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		var e *lontar.Error
		var fe *fiber.Error
		switch {
		case errors.As(err, &e):
		case errors.As(err, &fe):
			if mapped, ok := fiberErrors[fe.Code]; ok {
				e = mapped
			} else if fe.Code < 500 {
				e = lontar.NewError(lontar.EBadRequest, "Permintaan tidak dapat diproses.", "The request could not be processed.")
			}
		}
		if e == nil && database.IsUnavailable(err) {
			// The store is down or slow: a 503 the app retries, not a 500.
			err = lontar.Unavailable(err)
			errors.As(err, &e)
		}
		if e == nil || e.Code == lontar.EInternal {
			logger.Error("request failed", "request_id", c.GetRespHeader(fiber.HeaderXRequestID),
				"method", c.Method(), "path", c.Path(), "err", err)
			e = errInternal
		}
		if e.Code == lontar.EUnavailable {
			// The app retries; operators must see why.
			logger.Warn("store unavailable", "request_id", c.GetRespHeader(fiber.HeaderXRequestID),
				"method", c.Method(), "path", c.Path(), "err", err)
			if e.RetryAfter == 0 {
				c.Set(fiber.HeaderRetryAfter, "5")
			}
		}
		// Also on errors met before any middleware ran (a body too large).
		c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
		status, ok := statusOf[e.Code]
		if !ok {
			status = fiber.StatusInternalServerError
		}
		if e.RetryAfter > 0 {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(e.RetryAfter))
		}
		lang := Lang(c)
		body := errorBody{Error: errorDetail{Code: e.Code, Message: e.Message.In(lang)}}
		if len(e.Fields) > 0 {
			body.Error.Fields = make(map[string]string, len(e.Fields))
			for k, v := range e.Fields {
				body.Error.Fields[k] = v.In(lang)
			}
		}
		return c.Status(status).JSON(body)
	}
}
