// Package cohorts holds trainers' classes: cohorts of courses that
// learners join with a code shared on WhatsApp or are imported into from
// a CSV file, and the roster on which trainers follow them.
package cohorts

import (
	"strings"
	"time"

	"lontar"
	"lontar/enrollments"
	"lontar/regions"
)

// Cohort is a trainer's class: learners who join it with its code are
// enrolled in its courses, and its trainers follow them on the roster.
type Cohort struct {
	ID          string   `json:"id" bson:"_id"`
	Name        string   `json:"name" bson:"name"`
	Institution string   `json:"institution" bson:"institution"`
	CourseIDs   []string `json:"course_ids" bson:"course_ids"`
	StartsOn    string   `json:"starts_on" bson:"starts_on"` // YYYY-MM-DD
	EndsOn      string   `json:"ends_on" bson:"ends_on"`
	Region      string   `json:"region" bson:"region"`
	// JoinCode is the 8 characters of the code, stored without the dash.
	JoinCode  string `json:"join_code" bson:"join_code"`
	CreatedBy string `json:"created_by" bson:"created_by"`
	// Members are the user ids of the learners who joined, in join order.
	Members []string `json:"-" bson:"members"`
	// Invited are existing accounts an import asked to join; they move to
	// Members when they accept.
	Invited   []string  `json:"-" bson:"invited,omitempty"`
	CreatedAt time.Time `json:"created_at" bson:"created_at"`
	UpdatedAt time.Time `json:"updated_at" bson:"updated_at"`
}

// CohortInput is the body of POST /cohorts.
type CohortInput struct {
	Name      string   `json:"name" validate:"required,max=120" label:"Nama kelas|Class name"`
	CourseIDs []string `json:"course_ids" validate:"required,min=1,max=20,dive,required,max=100" label:"Kursus|Course"`
	StartsOn  string   `json:"starts_on" validate:"required,datetime=2006-01-02" label:"Tanggal mulai|Start date"`
	EndsOn    string   `json:"ends_on" validate:"required,datetime=2006-01-02" label:"Tanggal selesai|End date"`
	Region    string   `json:"region" validate:"required" label:"Wilayah|Region|choice"`
}

// Validate checks the rules tags cannot say.
func (in *CohortInput) Validate() error {
	fields := map[string]lontar.Text{}
	if in.EndsOn < in.StartsOn { // YYYY-MM-DD compares as text
		fields["ends_on"] = lontar.T("Tanggal selesai tidak boleh sebelum tanggal mulai.",
			"The end date cannot be before the start date.")
	}
	if !regions.Valid(in.Region) {
		fields["region"] = lontar.T("Kode wilayah tidak dikenal.", "Unknown region code.")
	}
	// The class name is shown to every learner it invites: the same rules
	// as people's names.
	if name, msg := lontar.CleanName(in.Name); msg != nil {
		fields["name"] = *msg
	} else {
		in.Name = name
	}
	if len(fields) > 0 {
		return lontar.FieldErrors(fields)
	}
	return nil
}

// normalize trims the name and drops repeated course ids.
func (in *CohortInput) normalize() {
	in.Name = strings.TrimSpace(in.Name)
	in.Region = strings.TrimSpace(in.Region)
	seen := make(map[string]bool, len(in.CourseIDs))
	ids := in.CourseIDs[:0]
	for _, id := range in.CourseIDs {
		id = strings.TrimSpace(id)
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	in.CourseIDs = ids
}

// CohortView is a cohort as its trainers see it.
type CohortView struct {
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	Institution  string    `json:"institution"`
	CourseIDs    []string  `json:"course_ids"`
	StartsOn     string    `json:"starts_on"`
	EndsOn       string    `json:"ends_on"`
	Region       string    `json:"region"`
	JoinCode     string    `json:"join_code"` // XXXX-XXXX
	JoinURL      string    `json:"join_url"`
	MembersCount int       `json:"members_count"`
	Ended        bool      `json:"ended"`
	CreatedBy    string    `json:"created_by"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// CohortMember is one learner on a cohort's roster, stored in
// cohort_members with _id "<cohort>:<user>". It keeps who they were when
// they joined (or were imported), which is what the trainer registered.
type CohortMember struct {
	ID           string    `bson:"_id"`
	CohortID     string    `bson:"cohort_id"`
	UserID       string    `bson:"user_id"`
	Name         string    `bson:"name"`
	Phone        string    `bson:"phone"`
	BusinessName string    `bson:"business_name"`
	Sector       string    `bson:"sector"`
	Region       string    `bson:"region"`
	Gender       string    `bson:"gender"`
	Source       string    `bson:"source"` // "code" or "import"
	JoinedAt     time.Time `bson:"joined_at"`
}

// RosterEntry is one learner of a cohort with their progress per course.
type RosterEntry struct {
	// Status is member, or invited: an existing account an import asked to
	// join, shown with only what the file said and no user id.
	Status       string     `json:"status"`
	UserID       string     `json:"user_id,omitempty"`
	Name         string     `json:"name"`
	Phone        string     `json:"phone"`
	BusinessName string     `json:"business_name"`
	Sector       string     `json:"sector"`
	Region       string     `json:"region"`
	Gender       string     `json:"gender,omitempty"`
	JoinedAt     time.Time  `json:"joined_at,omitzero"`
	InvitedAt    *time.Time `json:"invited_at,omitempty"`
	// LastSeenAt is the learner's latest activity: a sync, a lesson or a quiz.
	LastSeenAt *time.Time `json:"last_seen_at"`
	enrollments.Activity
	Courses []RosterCourse `json:"courses"`
}

// Roster entry statuses.
const (
	RosterMember  = "member"
	RosterInvited = "invited"
)

// RosterCourse is a roster learner's progress in one of the cohort's courses.
type RosterCourse struct {
	CourseID         string                       `json:"course_id"`
	Enrolled         bool                         `json:"enrolled"`
	Percent          int                          `json:"percent"`
	LessonsDone      int                          `json:"lessons_done"`
	LessonsTotal     int                          `json:"lessons_total"`
	CompletedLessons map[string]time.Time         `json:"completed_lessons"`
	CompletedAt      *time.Time                   `json:"completed_at"`
	QuizResults      map[string]lontar.QuizResult `json:"quiz_results"`
}

// joinAlphabet has no characters people confuse when reading a code off
// a whiteboard or typing it from WhatsApp: no 0/O, 1/I/L.
const joinAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

const joinCodeLen = 8

// newJoinCode returns 8 random characters of joinAlphabet (31^8 ≈ 8.5e11
// codes, so guessing one is hopeless and collisions are rare; the store
// still retries on one).
func newJoinCode() string { return lontar.RandomCode(joinAlphabet, joinCodeLen) }

// normalizeJoinCode accepts a code as people type it: any case, with or
// without the dash or spaces. ok is false for anything that cannot be a code.
func normalizeJoinCode(s string) (code string, ok bool) {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch {
		case r == '-' || r == ' ' || r == '\t':
			continue
		case r < 128 && strings.IndexByte(joinAlphabet, byte(r)) >= 0:
			b.WriteRune(r)
		default:
			return "", false
		}
	}
	if b.Len() != joinCodeLen {
		return "", false
	}
	return b.String(), true
}

// formatJoinCode shows a code as XXXX-XXXX.
func formatJoinCode(code string) string {
	if len(code) != joinCodeLen {
		return code
	}
	return code[:4] + "-" + code[4:]
}

// wita is Nusa Tenggara Timur's time zone (UTC+8, no daylight saving):
// cohort dates are local dates there.
var wita = time.FixedZone("WITA", 8*60*60)

// ended reports whether the cohort's last day is over.
func (c *Cohort) ended(now time.Time) bool {
	return now.In(wita).Format(time.DateOnly) > c.EndsOn
}

// canManage reports whether the caller may see and run the cohort: an
// admin, or a trainer of the cohort's institution.
func (c *Cohort) canManage(caller *lontar.Caller) bool {
	switch {
	case caller == nil:
		return false
	case caller.Role == lontar.RoleAdmin:
		return true
	case caller.Role == lontar.RoleTrainer:
		return caller.Institution != "" && caller.Institution == c.Institution
	}
	return false
}

// InvitationPreview is what a join link shows before anyone signs up:
// the class and its courses, nothing about its people or trainers.
type InvitationPreview struct {
	Name        string          `json:"name"`
	Institution string          `json:"institution"`
	StartsOn    string          `json:"starts_on"`
	EndsOn      string          `json:"ends_on"`
	Ended       bool            `json:"ended"`
	Courses     []PreviewCourse `json:"courses"`
}

// PreviewCourse is one course of an InvitationPreview.
type PreviewCourse struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}
