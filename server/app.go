package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"

	"lontar"
	"lontar/accounts"
	"lontar/certificates"
	"lontar/cohorts"
	"lontar/courses"
	"lontar/database"
	"lontar/enrollments"
	"lontar/frontend"
	"lontar/httpapi"
	"lontar/practice"
	"lontar/quizzes"
	"lontar/regions"
	"lontar/reports"
)

// buildApp wires every feature into one Fiber app: stores, indexes, seed
// data, then the route table. run and the tests both build the app here.
func buildApp(ctx context.Context, cfg Config, conn *database.Conn, logger *slog.Logger) (*fiber.App, error) {
	db := conn.DB

	key, err := accounts.LoadOrCreateKey(filepath.Join(cfg.DataDir, "keys", "access-token.key"))
	if err != nil {
		return nil, err
	}
	tokens := accounts.NewTokens(key)
	users := accounts.NewStore(db)
	limiter := accounts.NewLimiter(db)

	// Stores are built in dependency order, each given what it needs: the
	// quiz store needs nothing, enrollments ask it for a course's final quiz
	// and certificates for the certificate of a completed course;
	// certificates name the learner's cohort through cohorts.Names, which
	// needs only the database.
	quizStore := quizzes.NewStore(db)
	courseStore := courses.NewStore(db)
	catalog := courses.NewCatalog(courseStore)
	certStore := certificates.NewStore(db)
	certKeys, err := certificates.LoadKeys(ctx, db, filepath.Join(cfg.DataDir, "keys", "certificates"))
	if err != nil {
		return nil, err
	}
	// Reports keep their aggregates up to date as enrollments change and
	// as certificates are issued or revoked.
	reportStore := reports.NewStore(db, certificateValidity{certStore})
	certs := certificates.NewService(certStore, certKeys, certificates.Config{
		PublicURL: cfg.PublicURL, Cohorts: cohorts.NewNames(db),
		OnEvent: func(ctx context.Context, ev certificates.Event) {
			// A failure here is healed by the enrollment's next change or a rebuild.
			if err := reportStore.EnrollmentChanged(ctx, ev.Certificate.UserID, ev.Certificate.CourseID); err != nil {
				logger.Error("reports: certificate "+ev.Kind, "code", ev.Certificate.Code, "err", err)
			}
		}})
	enrollmentStore := enrollments.NewStore(db, catalog, users, quizStore, certs, reportStore)
	cohortStore := cohorts.NewStore(db, catalog, enrollmentStore, users, cfg.PublicURL)
	quizService := quizzes.NewService(quizStore, courseStore, enrollmentStore)
	// Every event type POST /sync accepts, and what applies it.
	syncer := enrollments.NewSyncer(db, map[string]lontar.SyncApplier{
		enrollments.EventLessonCompleted: enrollments.LessonCompletions(enrollmentStore),
		quizzes.EventQuizSubmitted:       quizService,
		practice.EventPracticeDone:       practice.NewApplier(catalog, enrollmentStore),
	})

	if err := regions.Load(); err != nil {
		return nil, err
	}
	web, err := frontend.New()
	if err != nil {
		return nil, fmt.Errorf("frontend: %w", err)
	}

	for _, ensure := range []func(context.Context) error{
		users.EnsureIndexes, limiter.EnsureIndexes, courseStore.EnsureIndexes, enrollmentStore.EnsureIndexes,
		cohortStore.EnsureIndexes, syncer.EnsureIndexes, quizStore.EnsureIndexes, certStore.EnsureIndexes,
		reportStore.EnsureIndexes,
	} {
		if err := ensure(ctx); err != nil {
			return nil, fmt.Errorf("ensure indexes: %w", err)
		}
	}
	if err := conn.IndexIDLookups(ctx); err != nil {
		return nil, fmt.Errorf("index _id lookups: %w", err)
	}
	if cfg.BootstrapAdminPhone != "" {
		if err := users.EnsureBootstrapAdmin(ctx, cfg.BootstrapAdminPhone, cfg.BootstrapAdminPassword); err != nil {
			return nil, fmt.Errorf("bootstrap admin: %w", err)
		}
	}
	// The curriculum is seeded at every start; seeding is idempotent and
	// never overwrites what a trainer edited.
	if _, err := courses.Seed(ctx, courseStore, catalog); err != nil {
		return nil, fmt.Errorf("seed courses: %w", err)
	}
	if _, err := quizService.Seed(ctx); err != nil {
		return nil, fmt.Errorf("seed quizzes: %w", err)
	}
	// Finish a report change a crash interrupted, and load the aggregates.
	if err := reportStore.Start(ctx); err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	if cfg.RebuildReports {
		res, err := reportStore.Rebuild(ctx)
		if err != nil {
			return nil, fmt.Errorf("reports: rebuild: %w", err)
		}
		logger.Info("reports rebuilt", "enrollments", res.Enrollments, "cells", res.Cells, "seconds", res.Seconds)
	}
	// Learners' changes reach the aggregates in the background, after
	// their requests have answered (reports/queue.go).
	if err := reportStore.Work(ctx, logger); err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	pseudonymKey, err := accounts.LoadOrCreateKey(filepath.Join(cfg.DataDir, "keys", "xapi-pseudonym.key"))
	if err != nil {
		return nil, err
	}

	app := httpapi.NewApp(httpapi.Options{Logger: logger, Verifier: tokens, TrustedProxies: cfg.TrustedProxies})
	app.Use(compress.New(compress.Config{Level: compress.LevelBestSpeed,
		// Static assets are stored compressed already; only API JSON is
		// compressed per response.
		Next: func(c *fiber.Ctx) bool { return !isAPI(c.Path()) }}))

	app.Get("/healthz", func(c *fiber.Ctx) error { return c.JSON(fiber.Map{"status": "ok"}) })
	app.Get("/readyz", func(c *fiber.Ctx) error {
		pctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
		defer cancel()
		if err := conn.Ping(pctx); err != nil {
			return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable"})
		}
		return c.JSON(fiber.Map{"status": "ready"})
	})

	api := app.Group("/api/v1")
	api.Get("/settings", func(c *fiber.Ctx) error {
		return c.JSON(Settings{HomeRegion: cfg.HomeRegion, DataPricePerGB: cfg.DataPricePerGB, Currency: "IDR"})
	})
	regions.Register(api)
	accounts.NewHandler(users, tokens, limiter).Register(api)
	courses.NewHandler(courseStore, catalog).Register(api)
	enrollments.NewHandler(enrollmentStore, syncer).Register(api)
	cohorts.NewHandler(cohortStore, enrollmentStore, users, users).Register(api)
	quizzes.NewHandler(quizService).Register(api)
	certHandler := certificates.NewHandler(certs)
	certHandler.Register(api)
	certHandler.RegisterPublic(app)
	certificates.NewCohortHandler(certs, cohortRosters{cohorts: cohortStore, catalog: catalog, finals: quizStore}).Register(api)
	reports.NewHandler(reportStore, reports.NewXAPI(reportStore, cfg.PublicURL, pseudonymKey),
		reports.NewTrainer(reportStore, users)).Register(api)

	app.Get("/api/openapi.json", openAPIHandler())
	// A mistyped API path gets a JSON 404, never the web app.
	app.All("/api/*", func(*fiber.Ctx) error {
		return lontar.NewError(lontar.ENotFound, "Alamat API tidak ditemukan.", "API route not found.")
	})
	app.Use(web.Handler())
	return app, nil
}

// Settings is what the web app needs to know about this deployment.
type Settings struct {
	HomeRegion     string `json:"home_region"`       // listed first in region pickers
	DataPricePerGB int    `json:"data_price_per_gb"` // Rupiah, to show what saving a course costs
	Currency       string `json:"currency"`
}

func isAPI(p string) bool {
	return len(p) >= 5 && p[:5] == "/api/"
}

// certificateValidity tells reports whether a certificate still stands.
type certificateValidity struct{ store *certificates.Store }

func (v certificateValidity) CertificateValid(ctx context.Context, code string) (bool, error) {
	c, err := v.store.ByCode(ctx, code)
	if lontar.IsCode(err, lontar.ENotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return c.Status() == certificates.StatusValid, nil
}
