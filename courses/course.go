// Package courses holds courses: the drafts trainers edit, the published
// versions learners read (rendered from Markdown once, at publish), the
// in-memory catalogue that serves them, and the seeded curriculum.
package courses

import (
	"time"

	"lontar"
)

// Topics a course can have.
var Topics = []string{"ecommerce", "content", "bookkeeping", "other"}

// Course states.
const (
	StatusDraft     = "draft"
	StatusPublished = "published"
)

// Course is one course with its modules and lessons embedded: one document
// per course, so reading a course is one lookup by _id.
//
// Drafts live in the course_drafts collection and are what trainers edit;
// publishing renders the Markdown and writes an immutable snapshot to
// courses (the current published version, read by learners) and
// course_versions (history, _id "<course>@<version>"). Lesson ids are kept
// across versions so progress survives edits.
type Course struct {
	ID          string      `json:"id" bson:"_id"`
	Institution string      `json:"institution" bson:"institution"`
	Authors     []string    `json:"authors" bson:"authors"` // user ids
	Topic       string      `json:"topic" bson:"topic"`
	Level       string      `json:"level" bson:"level"`
	Title       lontar.Text `json:"title" bson:"title"`
	Summary     lontar.Text `json:"summary" bson:"summary"`
	Modules     []Module    `json:"modules" bson:"modules"`
	Status      string      `json:"status" bson:"status"`
	// Version counts publications; 0 for a course never published.
	Version int `json:"version" bson:"version"`
	// SizeBytes is what reading the whole published course costs in data:
	// the rendered HTML of every lesson in one language (the larger).
	SizeBytes int `json:"size_bytes" bson:"size_bytes"`
	// Seeded marks a course written by Lontar's seeder; a trainer's edit
	// clears it and seeding never overwrites it again.
	Seeded      bool       `json:"-" bson:"seeded"`
	SeedHash    string     `json:"-" bson:"seed_hash,omitempty"`
	CreatedAt   time.Time  `json:"created_at" bson:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at" bson:"updated_at"`
	PublishedAt *time.Time `json:"published_at,omitempty" bson:"published_at,omitempty"`
}

// Module is a group of lessons.
type Module struct {
	ID      string      `json:"id" bson:"id"`
	Title   lontar.Text `json:"title" bson:"title"`
	Lessons []Lesson    `json:"lessons" bson:"lessons"`
}

// Lesson is one page of teaching. Body is Markdown as written; HTML is the
// sanitised rendering made once at publish, never per request.
type Lesson struct {
	ID         string      `json:"id" bson:"id"`
	Title      lontar.Text `json:"title" bson:"title"`
	Body       lontar.Text `json:"body" bson:"body"`
	HTML       lontar.Text `json:"html,omitzero" bson:"html,omitempty"`
	EstMinutes int         `json:"est_minutes" bson:"est_minutes"`
}

// Shared reports whether c is part of the curriculum Lontar ships with:
// any institution's classes may use it, and any trainer may copy it.
func (c *Course) Shared() bool { return c.Institution == SeedInstitution }

// LessonIDs returns the course's lesson ids in reading order.
func (c *Course) LessonIDs() []string {
	var ids []string
	for _, m := range c.Modules {
		for _, l := range m.Lessons {
			ids = append(ids, l.ID)
		}
	}
	return ids
}

// HasLesson reports whether id is one of the course's lessons.
func (c *Course) HasLesson(id string) bool {
	for _, m := range c.Modules {
		for _, l := range m.Lessons {
			if l.ID == id {
				return true
			}
		}
	}
	return false
}

// LessonCount is the number of lessons.
func (c *Course) LessonCount() int {
	n := 0
	for _, m := range c.Modules {
		n += len(m.Lessons)
	}
	return n
}
