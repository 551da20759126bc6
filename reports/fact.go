package reports

import (
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"lontar"
)

// Fact is what one enrollment contributes to the aggregates. It is derived
// from the enrollment's stored state alone (never from an event), so
// applying the same state twice, in any order, contributes once.
type Fact struct {
	Course  string   `bson:"course"`
	Region  string   `bson:"region"`
	Sector  string   `bson:"sector"`
	Gender  string   `bson:"gender"`
	Cohorts []string `bson:"cohorts"` // sorted
	// Days are WITA days (see day); 0 means never.
	Enrolled  day  `bson:"enrolled"`
	Active    day  `bson:"active"`
	Completed day  `bson:"completed"`
	Certified bool `bson:"certified"`
	// Scores are hundredths of a percent (8050 = 80.50 %), -1 when absent:
	// integers keep sums exact and independent of the order of updates.
	Final int64 `bson:"final"` // best score on the final quiz
	Pre   int64 `bson:"pre"`   // first score on the pretest
	Post  int64 `bson:"post"`  // first score on the posttest, or the final without one
}

// gain returns the learner's normalised gain in millionths, and whether
// they count towards the mean: both scores known and pre below 100.
func (f *Fact) gain() (int64, bool) {
	if f.Pre < 0 || f.Post < 0 || f.Pre >= 10000 {
		return 0, false
	}
	return int64(math.Round(float64(f.Post-f.Pre) / float64(10000-f.Pre) * 1e6)), true
}

// equal reports whether two facts contribute the same.
func (f *Fact) equal(g *Fact) bool {
	return f.Course == g.Course && f.Region == g.Region && f.Sector == g.Sector && f.Gender == g.Gender &&
		slices.Equal(f.Cohorts, g.Cohorts) && f.Enrolled == g.Enrolled && f.Active == g.Active &&
		f.Completed == g.Completed && f.Certified == g.Certified && f.Final == g.Final &&
		f.Pre == g.Pre && f.Post == g.Post
}

// enrollmentDoc is the part of a stored enrollment that reports read. The
// enrollments feature owns the document; reports only ever reads it.
type enrollmentDoc struct {
	ID       string `bson:"_id"`
	UserID   string `bson:"user_id"`
	CourseID string `bson:"course_id"`
	Learner  struct {
		Region string `bson:"region"`
		Sector string `bson:"sector"`
		Gender string `bson:"gender"`
	} `bson:"learner"`
	CohortIDs        []string                     `bson:"cohort_ids"`
	CompletedLessons map[string]time.Time         `bson:"completed_lessons"`
	QuizResults      map[string]lontar.QuizResult `bson:"quiz_results"`
	AppliedAttempts  []string                     `bson:"applied_attempts"`
	ActiveAt         *time.Time                   `bson:"active_at"`
	CompletedAt      *time.Time                   `bson:"completed_at"`
	CertificateCode  string                       `bson:"certificate_code"`
	CreatedAt        time.Time                    `bson:"created_at"`
	UpdatedAt        time.Time                    `bson:"updated_at"`
}

// Quiz kinds, as the quizzes feature names them.
const (
	kindPretest  = "pretest"
	kindPosttest = "posttest"
	kindFinal    = "final"
)

// factOf derives an enrollment's contribution. hasPosttest says whether
// its course has a posttest (else the final's first attempt is the post
// score); certified whether its certificate is valid.
func factOf(e *enrollmentDoc, hasPosttest, certified bool) Fact {
	f := Fact{
		Course: e.CourseID, Region: e.Learner.Region, Sector: e.Learner.Sector, Gender: e.Learner.Gender,
		Cohorts: slices.Sorted(slices.Values(e.CohortIDs)), Enrolled: dayOf(e.CreatedAt),
		Certified: certified, Final: -1, Pre: -1, Post: -1,
	}
	f.Cohorts = slices.Compact(f.Cohorts)
	if f.Cohorts == nil {
		f.Cohorts = []string{}
	}
	if e.ActiveAt != nil {
		f.Active = dayOf(*e.ActiveAt)
	}
	if e.CompletedAt != nil {
		f.Completed = dayOf(*e.CompletedAt)
	}
	postKind := kindFinal
	if hasPosttest {
		postKind = kindPosttest
	}
	// Several quizzes of one kind are rare; the lowest id decides, so the
	// choice does not depend on map order.
	for _, id := range slices.Sorted(maps.Keys(e.QuizResults)) {
		r := e.QuizResults[id]
		if r.Attempts == 0 && r.UpdatedAt.IsZero() {
			continue // a first-score marker without a counted attempt
		}
		switch {
		case r.Kind == kindPretest && f.Pre < 0:
			f.Pre = hundredths(r.FirstScore)
		case r.Kind == postKind && f.Post < 0:
			f.Post = hundredths(r.FirstScore)
		}
		if r.Kind == kindFinal && f.Final < 0 {
			f.Final = hundredths(r.BestScore)
		}
	}
	return f
}

func hundredths(score float64) int64 { return int64(math.Round(score * 100)) }

// cohortKey joins an enrollment's cohorts for a cell key.
func cohortKey(cohorts []string) string {
	if len(cohorts) == 0 {
		return "-"
	}
	return strings.Join(cohorts, ",")
}
