package lontar

import "time"

// Completion is an enrollment that has met its course's rule (every lesson
// done, the final quiz passed), with what the certificates feature needs
// to issue its certificate. The enrollments feature fills it in at the
// moment of completion, and again on any later touch until a certificate
// is recorded, so issuance survives a crash in between.
type Completion struct {
	UserID        string
	CourseID      string
	LearnerName   string
	CourseTitle   Text
	CourseSummary Text
	// Institution owns the course; a platform (seeded) course taken in a
	// cohort is certified in the cohort's institution's name instead.
	Institution string
	Minutes     int      // the course's est_minutes, summed over its lessons
	FinalScore  *float64 // best score on the final quiz, when there is one
	CompletedAt time.Time
	CohortIDs   []string
}
