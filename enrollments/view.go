package enrollments

import (
	"context"
	"time"

	"lontar"
)

// EnrollmentView is an enrollment as its learner reads it, measured
// against the course's current published version.
type EnrollmentView struct {
	CourseID string `json:"course_id"`
	// CourseTitle is a string in the request's language, or {id, en}
	// with ?lang=all.
	CourseTitle      any                          `json:"course_title"`
	CourseVersion    int                          `json:"course_version"`
	EnrolledVersion  int                          `json:"enrolled_version"`
	Percent          int                          `json:"percent"`
	LessonsDone      int                          `json:"lessons_done"`
	LessonsTotal     int                          `json:"lessons_total"`
	CompletedLessons map[string]time.Time         `json:"completed_lessons"`
	ResumeLessonID   string                       `json:"resume_lesson_id"`
	LastLessonID     string                       `json:"last_lesson_id"`
	QuizResults      map[string]lontar.QuizResult `json:"quiz_results"`
	CohortIDs        []string                     `json:"cohort_ids"`
	CompletedAt      *time.Time                   `json:"completed_at"`
	CertificateCode  *string                      `json:"certificate_code"`
	EnrolledAt       time.Time                    `json:"enrolled_at"`
	UpdatedAt        time.Time                    `json:"updated_at"`
}

// View measures the enrollment against the current published course.
// When that shows the course complete but completed_at is not set yet (a
// new version removed the last lesson left), it is set now, guarded; a
// completed enrollment without a certificate code gets its certificate
// (the repair of a crash between the two). A read that writes, so a
// failing write fails the read.
func (s *Store) View(ctx context.Context, e *Enrollment, lang lontar.Lang, all bool) (EnrollmentView, error) {
	course, err := s.catalog.Get(ctx, e.CourseID)
	switch {
	case lontar.IsCode(err, lontar.ENotFound):
		course = nil // no longer published: show what is recorded
	case err != nil:
		return EnrollmentView{}, err
	}
	p := e.ProgressIn(course)
	if course != nil && (p.Percent == 100 && e.CompletedAt == nil || e.CompletedAt != nil && e.CertificateCode == "") {
		if err := s.maybeComplete(ctx, e, course); err != nil {
			return EnrollmentView{}, err
		}
	}
	v := EnrollmentView{
		CourseID: e.CourseID, EnrolledVersion: e.Version,
		Percent: p.Percent, LessonsDone: p.Done, LessonsTotal: p.Total,
		CompletedLessons: p.Completed, ResumeLessonID: p.ResumeLesson, LastLessonID: p.LastLesson,
		QuizResults: e.QuizResults, CohortIDs: e.CohortIDs, CompletedAt: e.CompletedAt,
		EnrolledAt: e.CreatedAt, UpdatedAt: e.UpdatedAt,
	}
	if course != nil {
		v.CourseVersion = course.Version
		if all {
			v.CourseTitle = course.Title
		} else {
			v.CourseTitle = course.Title.In(lang)
		}
	}
	if v.CompletedLessons == nil {
		v.CompletedLessons = map[string]time.Time{}
	}
	if v.QuizResults == nil {
		v.QuizResults = map[string]lontar.QuizResult{}
	}
	if v.CohortIDs == nil {
		v.CohortIDs = []string{}
	}
	if e.CertificateCode != "" {
		v.CertificateCode = &e.CertificateCode
	}
	return v, nil
}
