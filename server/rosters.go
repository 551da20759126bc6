package main

import (
	"context"

	"lontar"
	"lontar/certificates"
	"lontar/cohorts"
	"lontar/courses"
	"lontar/quizzes"
)

// cohortRosters gives the certificates feature's trainer view what it
// needs of a cohort: its learners' progress (cohorts), the course titles
// (the catalogue) and which quiz is each course's final (quizzes).
type cohortRosters struct {
	cohorts *cohorts.Store
	catalog *courses.Catalog
	finals  *quizzes.Store
}

func (a cohortRosters) CohortRoster(ctx context.Context, id string) (certificates.CohortRoster, error) {
	c, err := a.cohorts.Get(ctx, id)
	if err != nil {
		return certificates.CohortRoster{}, err
	}
	roster, err := a.cohorts.Roster(ctx, c)
	if err != nil {
		return certificates.CohortRoster{}, err
	}
	out := certificates.CohortRoster{ID: c.ID, Name: c.Name, Institution: c.Institution, CourseIDs: c.CourseIDs,
		CourseTitles: map[string]lontar.Text{}}
	finals := map[string]string{}
	for _, courseID := range c.CourseIDs {
		course, err := a.catalog.Get(ctx, courseID)
		switch {
		case err == nil:
			out.CourseTitles[courseID] = course.Title
		case !lontar.IsCode(err, lontar.ENotFound):
			return certificates.CohortRoster{}, err
		}
		quizID, ok, err := a.finals.FinalQuizID(ctx, courseID)
		if err != nil {
			return certificates.CohortRoster{}, err
		}
		if ok {
			finals[courseID] = quizID
		}
	}
	for _, p := range roster {
		l := certificates.RosterLearner{UserID: p.UserID, Name: p.Name}
		for _, rc := range p.Courses {
			quizID, hasFinal := finals[rc.CourseID]
			l.Courses = append(l.Courses, certificates.RosterCourse{
				CourseID: rc.CourseID, Enrolled: rc.Enrolled, LessonsDone: rc.LessonsDone, LessonsTotal: rc.LessonsTotal,
				HasFinal: hasFinal, FinalPassed: hasFinal && rc.QuizResults[quizID].Passed, CompletedAt: rc.CompletedAt,
			})
		}
		out.Learners = append(out.Learners, l)
	}
	return out, nil
}
