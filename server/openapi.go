package main

import (
	"encoding/json"
	"maps"
	"regexp"
	"strings"

	"github.com/gofiber/fiber/v2"

	"lontar"
	"lontar/accounts"
	"lontar/apidoc"
	"lontar/certificates"
	"lontar/cohorts"
	"lontar/courses"
	"lontar/enrollments"
	"lontar/quizzes"
	"lontar/regions"
	"lontar/reports"
)

// route documents one API operation. The OpenAPI document is built from
// this table, and a test fails when the app registers a route missing here.
type route struct {
	Method, Path, Tag, Summary string
	Roles                      string // "" public; "any" any signed-in user; else the roles allowed
	Body                       string // request body description, "" for none
	OK                         int    // success status
}

var apiRoutes = []route{
	{"GET", "/healthz", "ops", "Liveness: 200 while the process runs", "", "", 200},
	{"GET", "/readyz", "ops", "Readiness: 200 once the store answers, 503 otherwise", "", "", 200},
	{"GET", "/api/openapi.json", "ops", "This document", "", "", 200},

	{"GET", "/api/v1/settings", "app", "This deployment's home region and data price per GB (Rupiah)", "", "", 200},
	{"GET", "/api/v1/regions", "accounts", "NTT kabupaten/kota and Kupang kecamatan with BPS codes; ?parent= filters", "", "", 200},
	{"POST", "/api/v1/auth/register", "accounts", "Register a learner → {user, access_token, refresh_token}", "", "{phone, name, password, profile:{business_name, sector, region, gender, birth_year, nib}}", 201},
	{"POST", "/api/v1/auth/login", "accounts", "Log in; per phone and address a growing delay after 3 failures and a lock after 10 an hour, a per-phone ceiling for unknown addresses (429 with Retry-After)", "", "{phone, password}", 200},
	{"POST", "/api/v1/auth/refresh", "accounts", "Rotate a refresh token; reusing one revokes the chain; 401 only for a missing or spent token, 503 when the store fails (retry)", "", "{refresh_token}", 200},
	{"POST", "/api/v1/auth/logout", "accounts", "Revoke the session of a refresh token", "", "{refresh_token}", 204},
	{"POST", "/api/v1/auth/activate", "accounts", "Set a password with a one-time code: activation (participants a trainer imported) or reset (a forgotten password; ends the other sessions)", "", "{phone, code, password}", 200},
	{"GET", "/api/v1/me", "accounts", "The caller's user", "any", "", 200},
	{"PATCH", "/api/v1/me", "accounts", "Update the caller's name and profile", "any", "{name?, profile?}", 200},
	{"POST", "/api/v1/users", "accounts", "Create a user with a role", "admin", "{phone, name, password, role, institution, scope}", 201},
	{"GET", "/api/v1/users/:id", "accounts", "One user", "admin", "", 200},
	{"POST", "/api/v1/users/:id/code", "accounts", "Issue a new one-time code → {user_id, kind: activation|reset, code, expires_at}; the previous code stops working", "admin", "", 201},

	{"GET", "/api/v1/courses", "courses", "Published courses (from memory; ETag)", "", "", 200},
	{"POST", "/api/v1/courses", "courses", "Create a draft course", "trainer, admin", "{title, summary, topic, level, modules:[{title, lessons:[{title, body, est_minutes}]}]}", 201},
	{"GET", "/api/v1/courses/:id", "courses", "A published course with lesson bodies (?lang=id|en|all; ETag)", "", "", 200},
	{"PUT", "/api/v1/courses/:id", "courses", "Replace the draft (edit, reorder)", "trainer, admin", "course", 200},
	{"GET", "/api/v1/courses/:id/draft", "courses", "The draft, for its authors", "trainer, admin", "", 200},
	{"POST", "/api/v1/courses/:id/publish", "courses", "Publish the draft as a new immutable version", "trainer, admin", "", 200},
	{"POST", "/api/v1/courses/preview", "courses", "Render lesson Markdown as publishing would (sanitised HTML)", "trainer, admin", "{markdown, lang}", 200},
	{"POST", "/api/v1/courses/:id/copy", "courses", "Copy a shared (seeded) or own published course into the caller's institution as a draft", "trainer, admin", "", 201},
	{"GET", "/api/v1/courses/:id/lessons/:lesson_id", "courses", "One published lesson (ETag)", "", "", 200},
	{"POST", "/api/v1/courses/:id/enroll", "enrollments", "Enroll (201, or 200 if already enrolled)", "learner", "", 201},
	{"POST", "/api/v1/courses/:id/lessons/:lesson/complete", "enrollments", "Mark a lesson complete; idempotent", "learner", "", 200},
	{"GET", "/api/v1/me/enrollments", "enrollments", "The caller's enrollments with progress and quiz results", "any", "", 200},
	{"GET", "/api/v1/me/enrollments/:course", "enrollments", "One enrollment", "any", "", 200},
	{"POST", "/api/v1/sync", "enrollments", "Apply offline events (≤ 500), each at most once", "learner", "{events:[{id, type, occurred_at, …}]}", 200},
	{"POST", "/api/v1/cohorts", "cohorts", "Create a cohort with a join code", "trainer, admin", "{name, course_ids, starts_on, ends_on, region}", 201},
	{"GET", "/api/v1/cohorts", "cohorts", "The caller's institution's cohorts", "trainer, admin", "", 200},
	{"GET", "/api/v1/cohorts/:id", "cohorts", "One cohort", "trainer, admin", "", 200},
	{"GET", "/api/v1/join/:code", "cohorts", "What a join link invites to: the class, its dates and course titles (nothing about its people)", "", "", 200},
	{"POST", "/api/v1/cohorts/join", "cohorts", "Join a cohort by code and enroll in its courses", "learner", "{code}", 200},
	{"GET", "/api/v1/cohorts/:id/roster", "cohorts", "Participants with their progress per course (status member), and invited accounts with only what the import file said (status invited, no user_id)", "trainer, admin", "", 200},
	{"GET", "/api/v1/cohorts/:id/roster.csv", "cohorts", "The roster as CSV (UTF-8 with BOM); formula-like cells are neutralised", "trainer, admin", "", 200},
	{"POST", "/api/v1/cohorts/:id/participants/import", "cohorts", "Import participants from CSV (name, phone, business_name, sector, region, gender?): a new phone → created with an activation code; an existing learner → invited (nothing about the account returned); staff → skipped; → {results:[{row, phone, name, status, user_id?, activation_code?, error?}], created, enrolled, invited, skipped, errors}", "trainer, admin", "text/csv", 200},
	{"POST", "/api/v1/cohorts/:id/participants/:user_id/code", "cohorts", "Issue a participant of the cohort a new one-time code → {user_id, kind: activation|reset, code, expires_at}; the previous code stops working; learners only", "trainer, admin", "", 201},
	{"GET", "/api/v1/me/invitations", "cohorts", "The caller's pending invitations from imports → [{cohort_id, cohort_name, institution, starts_on, ends_on, courses:[{id, title}], invited_at}]", "any", "", 200},
	{"POST", "/api/v1/me/invitations/:cohort_id/accept", "cohorts", "Accept an invitation: join the cohort and enroll in its courses → {cohort, enrollments}; idempotent", "any", "", 200},
	{"POST", "/api/v1/me/invitations/:cohort_id/decline", "cohorts", "Decline an invitation; the roster stops showing the person", "any", "", 204},

	{"POST", "/api/v1/quizzes", "quizzes", "Create a quiz for a course", "trainer, admin", "{course_id, module_id, kind, title, pass_mark, max_attempts, shuffle, questions}", 201},
	{"POST", "/api/v1/quizzes/import", "quizzes", "Import a GIFT file (?format=gift&course_id=&kind=&title=&pass_mark=&max_attempts=)", "trainer, admin", "text/plain GIFT", 201},
	{"GET", "/api/v1/quizzes/:id", "quizzes", "A quiz: without answers for learners, the authoring form for its trainers", "any", "", 200},
	{"PUT", "/api/v1/quizzes/:id", "quizzes", "Replace a quiz", "trainer, admin", "quiz", 200},
	{"GET", "/api/v1/quizzes/:id/export", "quizzes", "Export as GIFT (?format=gift&lang=)", "trainer, admin", "", 200},
	{"POST", "/api/v1/quizzes/:id/attempts", "quizzes", "Submit an attempt; graded on the server", "learner", "{attempt_id?, answers:{question_id: answer}}", 201},
	{"GET", "/api/v1/quizzes/:id/attempts", "quizzes", "The caller's attempts", "any", "", 200},
	{"GET", "/api/v1/courses/:id/quizzes", "quizzes", "A course's quizzes", "any", "", 200},

	{"GET", "/api/v1/me/certificates", "certificates", "The caller's certificates (valid and revoked)", "any", "", 200},
	{"GET", "/api/v1/certificates/:code", "certificates", "Verify a certificate: {code, status: valid|revoked, learner_name, course_title, institution, hours, issued_at, revoked_at, revoked_reason, …}; a mistyped code → 422, an unknown one → 404", "", "", 200},
	{"GET", "/api/v1/certificates/:code/pdf", "certificates", "The certificate as a PDF (A4 landscape, QR code to /verify/{code}; ETag; ?download=1 for an attachment)", "", "", 200},
	{"GET", "/api/v1/certificates/:code/credential", "certificates", "Open Badges 3.0 OpenBadgeCredential as a VC-JWT (application/vc+jwt, EdDSA; keys at /.well-known/jwks.json)", "", "", 200},
	{"GET", "/api/v1/certificates/:code/revocations", "certificates", "The 1EdTech revocation list the credential's credentialStatus names", "", "", 200},
	{"POST", "/api/v1/certificates/:code/revoke", "certificates", "Revoke with a reason (the issuing institution's trainers, admin); 409 if revoked already", "trainer, admin", "{reason}", 200},
	{"GET", "/api/v1/issuers/:institution", "certificates", "The issuer's Open Badges Profile named by credentials", "", "", 200},
	{"GET", "/api/v1/cohorts/:id/certificates", "certificates", "A cohort's certificates: issued, pending with what is missing (lessons, final quiz), revoked", "trainer, admin", "", 200},
	{"GET", "/.well-known/jwks.json", "certificates", "The Ed25519 public keys (JWKS) that verify certificate credentials, rotated ones included", "", "", 200},
	{"GET", "/verify/:code", "certificates", "Human verification page (HTML, no login): valid, revoked with date and reason, unknown, or mistyped", "", "", 200},
	{"GET", "/verify", "certificates", "The verification page's form; ?code= redirects to /verify/{code}", "", "", 200},
	{"POST", "/api/v1/signing-keys/rotate", "certificates", "Start signing with a new Ed25519 key; old keys stay published", "admin", "", 201},
	{"GET", "/api/v1/reports/summary", "reports", "Totals, breakdowns (region = kabupaten/kota, kecamatan, sector, gender, cohort, course) and the weekly series from maintained aggregates; ?course_id=&region=&sector=&cohort_id=&from=&to= (YYYY-MM-DD, WITA enrollment days); agency: only its scope (a region outside → 403); trainer: only their institution's cohorts", "agency, admin, trainer", "", 200},
	{"GET", "/api/v1/reports/export.csv", "reports", "The summary as CSV (UTF-8, header row, one row per total/breakdown cell/week, suppression kept, formula-like cells neutralised with a leading ')", "agency, admin, trainer", "", 200},
	{"GET", "/api/v1/reports/export.json", "reports", "The same rows as the CSV, as JSON for tools", "agency, admin, trainer", "", 200},
	{"GET", "/api/v1/reports/xapi", "reports", "xAPI 1.0.3 statements (JSON array) for lesson completions, quiz attempts and course completions, oldest first; ?since=RFC3339&limit=1..500&after=&course_id=; the next page is in the Link header (rel=next); actors are pseudonymous accounts", "agency, admin", "", 200},
	{"POST", "/api/v1/reports/rebuild", "reports", "Recompute every aggregate from the stored enrollments → {enrollments, cells, seconds}", "admin", "", 200},
	{"GET", "/api/v1/reports/cohorts/:id", "reports", "Trainer view of a cohort: who needs help (no progress in 7 days, final failed twice, stuck on a lesson) with WhatsApp links; per quiz question the share right on the first attempt and the most chosen wrong choice", "trainer, admin", "", 200},
}

var paramRe = regexp.MustCompile(`:([a-z_]+)`)

// apiBodies are the Go types each route reads and writes, from the
// features that handle them, keyed "METHOD /path" as in apiRoutes.
func apiBodies() map[string]apidoc.Bodies {
	all := map[string]apidoc.Bodies{
		"GET /api/v1/settings": {Response: Settings{}},
		"GET /api/v1/regions":  {Response: []regions.Region{}},
	}
	for _, m := range []map[string]apidoc.Bodies{accounts.APIBodies(), courses.APIBodies(), enrollments.APIBodies(),
		cohorts.APIBodies(), quizzes.APIBodies(), certificates.APIBodies()} {
		maps.Copy(all, m)
	}
	return all
}

// openAPIDocument renders apiRoutes as OpenAPI 3.1, with JSON Schemas
// generated from the Go types of the bodies (apiBodies).
func openAPIDocument() ([]byte, error) {
	errorRef := map[string]any{"$ref": "#/components/schemas/Error"}
	paths := map[string]map[string]any{}
	bodies := apiBodies()
	schemas := apidoc.NewSchemas()
	for _, r := range apiRoutes {
		p := paramRe.ReplaceAllString(r.Path, "{$1}")
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		var params []any
		for _, m := range paramRe.FindAllStringSubmatch(r.Path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]string{"type": "string"}})
		}
		desc := r.Summary
		if r.Roles != "" {
			desc += ". Roles: " + r.Roles + "."
		}
		if r.Tag == "reports" {
			desc += " Definitions: " + reports.Definitions(lontar.LangEN)
		}
		op := map[string]any{
			"tags": []string{r.Tag}, "summary": r.Summary, "description": desc,
			"operationId": strings.ToLower(r.Method) + strings.ReplaceAll(paramRe.ReplaceAllString(r.Path, "by_$1"), "/", "_"),
			"responses": map[string]any{
				itoa(r.OK): map[string]any{"description": "OK"},
				"default":  map[string]any{"description": "Error", "content": map[string]any{"application/json": map[string]any{"schema": errorRef}}},
			},
		}
		if params != nil {
			op["parameters"] = params
		}
		if r.Roles != "" {
			op["security"] = []any{map[string][]string{"bearer": {}}}
		}
		b := bodies[r.Method+" "+r.Path]
		if b.Response != nil {
			op["responses"].(map[string]any)[itoa(r.OK)] = map[string]any{"description": "OK",
				"content": map[string]any{"application/json": map[string]any{"schema": schemas.Of(b.Response)}}}
		}
		if r.Body != "" {
			ct := "application/json"
			if strings.HasPrefix(r.Body, "text/") {
				ct = strings.Fields(r.Body)[0]
			}
			media := map[string]any{}
			if b.Request != nil && ct == "application/json" {
				media["schema"] = schemas.Of(b.Request)
			}
			if b.Example != nil {
				media["example"] = b.Example
			}
			op["requestBody"] = map[string]any{"required": true, "description": r.Body,
				"content": map[string]any{ct: media}}
		}
		paths[p][strings.ToLower(r.Method)] = op
	}
	doc := map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "Lontar API", "version": "1",
			"description": "Digital skills training for Kupang's UMKM. Errors: {error:{code, message, fields}}; messages follow Accept-Language (id default, en)."},
		"paths": paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
			"schemas": withComponents(schemas.Components, map[string]any{"Error": map[string]any{"type": "object", "properties": map[string]any{
				"error": map[string]any{"type": "object", "required": []string{"code", "message"}, "properties": map[string]any{
					"code":    map[string]any{"type": "string", "enum": []string{"bad_request", "unauthenticated", "forbidden", "not_found", "conflict", "too_large", "validation_failed", "rate_limited", "unavailable", "internal"}},
					"message": map[string]any{"type": "string"},
					"fields":  map[string]any{"type": "object", "additionalProperties": map[string]string{"type": "string"}},
				}}}}}),
		},
	}
	return json.Marshal(doc)
}

// withComponents adds the generated schemas to the hand-written ones.
func withComponents(generated, own map[string]any) map[string]any {
	maps.Copy(own, generated)
	return own
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func openAPIHandler() fiber.Handler {
	doc, err := openAPIDocument()
	return func(c *fiber.Ctx) error {
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
		c.Set(fiber.HeaderCacheControl, "public, max-age=300")
		return c.Send(doc)
	}
}
