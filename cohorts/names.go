package cohorts

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"lontar/database"
)

// Names tells a cohort's name and institution by id. It is for features
// that must name a learner's cohort but are built before the cohorts
// Store can be (certificates: enrollments call them on completion, and
// the Store needs enrollments); it needs nothing but the database.
type Names struct {
	cohorts *mongo.Collection
}

// NewNames returns Names over db.
func NewNames(db *mongo.Database) *Names {
	return &Names{cohorts: db.Collection("cohorts")}
}

// CohortIssuer returns the cohort's name and the institution that runs
// it, or not_found.
func (n *Names) CohortIssuer(ctx context.Context, id string) (name, institution string, err error) {
	c, err := database.FindByID[Cohort](ctx, n.cohorts, id, errCohortNotFound, "cohorts: read cohort")
	if err != nil {
		return "", "", err
	}
	return c.Name, c.Institution, nil
}
