package cohorts

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"lontar"
	"lontar/database"
	"lontar/enrollments"
)

// Invitation states.
const (
	InvitePending  = "pending"
	InviteAccepted = "accepted"
	InviteDeclined = "declined"
)

// Invitation asks the owner of an existing account to join a cohort a
// trainer imported them into. It keeps what the trainer's file said, which
// is all the roster shows until they accept. _id is "<cohort>:<user>".
type Invitation struct {
	ID           string     `bson:"_id"`
	CohortID     string     `bson:"cohort_id"`
	UserID       string     `bson:"user_id"`
	Name         string     `bson:"name"`
	Phone        string     `bson:"phone"`
	BusinessName string     `bson:"business_name"`
	Sector       string     `bson:"sector"`
	Region       string     `bson:"region"`
	Gender       string     `bson:"gender"`
	Status       string     `bson:"status"`
	InvitedAt    time.Time  `bson:"invited_at"`
	AnsweredAt   *time.Time `bson:"answered_at,omitempty"`
}

var (
	errInvitationNotFound = lontar.NotFound("Undangan", "Invitation")
	errInvitationDeclined = lontar.NewError(lontar.EConflict,
		"Undangan ini sudah Anda tolak. Minta kode kelas ke pelatih bila ingin ikut.",
		"You declined this invitation. Ask the trainer for the class code if you want to join.")
)

// inviteMany invites existing accounts to the cohort: an invitation each
// (a pending one is left as it is; a declined one is asked again, as the
// trainer imported them again), an entry in each person's list, and the
// cohort's list of invited people, which the roster reads.
func (s *Store) inviteMany(ctx context.Context, c *Cohort, people []lontar.Person) error {
	if len(people) == 0 {
		return nil
	}
	now := database.Now()
	docs := make([]any, len(people))
	ids := make([]string, len(people))
	for i, p := range people {
		docs[i] = &Invitation{ID: c.ID + ":" + p.UserID, CohortID: c.ID, UserID: p.UserID, Name: p.Name, Phone: p.Phone,
			BusinessName: p.Profile.BusinessName, Sector: p.Profile.Sector, Region: p.Profile.Region,
			Gender: p.Profile.Gender, Status: InvitePending, InvitedAt: now}
		ids[i] = p.UserID
	}
	failed, err := database.InsertNew(ctx, s.invitations, docs)
	if err != nil {
		return fmt.Errorf("cohorts: invite to %s: %w", c.ID, err)
	}
	for _, i := range failed {
		_, err := s.invitations.UpdateOne(ctx, bson.M{"_id": c.ID + ":" + people[i].UserID, "status": InviteDeclined},
			bson.M{"$set": bson.M{"status": InvitePending, "invited_at": now}, "$unset": bson.M{"answered_at": ""}})
		if err != nil {
			return fmt.Errorf("cohorts: invite %s to %s again: %w", people[i].UserID, c.ID, err)
		}
	}
	// The person's list before the cohort's: a crash between leaves an
	// invitation the person sees and the roster does not yet show, which
	// the next import completes.
	for _, id := range ids {
		_, err := s.userInvitations.UpdateOne(ctx, bson.M{"_id": id},
			bson.M{"$addToSet": bson.M{"cohort_ids": c.ID}}, options.UpdateOne().SetUpsert(true))
		if err != nil {
			return fmt.Errorf("cohorts: list invitation of %s: %w", id, err)
		}
	}
	_, err = s.cohorts.UpdateOne(ctx, bson.M{"_id": c.ID}, bson.M{
		"$addToSet": bson.M{"invited": bson.M{"$each": ids}}, "$set": bson.M{"updated_at": now}})
	if err != nil {
		return fmt.Errorf("cohorts: list invited of %s: %w", c.ID, err)
	}
	return nil
}

func (s *Store) invitation(ctx context.Context, cohortID, userID string) (*Invitation, error) {
	return database.FindByID[Invitation](ctx, s.invitations, cohortID+":"+userID, errInvitationNotFound, "cohorts: read invitation")
}

// InvitationView is an invitation as the invited person sees it: which
// class, of which institution, with which courses.
type InvitationView struct {
	CohortID    string          `json:"cohort_id"`
	CohortName  string          `json:"cohort_name"`
	Institution string          `json:"institution"`
	StartsOn    string          `json:"starts_on"`
	EndsOn      string          `json:"ends_on"`
	Courses     []InvitedCourse `json:"courses"`
	InvitedAt   time.Time       `json:"invited_at"`
}

// InvitedCourse is a course of the class the person is invited to.
type InvitedCourse struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// Invitations returns the user's pending invitations, through their list
// by _id.
func (s *Store) Invitations(ctx context.Context, userID string, lang lontar.Lang) ([]InvitationView, error) {
	var idx struct {
		CohortIDs []string `bson:"cohort_ids"`
	}
	err := s.userInvitations.FindOne(ctx, bson.M{"_id": userID}).Decode(&idx)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return nil, fmt.Errorf("cohorts: read invitations of %s: %w", userID, err)
	}
	out := []InvitationView{}
	for _, cohortID := range idx.CohortIDs {
		inv, err := s.invitation(ctx, cohortID, userID)
		if lontar.IsCode(err, lontar.ENotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if inv.Status != InvitePending {
			continue
		}
		c, err := s.Get(ctx, cohortID)
		if lontar.IsCode(err, lontar.ENotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if c.ended(time.Now()) || slices.Contains(c.Members, userID) {
			continue // over, or joined by code meanwhile
		}
		v := InvitationView{CohortID: c.ID, CohortName: c.Name, Institution: c.Institution, StartsOn: c.StartsOn,
			EndsOn: c.EndsOn, Courses: []InvitedCourse{}, InvitedAt: inv.InvitedAt}
		for _, id := range c.CourseIDs {
			course, err := s.catalog.Get(ctx, id)
			if err != nil {
				continue
			}
			v.Courses = append(v.Courses, InvitedCourse{ID: course.ID, Title: course.Title.In(lang)})
		}
		out = append(out, v)
	}
	return out, nil
}

// Accept enrolls the invited caller in the cohort with their own profile
// and closes the invitation. Accepting again (a retry, or after a crash
// half way) finishes the same work.
func (s *Store) Accept(ctx context.Context, caller *lontar.Caller, cohortID string) (*Cohort, []*enrollments.Enrollment, error) {
	inv, err := s.invitation(ctx, cohortID, caller.UserID)
	if err != nil {
		return nil, nil, err
	}
	if inv.Status == InviteDeclined {
		return nil, nil, errInvitationDeclined
	}
	c, err := s.Get(ctx, cohortID)
	if err != nil {
		return nil, nil, err
	}
	if inv.Status == InvitePending && c.ended(time.Now()) {
		return nil, nil, errCohortEnded
	}
	p, err := s.person(ctx, caller.UserID)
	if err != nil {
		return nil, nil, err
	}
	if p.Name == "" {
		p.Name = caller.Name
	}
	joined, err := s.Join(ctx, c, p, "invitation")
	if err != nil {
		return nil, nil, err
	}
	if err := s.answer(ctx, c.ID, caller.UserID, InviteAccepted); err != nil {
		return nil, nil, err
	}
	c, err = s.Get(ctx, c.ID)
	if err != nil {
		return nil, nil, err
	}
	return c, joined, nil
}

// Decline closes the invitation without enrolling; the roster stops
// showing the person.
func (s *Store) Decline(ctx context.Context, caller *lontar.Caller, cohortID string) error {
	inv, err := s.invitation(ctx, cohortID, caller.UserID)
	if err != nil {
		return err
	}
	if inv.Status == InviteAccepted {
		return lontar.NewError(lontar.EConflict, "Anda sudah bergabung dengan kelas ini.", "You have already joined this class.")
	}
	return s.answer(ctx, cohortID, caller.UserID, InviteDeclined)
}

// answer records the answer, then takes the person off the cohort's
// invited list and the invitation off theirs. Each step is idempotent.
func (s *Store) answer(ctx context.Context, cohortID, userID, status string) error {
	now := database.Now()
	_, err := s.invitations.UpdateOne(ctx, bson.M{"_id": cohortID + ":" + userID, "status": bson.M{"$ne": status}},
		bson.M{"$set": bson.M{"status": status, "answered_at": now}})
	if err != nil {
		return fmt.Errorf("cohorts: answer invitation %s:%s: %w", cohortID, userID, err)
	}
	if _, err := s.cohorts.UpdateOne(ctx, bson.M{"_id": cohortID}, bson.M{"$pull": bson.M{"invited": userID}}); err != nil {
		return fmt.Errorf("cohorts: answer invitation %s:%s: %w", cohortID, userID, err)
	}
	if _, err := s.userInvitations.UpdateOne(ctx, bson.M{"_id": userID}, bson.M{"$pull": bson.M{"cohort_ids": cohortID}}); err != nil {
		return fmt.Errorf("cohorts: answer invitation %s:%s: %w", cohortID, userID, err)
	}
	return nil
}
