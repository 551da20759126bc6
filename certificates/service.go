package certificates

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode"

	"lontar"
)

// Cohorts names a cohort and its institution; the cohorts store satisfies
// it through a small adapter in server/app.go.
type Cohorts interface {
	CohortIssuer(ctx context.Context, cohortID string) (name, institution string, err error)
}

// Event says a certificate was issued or revoked, for features that keep
// aggregates (reports). Kind is EventIssued or EventRevoked.
type Event struct {
	Kind        string
	Certificate *Certificate
}

// Event kinds.
const (
	EventIssued  = "issued"
	EventRevoked = "revoked"
)

// Config configures a Service.
type Config struct {
	// PublicURL is the base of every link a certificate carries (QR code,
	// credential ids), without a trailing slash.
	PublicURL string
	Cohorts   Cohorts // nil: certificates never name a cohort
	// OnEvent, when set, is called after a certificate was issued or
	// revoked, once per change, after the change is stored.
	OnEvent func(context.Context, Event)
}

// Service issues, signs, prints, verifies and revokes certificates.
type Service struct {
	store *Store
	keys  *Keys
	cfg   Config
	pdfs  *pdfCache
	now   func() time.Time
	// issuers holds institutions known to have issued: certificates are
	// never deleted, so an issuer once seen stays one.
	issuers sync.Map
}

// NewService returns a Service.
func NewService(store *Store, keys *Keys, cfg Config) *Service {
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	return &Service{store: store, keys: keys, cfg: cfg, pdfs: newPDFCache(256), now: time.Now}
}

// IssuerName returns the name of an institution that has issued a
// certificate (or the platform), as its Open Badges Profile shows it; not
// found for any other name, so Lontar's domain never vouches for an issuer
// it does not know.
func (s *Service) IssuerName(ctx context.Context, institution string) (string, error) {
	if _, ok := s.issuers.Load(institution); !ok && institution != PlatformInstitution {
		issued, err := s.store.hasIssued(ctx, institution)
		if err != nil {
			return "", err
		}
		if !issued {
			return "", lontar.NotFound("Penerbit", "Issuer")
		}
		s.issuers.Store(institution, true)
	}
	return (&Certificate{Institution: institution}).InstitutionName(), nil
}

// Keys returns the signing keys.
func (s *Service) Keys() *Keys { return s.keys }

// Certify issues the certificate of a completed enrollment and returns its
// code. It is idempotent and safe under concurrency: the certificate's _id
// is the enrollment, so of two concurrent calls one inserts and the other
// finds it; a call after a crash finishes what the first left undone.
func (s *Service) Certify(ctx context.Context, in lontar.Completion) (string, error) {
	id := in.UserID + ":" + in.CourseID
	existing, err := s.store.Get(ctx, id)
	switch {
	case err == nil:
		return existing.Code, s.store.addHolder(ctx, existing.UserID, id)
	case !lontar.IsCode(err, lontar.ENotFound):
		return "", err
	}
	c, err := s.snapshot(ctx, in)
	if err != nil {
		return "", err
	}
	// The code is reserved first: a crash after it leaves an unused
	// reservation, which ByCode treats as unknown.
	for try := 0; ; try++ {
		c.Code = NewCode()
		err = s.store.reserveCode(ctx, c.Code, id)
		if !lontar.IsCode(err, lontar.EConflict) || try == 5 {
			break
		}
	}
	if err != nil {
		return "", err
	}
	created, err := s.store.insert(ctx, c)
	if err != nil {
		return "", err
	}
	if !created {
		if c, err = s.store.Get(ctx, id); err != nil {
			return "", err
		}
	}
	if err := s.store.addHolder(ctx, c.UserID, id); err != nil {
		return "", err
	}
	if created && s.cfg.OnEvent != nil {
		s.cfg.OnEvent(ctx, Event{Kind: EventIssued, Certificate: c})
	}
	return c.Code, nil
}

// snapshot builds the certificate a completion earns.
func (s *Service) snapshot(ctx context.Context, in lontar.Completion) (*Certificate, error) {
	if in.UserID == "" || in.CourseID == "" || in.CompletedAt.IsZero() {
		return nil, fmt.Errorf("certificates: completion without user, course or time")
	}
	c := &Certificate{
		ID: in.UserID + ":" + in.CourseID, UserID: in.UserID, CourseID: in.CourseID,
		LearnerName: strings.TrimSpace(in.LearnerName), CourseTitle: in.CourseTitle, CourseSummary: in.CourseSummary,
		Institution: in.Institution, Minutes: in.Minutes, FinalScore: in.FinalScore,
		CompletedAt: in.CompletedAt.UTC(), IssuedAt: s.now().UTC().Truncate(time.Millisecond),
	}
	if len(in.CohortIDs) > 0 && s.cfg.Cohorts != nil {
		name, inst, err := s.cfg.Cohorts.CohortIssuer(ctx, in.CohortIDs[0])
		switch {
		case lontar.IsCode(err, lontar.ENotFound):
		case err != nil:
			return nil, fmt.Errorf("certificates: cohort of %s: %w", c.ID, err)
		default:
			c.CohortID, c.CohortName = in.CohortIDs[0], name
			// A platform course run by a university's cohort is that
			// university's training: the certificate is in its name.
			if c.Institution == PlatformInstitution && inst != "" {
				c.Institution = inst
			}
		}
	}
	return c, nil
}

// Get returns the certificate with the code a person typed.
func (s *Service) Get(ctx context.Context, typed string) (*Certificate, error) {
	code, err := ParseCode(typed)
	if err != nil {
		return nil, err
	}
	return s.store.ByCode(ctx, code)
}

// CertificateValid reports whether code (canonical, as enrollments record
// it) names an issued certificate that is not revoked; for aggregates
// such as reports, which count valid certificates.
func (s *Service) CertificateValid(ctx context.Context, code string) (bool, error) {
	c, err := s.store.ByCode(ctx, code)
	if lontar.IsCode(err, lontar.ENotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return c.Revocation == nil, nil
}

// Mine returns the caller's certificates.
func (s *Service) Mine(ctx context.Context, c *lontar.Caller) ([]*Certificate, error) {
	return s.store.OfUser(ctx, c.UserID)
}

// Of returns the certificate of the user's enrollment in the course.
func (s *Service) Of(ctx context.Context, userID, courseID string) (*Certificate, error) {
	return s.store.Get(ctx, userID+":"+courseID)
}

// CanRevoke reports whether the caller may revoke c: an admin, or a
// trainer of the institution that issued it.
func CanRevoke(caller *lontar.Caller, c *Certificate) bool {
	if caller == nil {
		return false
	}
	return caller.Role == lontar.RoleAdmin ||
		caller.Role == lontar.RoleTrainer && caller.Institution != "" && caller.Institution == c.Institution
}

// Revoke withdraws the certificate with the typed code, for the reason given.
func (s *Service) Revoke(ctx context.Context, caller *lontar.Caller, typed string, in RevokeInput) (*Certificate, error) {
	// Rights first: someone who may not revoke hears 403 whatever they send.
	c, err := s.Get(ctx, typed)
	if err != nil {
		return nil, err
	}
	if !CanRevoke(caller, c) {
		return nil, lontar.ErrForbidden
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if err := lontar.Validate(&in); err != nil {
		return nil, err
	}
	// The reason is printed on the public page and the PDF: characters
	// that break lines or turn text around there are refused.
	if strings.ContainsFunc(in.Reason, func(r rune) bool {
		return unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp, unicode.Co, unicode.Cs)
	}) {
		return nil, lontar.FieldErrors(map[string]lontar.Text{"reason": lontar.T(
			"Alasan tidak boleh berisi baris baru, tab atau karakter tak terlihat.",
			"The reason cannot contain line breaks, tabs or invisible characters.")})
	}
	c, err = s.store.revoke(ctx, c.ID, Revocation{At: s.now().UTC().Truncate(time.Millisecond), By: caller.UserID, Reason: in.Reason})
	if err != nil {
		return nil, err
	}
	if s.cfg.OnEvent != nil {
		s.cfg.OnEvent(ctx, Event{Kind: EventRevoked, Certificate: c})
	}
	return c, nil
}

func (s *Service) verifyURL(code string) string { return s.cfg.PublicURL + "/verify/" + code }
func (s *Service) apiURL(code string) string {
	return s.cfg.PublicURL + "/api/v1/certificates/" + code
}
func (s *Service) issuerURL(institution string) string {
	return s.cfg.PublicURL + "/api/v1/issuers/" + url.PathEscape(institution)
}
func (s *Service) kid(thumb string) string {
	return s.cfg.PublicURL + "/.well-known/jwks.json#" + thumb
}
