// Package reports answers the agencies' questions — enrolled, active,
// completed, certified, final scores and learning gain by region, sector,
// gender, cohort and week — from aggregates kept up to date as learners
// work, never from a scan per request. It also exports them as CSV and
// JSON, keeps the xAPI statement log an agency's LRS pages through, and
// builds the trainer's view of a cohort.
//
// The enrollments feature tells the Store after every stored change of an
// enrollment (enrollments.Observer); the Store records the change and its
// workers re-read the enrollment and apply the difference from what it
// last contributed, after the learner's request has answered (queue.go). Rebuild recomputes everything
// from the stored enrollments. The package reads, and never writes, the
// documents of enrollments, quizzes, cohorts and courses.
package reports
