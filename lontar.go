// Package lontar holds the domain types every feature shares: the caller's
// identity and role, localised text, the error type, input validation and
// the rules for names.
//
// Layout and import rules:
//
//	lontar (this package)    imports neither Fiber nor Mongo
//	accounts/ courses/ enrollments/ cohorts/ practice/ quizzes/ regions/
//	                         features: import lontar, httpapi and database, never server;
//	                         between them only cohorts → enrollments → courses,
//	                         practice → courses and cohorts → accounts
//	httpapi/                 the Fiber app, middleware, the error → HTTP mapping
//	csvexport/               every CSV the server writes (formula cells neutralised)
//	database/                starts the embedded store or connects to MongoDB
//	server/                  package main: config, lifecycle, wiring, the route table
//	frontend/                the embedded web app
//	internal/                test helpers (mongotest, apitest, coursetest)
//
// A feature that needs a sliver of another it does not import declares a
// one-method interface itself; server/app.go wires the concrete stores.
package lontar

import (
	"context"
	"slices"
	"time"
)

// Role is what a user may do in Lontar.
type Role string

// The four roles of the contract.
const (
	RoleLearner Role = "learner"
	RoleTrainer Role = "trainer"
	RoleAgency  Role = "agency"
	RoleAdmin   Role = "admin"
)

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool {
	switch r {
	case RoleLearner, RoleTrainer, RoleAgency, RoleAdmin:
		return true
	}
	return false
}

// Caller is the authenticated identity of a request, as carried in its
// access token. Handlers authorise against it; they never trust a body.
type Caller struct {
	UserID      string
	Name        string
	Role        Role
	Institution string   // trainers: the institution they belong to
	Scope       []string // agency: region codes they may read; empty = all
}

// Is reports whether the caller has one of the given roles.
func (c *Caller) Is(roles ...Role) bool {
	return c != nil && slices.Contains(roles, c.Role)
}

// InScope reports whether an agency caller may read data of region.
func (c *Caller) InScope(region string) bool {
	if c == nil {
		return false
	}
	if c.Role == RoleAdmin || len(c.Scope) == 0 {
		return true
	}
	return slices.Contains(c.Scope, region)
}

type callerKey struct{}

// NewContext returns a context carrying the caller.
func NewContext(ctx context.Context, c *Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// CallerFrom returns the caller stored in ctx, or nil for an anonymous request.
func CallerFrom(ctx context.Context) *Caller {
	c, _ := ctx.Value(callerKey{}).(*Caller)
	return c
}

// Require returns the caller of ctx if it has one of roles (any role when
// none are given): unauthenticated without a caller, forbidden otherwise.
func Require(ctx context.Context, roles ...Role) (*Caller, error) {
	c := CallerFrom(ctx)
	if c == nil {
		return nil, ErrUnauthenticated
	}
	if len(roles) > 0 && !c.Is(roles...) {
		return nil, ErrForbidden
	}
	return c, nil
}

// Sectors are the business sectors a learner can choose.
var Sectors = []string{"kuliner", "tenun", "kerajinan", "fesyen", "jasa", "lainnya"}

// Profile describes a learner's business, used for cohorts and for the
// agencies' breakdowns by region, sector and gender.
type Profile struct {
	BusinessName string `json:"business_name" bson:"business_name"`
	Sector       string `json:"sector" bson:"sector"`
	Region       string `json:"region" bson:"region"`
	Gender       string `json:"gender" bson:"gender"` // "f", "m" or "" (not said)
	BirthYear    int    `json:"birth_year,omitempty" bson:"birth_year,omitempty"`
	NIB          string `json:"nib,omitempty" bson:"nib,omitempty"`
}

// Person is who a user is, as other features need to show it.
type Person struct {
	UserID  string  `json:"user_id"`
	Phone   string  `json:"phone"`
	Name    string  `json:"name"`
	Profile Profile `json:"profile"`
}

// Participant is what the accounts feature answers for one person a
// trainer imports: the account of their phone, whether it was created now
// (with the one-time activation code to hand over), and its role, so that
// an import never enrolls staff. Err is set when the person could not be
// handled.
type Participant struct {
	UserID         string
	Role           Role
	Created        bool
	ActivationCode string
	// Activated is false for an account nobody has set a password for;
	// Origin is what created it (an import's origin, "" for a registration).
	// Together they let an interrupted import resume: an account it created
	// and nobody took yet is still the import's own.
	Activated bool
	Origin    string
	Err       error
}

// OneTimeCode is a code for a person to set their password with: an
// activation code (the account never had a password) or a reset code (its
// owner forgot it). It is shown once, to the trainer or admin who asked
// for it, to pass on; issuing a new one voids the previous.
type OneTimeCode struct {
	UserID    string    `json:"user_id"`
	Kind      string    `json:"kind"` // activation or reset
	Code      string    `json:"code"`
	ExpiresAt time.Time `json:"expires_at"`
}
