package cohorts

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"lontar"
	"lontar/courses"
	"lontar/database"
	"lontar/enrollments"
)

// People finds who a user is; *accounts.Store satisfies it. The roster
// keeps what a learner's profile said when they joined.
type People interface {
	Person(ctx context.Context, userID string) (lontar.Person, error)
}

// Cohort errors.
var (
	errCohortEnded = lontar.NewError(lontar.EConflict,
		"Kelas ini sudah berakhir, jadi tidak bisa bergabung lagi. Hubungi pelatih Anda.",
		"This class has ended, so it can no longer be joined. Please contact your trainer.")
	errImportEnded = lontar.NewError(lontar.EConflict,
		"Kelas ini sudah berakhir, jadi peserta tidak bisa ditambahkan lagi.",
		"This class has ended, so participants can no longer be added.")
	errCohortNotFound   = lontar.NotFound("Kelas", "Class")
	errJoinCodeNotFound = lontar.NewError(lontar.ENotFound,
		"Kode kelas tidak ditemukan. Periksa kembali kodenya.", "No class has this code. Please check the code.")
)

// Store keeps cohorts, their join codes and rosters. Lookups go by
// _id: a cohort by id, a code in cohort_codes (_id = code), a member in
// cohort_members (_id = "<cohort>:<user>"), an institution's cohorts in
// institution_cohorts (_id = institution).
type Store struct {
	cohorts       *mongo.Collection
	codes         *mongo.Collection
	members       *mongo.Collection
	byInstitution *mongo.Collection
	// invitations: _id "<cohort>:<user>"; userInvitations: _id user id →
	// the cohorts that invited them, so GET /me/invitations reads by _id.
	invitations     *mongo.Collection
	userInvitations *mongo.Collection
	catalog         *courses.Catalog
	enrollments     *enrollments.Store
	people          People
	publicURL       string
}

// NewStore returns a store over db. Members are enrolled in the cohort's
// courses of catalog through enrollments; people (may be nil) tells who
// they are. publicURL is the base of the join links shared on WhatsApp
// (publicURL + "/join/" + code).
func NewStore(db *mongo.Database, catalog *courses.Catalog, enrollments *enrollments.Store, people People, publicURL string) *Store {
	return &Store{
		cohorts:         db.Collection("cohorts"),
		codes:           db.Collection("cohort_codes"),
		members:         db.Collection("cohort_members"),
		byInstitution:   db.Collection("institution_cohorts"),
		invitations:     db.Collection("cohort_invitations"),
		userInvitations: db.Collection("user_invitations"),
		catalog:         catalog,
		enrollments:     enrollments,
		people:          people,
		publicURL:       strings.TrimRight(publicURL, "/"),
	}
}

// person returns the user as People knows them, or just the id without People.
func (s *Store) person(ctx context.Context, userID string) (lontar.Person, error) {
	if s.people == nil {
		return lontar.Person{UserID: userID}, nil
	}
	p, err := s.people.Person(ctx, userID)
	if err != nil {
		return lontar.Person{}, fmt.Errorf("cohorts: learner %s: %w", userID, err)
	}
	p.UserID = userID
	return p, nil
}

// EnsureIndexes creates the indexes a real MongoDB needs.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	if err := database.EnsureIndexes(ctx, s.cohorts,
		mongo.IndexModel{Keys: bson.D{{Key: "institution", Value: 1}}},
		mongo.IndexModel{Keys: bson.D{{Key: "join_code", Value: 1}}, Options: options.Index().SetUnique(true)},
	); err != nil {
		return fmt.Errorf("cohorts: cohort indexes: %w", err)
	}
	if err := database.EnsureIndexes(ctx, s.members,
		mongo.IndexModel{Keys: bson.D{{Key: "cohort_id", Value: 1}}},
		mongo.IndexModel{Keys: bson.D{{Key: "user_id", Value: 1}}},
	); err != nil {
		return fmt.Errorf("cohorts: cohort member indexes: %w", err)
	}
	return nil
}

// Create makes a cohort of published courses the caller may run, for the
// caller's institution (an admin's cohort belongs to its courses'), with a
// fresh join code.
func (s *Store) Create(ctx context.Context, caller *lontar.Caller, in *CohortInput) (*Cohort, error) {
	if err := lontar.Validate(in); err != nil {
		return nil, err
	}
	in.normalize()
	if in.Name == "" {
		return nil, lontar.FieldErrors(map[string]lontar.Text{"name": lontar.T("Nama kelas wajib diisi.", "The class name is required.")})
	}
	institution, err := s.cohortInstitution(ctx, caller, in.CourseIDs)
	if err != nil {
		return nil, err
	}
	return s.create(ctx, caller.UserID, institution, in)
}

// cohortInstitution checks that every course is published and that the
// caller may run it (their institution's, or the shared curriculum), and
// returns the institution the cohort belongs to: a trainer's own; for an
// admin, the courses' (which must be one, the shared ones aside).
func (s *Store) cohortInstitution(ctx context.Context, caller *lontar.Caller, courseIDs []string) (string, error) {
	switch {
	case caller.Is(lontar.RoleAdmin):
	case caller.Is(lontar.RoleTrainer) && caller.Institution != "":
	default:
		return "", lontar.ErrForbidden
	}
	institution := ""
	for _, id := range courseIDs {
		course, err := s.catalog.Get(ctx, id)
		if lontar.IsCode(err, lontar.ENotFound) {
			return "", lontar.FieldErrors(map[string]lontar.Text{"course_ids": lontar.T(
				"Kursus "+id+" tidak ditemukan atau belum diterbitkan.",
				"Course "+id+" does not exist or is not published.")})
		}
		if err != nil {
			return "", err
		}
		if course.Shared() {
			continue // the shared curriculum serves every institution's classes
		}
		if caller.Is(lontar.RoleTrainer) && course.Institution != caller.Institution {
			return "", lontar.ErrForbidden
		}
		if institution == "" {
			institution = course.Institution
		} else if course.Institution != institution {
			return "", lontar.FieldErrors(map[string]lontar.Text{"course_ids": lontar.T(
				"Semua kursus dalam satu kelas harus dari lembaga yang sama.",
				"All courses of a class must belong to one institution.")})
		}
	}
	if caller.Is(lontar.RoleTrainer) {
		return caller.Institution, nil
	}
	if institution == "" {
		return courses.SeedInstitution, nil
	}
	return institution, nil
}

// create stores a new cohort of the institution with a fresh, unique join
// code.
func (s *Store) create(ctx context.Context, createdBy, institution string, in *CohortInput) (*Cohort, error) {
	now := database.Now()
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
			return nil, fmt.Errorf("cohorts: reserve join code for %s: %w", c.ID, err)
		}
	}
	// The institution's list before the cohort: a crash between leaves an
	// entry List skips, never a cohort nobody can list.
	_, err := s.byInstitution.UpdateOne(ctx, bson.M{"_id": institution},
		bson.M{"$addToSet": bson.M{"cohort_ids": c.ID}}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return nil, fmt.Errorf("cohorts: index cohort %s: %w", c.ID, err)
	}
	if _, err := s.cohorts.InsertOne(ctx, c); err != nil {
		return nil, fmt.Errorf("cohorts: create cohort %s: %w", c.ID, err)
	}
	return c, nil
}

// Managed returns the cohort if the caller may run it: not_found for no
// such cohort, forbidden for anyone but an admin or a trainer of its
// institution.
func (s *Store) Managed(ctx context.Context, caller *lontar.Caller, id string) (*Cohort, error) {
	if !caller.Is(lontar.RoleTrainer, lontar.RoleAdmin) {
		return nil, lontar.ErrForbidden
	}
	cohort, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !cohort.canManage(caller) {
		return nil, lontar.ErrForbidden
	}
	return cohort, nil
}

// ListFor returns the cohorts the caller may run, newest first: a
// trainer's institution's; for an admin, the institution asked for, or
// every cohort.
func (s *Store) ListFor(ctx context.Context, caller *lontar.Caller, institution string) ([]*Cohort, error) {
	switch {
	case caller.Is(lontar.RoleTrainer) && caller.Institution != "":
		return s.List(ctx, caller.Institution)
	case !caller.Is(lontar.RoleAdmin):
		return nil, lontar.ErrForbidden
	case institution != "":
		return s.List(ctx, institution)
	}
	return s.All(ctx)
}

// Get returns the cohort, or not_found.
func (s *Store) Get(ctx context.Context, id string) (*Cohort, error) {
	return database.FindByID[Cohort](ctx, s.cohorts, id, errCohortNotFound, "cohorts: read cohort")
}

// ByCode returns the cohort a join code belongs to; the code may be typed
// in any case, with or without its dash.
func (s *Store) ByCode(ctx context.Context, typed string) (*Cohort, error) {
	code, ok := normalizeJoinCode(typed)
	if !ok {
		return nil, errJoinCodeNotFound
	}
	var ref struct {
		CohortID string `bson:"cohort_id"`
	}
	err := database.Reads(s.codes).FindOne(ctx, bson.M{"_id": code}).Decode(&ref)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, errJoinCodeNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("cohorts: read join code: %w", err)
	}
	c, err := s.Get(ctx, ref.CohortID)
	if lontar.IsCode(err, lontar.ENotFound) {
		return nil, errJoinCodeNotFound // a code reserved by a create that crashed
	}
	return c, err
}

// Preview says what a join code invites to, for anyone holding it: the
// class and its course titles in lang, nothing about its people.
func (s *Store) Preview(ctx context.Context, code string, lang lontar.Lang) (*InvitationPreview, error) {
	cohort, err := s.ByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	out := &InvitationPreview{Name: cohort.Name, Institution: cohort.Institution, StartsOn: cohort.StartsOn,
		EndsOn: cohort.EndsOn, Ended: cohort.ended(time.Now()), Courses: []PreviewCourse{}}
	for _, id := range cohort.CourseIDs {
		course, err := s.catalog.Get(ctx, id)
		if lontar.IsCode(err, lontar.ENotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out.Courses = append(out.Courses, PreviewCourse{ID: id, Title: course.Title.In(lang)})
	}
	return out, nil
}

// List returns the institution's cohorts, newest first, through its index
// document rather than a scan of cohorts.
func (s *Store) List(ctx context.Context, institution string) ([]*Cohort, error) {
	var idx struct {
		CohortIDs []string `bson:"cohort_ids"`
	}
	err := s.byInstitution.FindOne(ctx, bson.M{"_id": institution}).Decode(&idx)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return []*Cohort{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cohorts: read cohorts of %s: %w", institution, err)
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
func (s *Store) All(ctx context.Context) ([]*Cohort, error) {
	cur, err := s.cohorts.Find(ctx, bson.M{}, options.Find().SetSort(bson.D{{Key: "created_at", Value: -1}}))
	if err != nil {
		return nil, fmt.Errorf("cohorts: list cohorts: %w", err)
	}
	list := []*Cohort{}
	if err := cur.All(ctx, &list); err != nil {
		return nil, fmt.Errorf("cohorts: list cohorts: %w", err)
	}
	return list, nil
}

// JoinByCode puts the caller, a learner, in the cohort of the join code and
// enrolls them in its courses; it returns the cohort with the new member
// and the enrollments. An ended cohort cannot be joined.
func (s *Store) JoinByCode(ctx context.Context, caller *lontar.Caller, code string) (*Cohort, []*enrollments.Enrollment, error) {
	cohort, err := s.ByCode(ctx, code)
	if err != nil {
		return nil, nil, err
	}
	if cohort.ended(time.Now()) {
		return nil, nil, errCohortEnded
	}
	p, err := s.person(ctx, caller.UserID)
	if err != nil {
		return nil, nil, err
	}
	if p.Name == "" {
		p.Name = caller.Name
	}
	joined, err := s.Join(ctx, cohort, p, "code")
	if err != nil {
		return nil, nil, err
	}
	cohort, err = s.Get(ctx, cohort.ID) // with the new member
	if err != nil {
		return nil, nil, err
	}
	return cohort, joined, nil
}

// Join puts the person on the cohort's roster and enrolls them in each of
// its published courses. Every step is idempotent, so joining twice, or
// again after a failure half way, ends in the same state.
func (s *Store) Join(ctx context.Context, c *Cohort, p lontar.Person, source string) ([]*enrollments.Enrollment, error) {
	now := database.Now()
	if err := s.upsertMember(ctx, c, p, source, now); err != nil {
		return nil, err
	}
	joined := make([]*enrollments.Enrollment, 0, len(c.CourseIDs))
	for _, courseID := range c.CourseIDs {
		course, err := s.catalog.Get(ctx, courseID)
		if lontar.IsCode(err, lontar.ENotFound) {
			continue // no longer published
		}
		if err != nil {
			return nil, err
		}
		e, _, err := s.enrollments.EnrollPerson(ctx, p, course, c.ID)
		if err != nil {
			return nil, err
		}
		joined = append(joined, e)
	}
	// The member list on the cohort is written last: the roster starts
	// from it, so a learner appears there only once enrolled.
	_, err := s.cohorts.UpdateOne(ctx, bson.M{"_id": c.ID}, bson.M{
		"$addToSet": bson.M{"members": p.UserID},
		"$set":      bson.M{"updated_at": now},
	})
	if err != nil {
		return nil, fmt.Errorf("cohorts: add member to %s: %w", c.ID, err)
	}
	return joined, nil
}

// Roster returns the cohort's learners with their progress in each of its
// courses, reading members and enrollments by _id.
func (s *Store) Roster(ctx context.Context, c *Cohort) ([]RosterEntry, error) {
	published := make([]*courses.Course, len(c.CourseIDs))
	for i, id := range c.CourseIDs {
		course, err := s.catalog.Get(ctx, id)
		if err != nil && !lontar.IsCode(err, lontar.ENotFound) {
			return nil, err
		}
		published[i] = course
	}
	// Each learner is a few reads by _id; they go through the reading
	// pool several at a time, so a hall's roster does not take 300 round
	// trips one after another.
	roster := make([]RosterEntry, len(c.Members))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	next := make(chan int)
	for range rosterReaders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				entry, err := s.rosterEntry(ctx, c, c.Members[i], published)
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					cancel()
					continue
				}
				roster[i] = entry
			}
		}()
	}
	for i := range c.Members {
		next <- i
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	// Invited people, until they accept: only what the trainer's file said.
	for _, userID := range c.Invited {
		if slices.Contains(c.Members, userID) {
			continue
		}
		inv, err := s.invitation(ctx, c.ID, userID)
		if lontar.IsCode(err, lontar.ENotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if inv.Status != InvitePending {
			continue
		}
		entry := RosterEntry{Status: RosterInvited, Name: inv.Name, Phone: inv.Phone, BusinessName: inv.BusinessName,
			Sector: inv.Sector, Region: inv.Region, Gender: inv.Gender, InvitedAt: &inv.InvitedAt, Courses: []RosterCourse{}}
		roster = append(roster, entry)
	}
	return roster, nil
}

// rosterReaders is how many learners' rows a roster reads at once.
const rosterReaders = 4

// rosterEntry reads one learner's row of the roster.
func (s *Store) rosterEntry(ctx context.Context, c *Cohort, userID string, published []*courses.Course) (RosterEntry, error) {
	var m CohortMember
	err := database.Reads(s.members).FindOne(ctx, bson.M{"_id": c.ID + ":" + userID}).Decode(&m)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return RosterEntry{}, fmt.Errorf("cohorts: read member %s of %s: %w", userID, c.ID, err)
	}
	entry := RosterEntry{Status: RosterMember, UserID: userID, Name: m.Name, Phone: m.Phone, BusinessName: m.BusinessName,
		Sector: m.Sector, Region: m.Region, Gender: m.Gender, JoinedAt: m.JoinedAt,
		Courses: make([]RosterCourse, 0, len(c.CourseIDs))}
	if entry.Activity, err = s.enrollments.Activity(ctx, userID); err != nil {
		return RosterEntry{}, err
	}
	entry.LastSeenAt = entry.LastSyncAt
	for i, courseID := range c.CourseIDs {
		rc := RosterCourse{CourseID: courseID, CompletedLessons: map[string]time.Time{},
			QuizResults: map[string]lontar.QuizResult{}}
		e, err := s.enrollments.Enrollment(ctx, userID, courseID)
		switch {
		case lontar.IsCode(err, lontar.ENotFound):
		case err != nil:
			return RosterEntry{}, err
		default:
			p := e.ProgressIn(published[i])
			rc.Enrolled = true
			rc.Percent, rc.LessonsDone, rc.LessonsTotal = p.Percent, p.Done, p.Total
			rc.CompletedAt = e.CompletedAt
			if entry.LastSeenAt == nil || e.UpdatedAt.After(*entry.LastSeenAt) {
				seen := e.UpdatedAt
				entry.LastSeenAt = &seen
			}
			if p.Completed != nil {
				rc.CompletedLessons = p.Completed
			}
			if e.QuizResults != nil {
				rc.QuizResults = e.QuizResults
			}
		}
		entry.Courses = append(entry.Courses, rc)
	}
	return entry, nil
}

// View returns the cohort as its trainers see it.
func (s *Store) View(c *Cohort) CohortView {
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
