package cohorts

import (
	"context"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"lontar"
	"lontar/courses"
	"lontar/database"
)

var errStaffNotImported = &lontar.Text{
	ID: "Nomor ini milik akun staf (pelatih, dinas atau admin); staf tidak didaftarkan lewat impor.",
	EN: "This number belongs to a staff account (trainer, agency or admin); staff are never enrolled by an import.",
}

// importOrigin marks the accounts an import into cohort c created, so that
// running the same import again (after a crash, or by mistake) treats the
// accounts it made and nobody activated yet as its own.
func importOrigin(c *Cohort) string { return "cohort:" + c.ID }

// Import registers each valid row's person through participants and puts
// them in the cohort; a failing row is reported and the others go on.
//
//   - A phone without an account gets a new learner account, enrolled in
//     the cohort's courses; the row carries its activation code.
//   - A learner's existing account is invited, not enrolled: the person
//     decides (GET /me/invitations). The row and the roster say only what
//     the file said.
//   - Staff accounts are never enrolled; the row says so.
//
// New accounts are enrolled in bulk (a handful of writes for the whole
// file, not a handful per row). Every step can be repeated: importing the
// same file again after a crash finishes what the first run left undone.
func (s *Store) Import(ctx context.Context, c *Cohort, rows []participantRow, participants Participants) ([]ImportResult, error) {
	// Like joining, and accepting an invitation: an ended class takes no
	// one new (an invitation to it could never be accepted).
	if c.ended(time.Now()) {
		return nil, errImportEnded
	}
	results := make([]ImportResult, len(rows))
	var people []lontar.Person
	var pos []int // people[k] is rows[pos[k]]
	for i, row := range rows {
		r := ImportResult{Row: row.Row, Phone: row.Person.Phone, Name: row.Person.Name}
		if r.Phone == "" {
			// What the file said, so the trainer can find the row; a
			// cell far longer than any phone number is not sent back whole.
			r.Phone = clip(row.RawPhone, 40)
		}
		if len(row.Problems) > 0 {
			r.Status, r.Error = ImportError, joinTexts(row.Problems)
		}
		results[i] = r
		if len(row.Problems) == 0 {
			people, pos = append(people, row.Person), append(pos, i)
		}
	}
	if len(people) == 0 {
		return results, nil
	}
	accounts := participants.EnsureParticipants(ctx, people, importOrigin(c))
	var enroll, invite []lontar.Person
	var enrollPos, invitePos []int
	for k, a := range accounts {
		i := pos[k]
		r := &results[i]
		p := people[k]
		p.UserID = a.UserID
		switch {
		case a.Err != nil:
			r.Status, r.Error = ImportError, errorText(a.Err)
		case a.Role != lontar.RoleLearner:
			r.Status, r.Error = ImportSkipped, errStaffNotImported
		case a.Created:
			r.Status, r.UserID, r.ActivationCode = ImportCreated, a.UserID, a.ActivationCode
			enroll, enrollPos = append(enroll, p), append(enrollPos, i)
		case slices.Contains(c.Members, a.UserID):
			// In the class already: nothing to do, and their roster entry
			// keeps what it says.
			r.Status, r.UserID = ImportEnrolled, a.UserID
		case !a.Activated && a.Origin == importOrigin(c):
			// Made by an earlier run of this class's import that stopped
			// half way, and not yet taken by anyone: finish enrolling.
			r.Status, r.UserID = ImportEnrolled, a.UserID
			enroll, enrollPos = append(enroll, p), append(enrollPos, i)
		default:
			r.Status = ImportInvited
			invite, invitePos = append(invite, p), append(invitePos, i)
		}
	}
	fail := func(at []int, err error) {
		for _, i := range at {
			results[i].Status, results[i].UserID, results[i].ActivationCode, results[i].Error = ImportError, "", "", errorText(err)
		}
	}
	if err := s.joinMany(ctx, c, enroll); err != nil {
		fail(enrollPos, err)
	}
	if err := s.inviteMany(ctx, c, invite); err != nil {
		fail(invitePos, err)
	}
	return results, nil
}

// joinMany is Join for many people at once, as an import needs: their
// member records (what the file said), their enrollments, then the cohort's
// member list, which the roster starts from, last.
func (s *Store) joinMany(ctx context.Context, c *Cohort, people []lontar.Person) error {
	if len(people) == 0 {
		return nil
	}
	now := database.Now()
	docs := make([]any, len(people))
	ids := make([]string, len(people))
	for i, p := range people {
		docs[i] = memberDoc(c, p, "import", now)
		ids[i] = p.UserID
	}
	failed, err := database.InsertNew(ctx, s.members, docs)
	if err != nil {
		return fmt.Errorf("cohorts: add members to %s: %w", c.ID, err)
	}
	for _, i := range failed {
		if err := s.upsertMember(ctx, c, people[i], "import", now); err != nil {
			return err
		}
	}
	var published []*courses.Course
	for _, courseID := range c.CourseIDs {
		course, err := s.catalog.Get(ctx, courseID)
		if lontar.IsCode(err, lontar.ENotFound) {
			continue // no longer published
		}
		if err != nil {
			return err
		}
		published = append(published, course)
	}
	if err := s.enrollments.EnrollMany(ctx, people, published, c.ID); err != nil {
		return err
	}
	_, err = s.cohorts.UpdateOne(ctx, bson.M{"_id": c.ID}, bson.M{
		"$addToSet": bson.M{"members": bson.M{"$each": ids}},
		"$set":      bson.M{"updated_at": now},
	})
	if err != nil {
		return fmt.Errorf("cohorts: add members to %s: %w", c.ID, err)
	}
	return nil
}

// memberDoc is a person's record on a cohort's roster.
func memberDoc(c *Cohort, p lontar.Person, source string, now time.Time) bson.M {
	return bson.M{
		"_id": c.ID + ":" + p.UserID, "cohort_id": c.ID, "user_id": p.UserID, "name": p.Name, "phone": p.Phone,
		"business_name": p.Profile.BusinessName, "sector": p.Profile.Sector,
		"region": p.Profile.Region, "gender": p.Profile.Gender, "source": source, "joined_at": now,
	}
}

// upsertMember writes the record of one member, keeping when they joined.
func (s *Store) upsertMember(ctx context.Context, c *Cohort, p lontar.Person, source string, now time.Time) error {
	set := memberDoc(c, p, source, now)
	delete(set, "_id")
	delete(set, "joined_at")
	_, err := s.members.UpdateOne(ctx, bson.M{"_id": c.ID + ":" + p.UserID},
		bson.M{"$set": set, "$setOnInsert": bson.M{"joined_at": now}}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("cohorts: add member %s:%s: %w", c.ID, p.UserID, err)
	}
	return nil
}

// clip shortens s to at most n runes, marking the cut with "…".
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
