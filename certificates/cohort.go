package certificates

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"lontar"
	"lontar/httpapi"
)

// Rosters tell the trainer's view who is in a cohort and how far each
// learner is in each course; the cohorts store satisfies it through an
// adapter in server/app.go.
type Rosters interface {
	CohortRoster(ctx context.Context, cohortID string) (CohortRoster, error)
}

// CohortRoster is a cohort with its learners' progress.
type CohortRoster struct {
	ID, Name, Institution string
	CourseIDs             []string
	CourseTitles          map[string]lontar.Text
	Learners              []RosterLearner
}

// RosterLearner is one learner of a cohort.
type RosterLearner struct {
	UserID, Name string
	Courses      []RosterCourse
}

// RosterCourse is a learner's standing in one course of the cohort.
type RosterCourse struct {
	CourseID                  string
	Enrolled                  bool
	LessonsDone, LessonsTotal int
	HasFinal, FinalPassed     bool
	CompletedAt               *time.Time
}

// CohortCertificates is the trainer's view: issued, pending (with what is
// missing) and revoked certificates of a cohort.
type CohortCertificates struct {
	CohortID   string        `json:"cohort_id"`
	CohortName string        `json:"cohort_name"`
	Issued     []CohortEntry `json:"issued"`
	Pending    []CohortEntry `json:"pending"`
	Revoked    []CohortEntry `json:"revoked"`
}

// CohortEntry is one learner × course of the trainer's view.
type CohortEntry struct {
	UserID      string `json:"user_id"`
	LearnerName string `json:"learner_name"`
	CourseID    string `json:"course_id"`
	CourseTitle string `json:"course_title"`
	// Issued and revoked entries carry the certificate.
	Certificate *View `json:"certificate,omitempty"`
	// Pending entries say what is missing.
	Missing *Missing `json:"missing,omitempty"`
}

// Missing is what a learner still has to do for a certificate.
type Missing struct {
	NotEnrolled bool `json:"not_enrolled,omitempty"`
	Lessons     int  `json:"lessons"`
	FinalQuiz   bool `json:"final_quiz"`
	// Processing: complete, but the certificate is not recorded yet (it is
	// issued on the learner's next request).
	Processing bool `json:"processing,omitempty"`
}

// ForCohort returns the cohort's certificates for its trainers and admins.
func (s *Service) ForCohort(ctx context.Context, caller *lontar.Caller, rosters Rosters, cohortID string, lang lontar.Lang) (*CohortCertificates, error) {
	r, err := rosters.CohortRoster(ctx, cohortID)
	if err != nil {
		return nil, err
	}
	if caller.Role != lontar.RoleAdmin && (caller.Institution == "" || caller.Institution != r.Institution) {
		return nil, lontar.ErrForbidden
	}
	out := &CohortCertificates{CohortID: r.ID, CohortName: r.Name, Issued: []CohortEntry{}, Pending: []CohortEntry{}, Revoked: []CohortEntry{}}
	for _, l := range r.Learners {
		for _, rc := range l.Courses {
			e := CohortEntry{UserID: l.UserID, LearnerName: l.Name, CourseID: rc.CourseID, CourseTitle: r.CourseTitles[rc.CourseID].In(lang)}
			cert, err := s.store.Get(ctx, l.UserID+":"+rc.CourseID)
			switch {
			case err == nil:
				v := s.view(cert, lang)
				e.Certificate = &v
				if cert.Revocation != nil {
					out.Revoked = append(out.Revoked, e)
				} else {
					out.Issued = append(out.Issued, e)
				}
				continue
			case !lontar.IsCode(err, lontar.ENotFound):
				return nil, err
			}
			m := &Missing{NotEnrolled: !rc.Enrolled, Lessons: max(rc.LessonsTotal-rc.LessonsDone, 0),
				FinalQuiz: rc.HasFinal && !rc.FinalPassed}
			m.Processing = rc.CompletedAt != nil
			e.Missing = m
			out.Pending = append(out.Pending, e)
		}
	}
	return out, nil
}

// CohortHandler serves the trainer's view of a cohort's certificates; it
// is separate from Handler because it needs the cohorts feature.
type CohortHandler struct {
	svc     *Service
	rosters Rosters
}

// NewCohortHandler returns the handler.
func NewCohortHandler(svc *Service, rosters Rosters) *CohortHandler {
	return &CohortHandler{svc: svc, rosters: rosters}
}

// Register adds the route, relative to /api/v1.
func (h *CohortHandler) Register(api fiber.Router) {
	api.Get("/cohorts/:id/certificates", h.list) // the cohort's trainers, admin
}

func (h *CohortHandler) list(c *fiber.Ctx) error {
	caller, err := httpapi.Authorize(c, lontar.RoleTrainer, lontar.RoleAdmin)
	if err != nil {
		return err
	}
	out, err := h.svc.ForCohort(c.UserContext(), caller, h.rosters, c.Params("id"), httpapi.Lang(c))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "private, no-cache")
	return c.JSON(out)
}
