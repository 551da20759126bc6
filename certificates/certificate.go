// Package certificates issues a certificate, once, to every learner who
// completes a course; signs it as an Open Badges 3.0 credential (VC-JWT,
// Ed25519, keys published as a JWKS); prints it as a PDF with a QR code to
// its public verification page; and lets the issuing institution revoke it.
package certificates

import (
	"math"
	"strconv"
	"strings"
	"time"

	"lontar"
)

// Statuses a certificate can have.
const (
	StatusValid   = "valid"
	StatusRevoked = "revoked"
)

// PlatformInstitution is the institution of Lontar's own (seeded) courses.
const PlatformInstitution = "lontar"

// Certificate is one issued certificate, stored in the certificates
// collection with _id "<user>:<course>", the enrollment it certifies: the
// natural key makes a second certificate for the same enrollment
// impossible, whatever the concurrency. It keeps a snapshot of everything
// it states, so later edits of the course or the learner change nothing.
type Certificate struct {
	ID          string      `json:"-" bson:"_id"`
	Code        string      `json:"code" bson:"code"`
	UserID      string      `json:"user_id" bson:"user_id"`
	CourseID    string      `json:"course_id" bson:"course_id"`
	LearnerName string      `json:"learner_name" bson:"learner_name"`
	CourseTitle lontar.Text `json:"course_title" bson:"course_title"`
	// CourseSummary describes the achievement in the credential.
	CourseSummary lontar.Text `json:"-" bson:"course_summary"`
	Institution   string      `json:"institution" bson:"institution"`
	Minutes       int         `json:"minutes" bson:"minutes"`
	FinalScore    *float64    `json:"final_score" bson:"final_score,omitempty"`
	CompletedAt   time.Time   `json:"completed_at" bson:"completed_at"`
	IssuedAt      time.Time   `json:"issued_at" bson:"issued_at"`
	CohortID      string      `json:"cohort_id,omitempty" bson:"cohort_id,omitempty"`
	CohortName    string      `json:"cohort_name,omitempty" bson:"cohort_name,omitempty"`
	Revocation    *Revocation `json:"revocation,omitempty" bson:"revocation,omitempty"`
}

// Revocation records who withdrew a certificate, when and why.
type Revocation struct {
	At     time.Time `json:"at" bson:"at"`
	By     string    `json:"-" bson:"by"` // user id; not shown publicly
	Reason string    `json:"reason" bson:"reason"`
}

// Status is valid or revoked.
func (c *Certificate) Status() string {
	if c.Revocation != nil {
		return StatusRevoked
	}
	return StatusValid
}

// Hours is the course's estimated study time in hours, to the half hour
// (at least half an hour), as printed on the certificate.
func (c *Certificate) Hours() float64 {
	h := math.Round(float64(c.Minutes)/30) / 2
	return max(h, 0.5)
}

// InstitutionName is the institution as people read it.
func (c *Certificate) InstitutionName() string {
	if c.Institution == PlatformInstitution {
		return "Lontar"
	}
	return c.Institution
}

// hoursText writes hours the Indonesian way (6,5) or the English way (6.5).
func hoursText(h float64, lang lontar.Lang) string {
	s := strconv.FormatFloat(h, 'f', -1, 64)
	if lang == lontar.LangID {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

var monthsID = [...]string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
	"Agustus", "September", "Oktober", "November", "Desember"}

// dateText writes a date as people in Kupang read it (WITA, UTC+8).
func dateText(t time.Time, lang lontar.Lang) string {
	t = t.In(wita)
	if lang == lontar.LangEN {
		return t.Format("2 January 2006")
	}
	return strconv.Itoa(t.Day()) + " " + monthsID[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// wita is Central Indonesian Time, Kupang's clock; a fixed zone so the
// binary needs no time zone database.
var wita = time.FixedZone("WITA", 8*60*60)

// RevokeInput is the body of POST /certificates/{code}/revoke.
type RevokeInput struct {
	Reason string `json:"reason" validate:"required,min=5,max=500"`
}

// View is a certificate as the public (and its learner) reads it.
type View struct {
	Code          string     `json:"code"`
	Status        string     `json:"status"`
	LearnerName   string     `json:"learner_name"`
	CourseID      string     `json:"course_id"`
	CourseTitle   string     `json:"course_title"`
	Institution   string     `json:"institution"`
	Hours         float64    `json:"hours"`
	FinalScore    *float64   `json:"final_score"`
	CompletedAt   time.Time  `json:"completed_at"`
	IssuedAt      time.Time  `json:"issued_at"`
	CohortName    string     `json:"cohort_name,omitempty"`
	RevokedAt     *time.Time `json:"revoked_at,omitempty"`
	RevokedReason string     `json:"revoked_reason,omitempty"`
	VerifyURL     string     `json:"verify_url"`
	PDFURL        string     `json:"pdf_url"`
	CredentialURL string     `json:"credential_url"`
}

func (s *Service) view(c *Certificate, lang lontar.Lang) View {
	v := View{
		Code: c.Code, Status: c.Status(), LearnerName: c.LearnerName, CourseID: c.CourseID,
		CourseTitle: c.CourseTitle.In(lang), Institution: c.InstitutionName(), Hours: c.Hours(),
		FinalScore: c.FinalScore, CompletedAt: c.CompletedAt, IssuedAt: c.IssuedAt, CohortName: c.CohortName,
		VerifyURL: s.verifyURL(c.Code), PDFURL: s.apiURL(c.Code) + "/pdf", CredentialURL: s.apiURL(c.Code) + "/credential",
	}
	if r := c.Revocation; r != nil {
		v.RevokedAt, v.RevokedReason = &r.At, r.Reason
	}
	return v
}
