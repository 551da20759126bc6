package courses

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"lontar"
	"lontar/database"
)

// Cohort errors.
var (
	errCohortNotFound   = lontar.NotFound("Kelas", "Class")
	errJoinCodeNotFound = lontar.Errorf(lontar.ENotFound,
		"Kode kelas tidak ditemukan. Periksa kembali kodenya.", "No class has this code. Please check the code.")
)

// CohortStore keeps cohorts, their join codes and rosters. Lookups go by
// _id: a cohort by id, a code in cohort_codes (_id = code), a member in
// cohort_members (_id = "<cohort>:<user>"), an institution's cohorts in
// institution_cohorts (_id = institution).
type CohortStore struct {
	cohorts       *mongo.Collection
	codes         *mongo.Collection
	members       *mongo.Collection
	byInstitution *mongo.Collection
	catalog       *Catalog
	progress      *ProgressStore
	publicURL     string
}

// NewCohortStore returns a store over db. publicURL is the base of the
// join links shared on WhatsApp (publicURL + "/join/" + code).
func NewCohortStore(db *mongo.Database, catalog *Catalog, progress *ProgressStore, publicURL string) *CohortStore {
	return &CohortStore{
		cohorts:       db.Collection("cohorts"),
		codes:         db.Collection("cohort_codes"),
		members:       db.Collection("cohort_members"),
		byInstitution: db.Collection("institution_cohorts"),
		catalog:       catalog,
		progress:      progress,
		publicURL:     strings.TrimRight(publicURL, "/"),
	}
}

// EnsureIndexes creates the indexes a real MongoDB needs.
func (s *CohortStore) EnsureIndexes(ctx context.Context) error {
	if err := database.EnsureIndexes(ctx, s.cohorts,
		mongo.IndexModel{Keys: bson.D{{Key: "institution", Value: 1}}},
		mongo.IndexModel{Keys: bson.D{{Key: "join_code", Value: 1}}, Options: options.Index().SetUnique(true)},
	); err != nil {
		return fmt.Errorf("courses: cohort indexes: %w", err)
	}
	if err := database.EnsureIndexes(ctx, s.members,
		mongo.IndexModel{Keys: bson.D{{Key: "cohort_id", Value: 1}}},
		mongo.IndexModel{Keys: bson.D{{Key: "user_id", Value: 1}}},
	); err != nil {
		return fmt.Errorf("courses: cohort member indexes: %w", err)
	}
	return nil
}

// Create stores a new cohort of the institution with a fresh, unique join
// code. The caller has checked the courses and the caller's rights.
func (s *CohortStore) Create(ctx context.Context, createdBy, institution string, in CohortInput) (*Cohort, error) {
	now := serverNow()
	c := &Cohort{
		ID: newCohortID(), Name: in.Name, Institution: institution, CourseIDs: in.CourseIDs,
		StartsOn: in.StartsOn, EndsOn: in.EndsOn, Region: in.Region, CreatedBy: createdBy,
		Members: []string{}, CreatedAt: now, UpdatedAt: now,
	}
	// The code is reserved first by inserting it as an _id: the unique key
	// makes two cohorts with one code impossible, and a collision just
	// draws again. A crash after this leaves an unused code, which is harmless.
	for try := 0; ; try++ {
		code := newJoinCode()
		_, err := s.codes.InsertOne(ctx, bson.M{"_id": code, "cohort_id": c.ID, "created_at": now})
		if err == nil {
			c.JoinCode = code
			break
		}
		if !mongo.IsDuplicateKeyError(err) || try == 9 {
			return nil, fmt.Errorf("courses: reserve join code for %s: %w", c.ID, err)
		}
	}
	if _, err := s.cohorts.InsertOne(ctx, c); err != nil {
		return nil, fmt.Errorf("courses: create cohort %s: %w", c.ID, err)
	}
	_, err := s.byInstitution.UpdateOne(ctx, bson.M{"_id": institution},
		bson.M{"$addToSet": bson.M{"cohort_ids": c.ID}}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return nil, fmt.Errorf("courses: index cohort %s: %w", c.ID, err)
	}
	return c, nil
}

// Get returns the cohort, or not_found.
func (s *CohortStore) Get(ctx context.Context, id string) (*Cohort, error) {
	return database.FindByID[Cohort](ctx, s.cohorts, id, errCohortNotFound, "courses: read cohort")
}

// ByCode returns the cohort a join code belongs to; the code may be typed
// in any case, with or without its dash.
func (s *CohortStore) ByCode(ctx context.Context, typed string) (*Cohort, error) {
	code, ok := normaliseJoinCode(typed)
	if !ok {
		return nil, errJoinCodeNotFound
	}
	var ref struct {
		CohortID string `bson:"cohort_id"`
	}
	err := s.codes.FindOne(ctx, bson.M{"_id": code}).Decode(&ref)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, errJoinCodeNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("courses: read join code: %w", err)
	}
	c, err := s.Get(ctx, ref.CohortID)
	if lontar.IsCode(err, lontar.ENotFound) {
		return nil, errJoinCodeNotFound // a code reserved by a create that crashed
	}
	return c, err
}

// List returns the institution's cohorts, newest first, through its index
// document rather than a scan of cohorts.
func (s *CohortStore) List(ctx context.Context, institution string) ([]*Cohort, error) {
	var idx struct {
		CohortIDs []string `bson:"cohort_ids"`
	}
	err := s.byInstitution.FindOne(ctx, bson.M{"_id": institution}).Decode(&idx)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return []*Cohort{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("courses: read cohorts of %s: %w", institution, err)
	}
	list := make([]*Cohort, 0, len(idx.CohortIDs))
	for i := len(idx.CohortIDs) - 1; i >= 0; i-- {
		c, err := s.Get(ctx, idx.CohortIDs[i])
		if lontar.IsCode(err, lontar.ENotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		list = append(list, c)
	}
	return list, nil
}

// All returns every cohort, newest first. It scans the collection: only
// admins call it, rarely.
func (s *CohortStore) All(ctx context.Context) ([]*Cohort, error) {
	cur, err := s.cohorts.Find(ctx, bson.M{}, options.Find().SetSort(bson.D{{Key: "created_at", Value: -1}}))
	if err != nil {
		return nil, fmt.Errorf("courses: list cohorts: %w", err)
	}
	list := []*Cohort{}
	if err := cur.All(ctx, &list); err != nil {
		return nil, fmt.Errorf("courses: list cohorts: %w", err)
	}
	return list, nil
}

// Join puts the person on the cohort's roster and enrolls them in each of
// its published courses. Every step is idempotent, so joining twice, or
// again after a failure half way, ends in the same state.
func (s *CohortStore) Join(ctx context.Context, c *Cohort, p lontar.Person, source string) ([]*Enrollment, error) {
	memberID := c.ID + ":" + p.UserID
	now := serverNow()
	_, err := s.members.UpdateOne(ctx, bson.M{"_id": memberID}, bson.M{
		"$set": bson.M{
			"cohort_id": c.ID, "user_id": p.UserID, "name": p.Name, "phone": p.Phone,
			"business_name": p.Profile.BusinessName, "sector": p.Profile.Sector,
			"region": p.Profile.Region, "gender": p.Profile.Gender, "source": source,
		},
		"$setOnInsert": bson.M{"joined_at": now},
	}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return nil, fmt.Errorf("courses: add member %s: %w", memberID, err)
	}
	enrollments := make([]*Enrollment, 0, len(c.CourseIDs))
	for _, courseID := range c.CourseIDs {
		course, err := s.catalog.Get(ctx, courseID)
		if lontar.IsCode(err, lontar.ENotFound) {
			continue // no longer published
		}
		if err != nil {
			return nil, err
		}
		e, _, err := s.progress.enroll(ctx, p, course, c.ID)
		if err != nil {
			return nil, err
		}
		enrollments = append(enrollments, e)
	}
	// The member list on the cohort is written last: the roster starts
	// from it, so a learner appears there only once enrolled.
	_, err = s.cohorts.UpdateOne(ctx, bson.M{"_id": c.ID}, bson.M{
		"$addToSet": bson.M{"members": p.UserID},
		"$set":      bson.M{"updated_at": now},
	})
	if err != nil {
		return nil, fmt.Errorf("courses: add member to %s: %w", c.ID, err)
	}
	return enrollments, nil
}

// Roster returns the cohort's learners with their progress in each of its
// courses, reading members and enrollments by _id.
func (s *CohortStore) Roster(ctx context.Context, c *Cohort) ([]RosterEntry, error) {
	courses := make([]*Course, len(c.CourseIDs))
	for i, id := range c.CourseIDs {
		course, err := s.catalog.Get(ctx, id)
		if err != nil && !lontar.IsCode(err, lontar.ENotFound) {
			return nil, err
		}
		courses[i] = course
	}
	roster := make([]RosterEntry, 0, len(c.Members))
	for _, userID := range c.Members {
		var m CohortMember
		err := s.members.FindOne(ctx, bson.M{"_id": c.ID + ":" + userID}).Decode(&m)
		if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			return nil, fmt.Errorf("courses: read member %s of %s: %w", userID, c.ID, err)
		}
		entry := RosterEntry{UserID: userID, Name: m.Name, Phone: m.Phone, BusinessName: m.BusinessName,
			Sector: m.Sector, Region: m.Region, Gender: m.Gender, JoinedAt: m.JoinedAt,
			Courses: make([]RosterCourse, 0, len(c.CourseIDs))}
		for i, courseID := range c.CourseIDs {
			rc := RosterCourse{CourseID: courseID, CompletedLessons: map[string]time.Time{},
				QuizResults: map[string]lontar.QuizResult{}}
			e, err := s.progress.Enrollment(ctx, userID, courseID)
			switch {
			case lontar.IsCode(err, lontar.ENotFound):
			case err != nil:
				return nil, err
			default:
				p := progressOf(e, courses[i])
				rc.Enrolled = true
				rc.Percent, rc.LessonsDone, rc.LessonsTotal = p.Percent, p.Done, p.Total
				rc.CompletedAt = e.CompletedAt
				if p.Completed != nil {
					rc.CompletedLessons = p.Completed
				}
				if e.QuizResults != nil {
					rc.QuizResults = e.QuizResults
				}
			}
			entry.Courses = append(entry.Courses, rc)
		}
		roster = append(roster, entry)
	}
	return roster, nil
}

// View returns the cohort as its trainers see it.
func (s *CohortStore) View(c *Cohort) CohortView {
	return CohortView{
		ID: c.ID, Name: c.Name, Institution: c.Institution, CourseIDs: c.CourseIDs,
		StartsOn: c.StartsOn, EndsOn: c.EndsOn, Region: c.Region,
		JoinCode: formatJoinCode(c.JoinCode), JoinURL: s.publicURL + "/join/" + formatJoinCode(c.JoinCode),
		MembersCount: len(c.Members), Ended: c.ended(time.Now()), CreatedBy: c.CreatedBy,
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
	}
}

// newCohortID returns a random id of 16 lower-case base32 characters.
func newCohortID() string {
	return strings.ToLower(rand.Text()[:16])
}
