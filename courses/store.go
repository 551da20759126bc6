package courses

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"lontar"
	"lontar/database"
)

// Store keeps course drafts, the current published version of each
// course, the history of versions, and the catalogue's version counter.
type Store struct {
	drafts    *mongo.Collection // _id course id: what trainers edit
	published *mongo.Collection // _id course id: what learners read
	versions  *mongo.Collection // _id "course@version"
	meta      *mongo.Collection // _id "catalog": bumped on every publish
	now       func() time.Time
}

// NewStore returns a Store on db.
func NewStore(db *mongo.Database) *Store {
	return &Store{
		drafts: db.Collection("course_drafts"), published: db.Collection("courses"),
		versions: db.Collection("course_versions"), meta: db.Collection("meta"), now: time.Now,
	}
}

// EnsureIndexes creates the indexes a real MongoDB needs for listing an
// institution's drafts.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	err := database.EnsureIndexes(ctx, s.drafts, mongo.IndexModel{Keys: bson.D{{Key: "institution", Value: 1}}})
	if err != nil {
		return fmt.Errorf("courses: %w", err)
	}
	return nil
}

var errCourseNotFound = lontar.NotFound("Kursus", "Course")

// Draft returns the draft of a course.
func (s *Store) Draft(ctx context.Context, id string) (*Course, error) {
	return database.FindByID[Course](ctx, s.drafts, id, errCourseNotFound, "courses: get draft")
}

// CourseInstitution returns the institution owning a course, drafts
// included (quizzes are authored against it).
func (s *Store) CourseInstitution(ctx context.Context, id string) (string, error) {
	c, err := s.Draft(ctx, id)
	if err != nil {
		return "", err
	}
	return c.Institution, nil
}

// Drafts lists the drafts of an institution ("" = all, for admins).
func (s *Store) Drafts(ctx context.Context, institution string) ([]*Course, error) {
	filter := bson.M{}
	if institution != "" {
		filter["institution"] = institution
	}
	opts := options.Find().SetProjection(bson.M{"modules.lessons.body": 0, "modules.lessons.html": 0})
	cur, err := s.drafts.Find(ctx, filter, opts)
	if err != nil {
		return nil, fmt.Errorf("courses: list drafts: %w", err)
	}
	var out []*Course
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("courses: list drafts: %w", err)
	}
	return out, nil
}

// CreateDraft inserts a new draft.
func (s *Store) CreateDraft(ctx context.Context, c *Course) error {
	if _, err := s.drafts.InsertOne(ctx, c); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return lontar.NewError(lontar.EConflict, "ID kursus sudah dipakai.", "This course id is already taken.").
				WithField("id", "ID kursus sudah dipakai.", "This course id is already taken.")
		}
		return fmt.Errorf("courses: create %s: %w", c.ID, err)
	}
	return nil
}

// ReplaceDraft overwrites a draft, guarded on the version it was read at
// so that a publish in between is not silently undone.
func (s *Store) ReplaceDraft(ctx context.Context, c *Course, readAt time.Time) error {
	res, err := s.drafts.ReplaceOne(ctx, bson.M{"_id": c.ID, "updated_at": readAt}, c)
	if err != nil {
		return fmt.Errorf("courses: replace %s: %w", c.ID, err)
	}
	if res.MatchedCount == 0 {
		return lontar.NewError(lontar.EConflict, "Kursus baru saja diubah orang lain. Muat ulang lalu coba lagi.",
			"The course was just changed by someone else. Reload and try again.")
	}
	return nil
}

// Publish renders the draft and makes it the new published version. The
// draft stays editable; learners read the snapshot.
func (s *Store) Publish(ctx context.Context, id string) (*Course, error) {
	d, err := s.Draft(ctx, id)
	if err != nil {
		return nil, err
	}
	pub := *d
	pub.Modules = make([]Module, len(d.Modules))
	for i, m := range d.Modules {
		pub.Modules[i] = Module{ID: m.ID, Title: m.Title, Lessons: make([]Lesson, len(m.Lessons))}
		for j, l := range m.Lessons {
			html, err := renderText(l.Body)
			if err != nil {
				return nil, err
			}
			l.HTML = html
			pub.Modules[i].Lessons[j] = l
		}
	}
	now := s.now().UTC().Truncate(time.Millisecond)
	pub.Version = d.Version + 1
	pub.Status = StatusPublished
	pub.PublishedAt = &now
	if pub.SizeBytes, err = courseSize(&pub); err != nil {
		return nil, err
	}

	// Claim the version number on the draft first: of two concurrent
	// publishes, one gets each number.
	res, err := s.drafts.UpdateOne(ctx, bson.M{"_id": id, "version": d.Version},
		bson.M{"$set": bson.M{"version": pub.Version, "published_at": now, "size_bytes": pub.SizeBytes}})
	if err != nil {
		return nil, fmt.Errorf("courses: publish %s: %w", id, err)
	}
	if res.ModifiedCount == 0 {
		return nil, lontar.NewError(lontar.EConflict, "Kursus sedang diterbitkan. Coba lagi.", "The course is being published. Try again.")
	}
	doc, err := versionDoc(&pub)
	if err != nil {
		return nil, err
	}
	if _, err := s.versions.ReplaceOne(ctx, bson.M{"_id": fmt.Sprintf("%s@%d", id, pub.Version)}, doc,
		options.Replace().SetUpsert(true)); err != nil {
		return nil, fmt.Errorf("courses: keep version %s@%d: %w", id, pub.Version, err)
	}
	if _, err := s.published.ReplaceOne(ctx, bson.M{"_id": id}, &pub, options.Replace().SetUpsert(true)); err != nil {
		return nil, fmt.Errorf("courses: publish %s: %w", id, err)
	}
	if err := s.bumpCatalog(ctx); err != nil {
		return nil, err
	}
	return &pub, nil
}

// versionDoc is c as a document of course_versions: its fields, with the
// course id in course_id, so that the _id can name the version.
func versionDoc(c *Course) (bson.M, error) {
	b, err := bson.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("courses: encode version of %s: %w", c.ID, err)
	}
	var m bson.M
	if err := bson.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("courses: decode version of %s: %w", c.ID, err)
	}
	m["course_id"] = c.ID
	delete(m, "_id")
	return m, nil
}

func renderText(t lontar.Text) (lontar.Text, error) {
	var out lontar.Text
	var err error
	if out.ID, err = renderLesson(t.ID, "id"); err != nil {
		return out, err
	}
	if t.EN != "" {
		if out.EN, err = renderLesson(t.EN, "en"); err != nil {
			return out, err
		}
	}
	return out, nil
}

// bumpCatalog tells every instance's catalogue that a course changed.
func (s *Store) bumpCatalog(ctx context.Context) error {
	_, err := s.meta.UpdateOne(ctx, bson.M{"_id": "catalog"}, bson.M{"$inc": bson.M{"version": 1}}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("courses: bump catalog version: %w", err)
	}
	return nil
}

// catalogVersion reads the counter bumped on every publish.
func (s *Store) catalogVersion(ctx context.Context) (int64, error) {
	var m struct {
		Version int64 `bson:"version"`
	}
	err := database.Reads(s.meta).FindOne(ctx, bson.M{"_id": "catalog"}).Decode(&m)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return 0, fmt.Errorf("courses: read catalog version: %w", err)
	}
	return m.Version, nil
}

// allPublished loads every published course. Only the catalogue calls it,
// at start and when the catalog version changed, never per request.
func (s *Store) allPublished(ctx context.Context) ([]*Course, error) {
	cur, err := s.published.Find(ctx, bson.M{})
	if err != nil {
		return nil, fmt.Errorf("courses: load published: %w", err)
	}
	var out []*Course
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("courses: load published: %w", err)
	}
	return out, nil
}
