package courses_test

import (
	"context"
	"testing"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"lontar/courses"
)

// newCatalog returns a catalogue on db and a function that publishes a
// course through the real store (creating or replacing its draft), as a
// trainer's publish does, returning the published version.
func newCatalog(t testing.TB, db *mongo.Database) (*courses.Catalog, func(testing.TB, *courses.Course) *courses.Course) {
	store := courses.NewStore(db)
	catalog := courses.NewCatalog(store)
	return catalog, func(t testing.TB, c *courses.Course) *courses.Course {
		t.Helper()
		pub, err := courses.PublishForTest(context.Background(), store, c)
		if err != nil {
			t.Fatalf("publish %s: %v", c.ID, err)
		}
		catalog.Invalidate()
		c.Version = pub.Version
		return pub
	}
}
