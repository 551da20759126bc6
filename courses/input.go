package courses

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode"

	"lontar"
)

// MaxLessonBytes bounds a lesson's Markdown per language: a lesson must
// stay cheap to open on 3G.
const MaxLessonBytes = 10 * 1024

// CourseInput is a course as a trainer writes it (POST and PUT).
type CourseInput struct {
	ID          string        `json:"id"`
	Institution string        `json:"institution"` // admins only; trainers get their own
	Topic       string        `json:"topic" validate:"required,oneof=ecommerce content bookkeeping other" label:"Topik|Topic"`
	Level       string        `json:"level" validate:"omitempty,oneof=beginner intermediate advanced" label:"Tingkat|Level"`
	Title       lontar.Text   `json:"title"`
	Summary     lontar.Text   `json:"summary"`
	Modules     []ModuleInput `json:"modules" validate:"required,min=1,max=40,dive" label:"Modul|Modules"`
}

// ModuleInput is one module of a CourseInput.
type ModuleInput struct {
	ID      string        `json:"id"`
	Title   lontar.Text   `json:"title"`
	Lessons []LessonInput `json:"lessons" validate:"required,min=1,max=60,dive" label:"Pelajaran|Lessons"`
}

// LessonInput is one lesson of a ModuleInput.
type LessonInput struct {
	ID         string      `json:"id"`
	Title      lontar.Text `json:"title"`
	Body       lontar.Text `json:"body"`
	EstMinutes int         `json:"est_minutes" validate:"required,min=1,max=120" label:"Lama belajar (menit)|Study time (minutes)"`
}

// Validate checks what tags cannot: texts present, ids well-formed and
// unique across the course, lesson size.
func (in *CourseInput) Validate() error {
	f := map[string]lontar.Text{}
	need := func(path string, t lontar.Text, max int) {
		switch {
		case strings.TrimSpace(t.ID) == "":
			f[path+".id"] = lontar.T("Teks Bahasa Indonesia wajib diisi.", "The Indonesian text is required.")
		case len(t.ID) > max:
			f[path+".id"] = lontar.T(fmt.Sprintf("Maksimal %d byte.", max), fmt.Sprintf("At most %d bytes.", max))
		}
		if len(t.EN) > max {
			f[path+".en"] = lontar.T(fmt.Sprintf("Maksimal %d byte.", max), fmt.Sprintf("At most %d bytes.", max))
		}
		// A title is one line a learner reads in a list: a line break, a
		// tab or an invisible character (zero-width, a direction
		// override) would let it look empty or read backwards.
		if strings.HasSuffix(path, "title") {
			for lang, v := range map[string]string{"id": t.ID, "en": t.EN} {
				if f[path+"."+lang] == (lontar.Text{}) && strings.ContainsFunc(v, invisible) {
					f[path+"."+lang] = lontar.T("Judul tidak boleh berisi baris baru, tab atau karakter tak terlihat.",
						"A title cannot contain line breaks, tabs or invisible characters.")
				}
			}
		}
	}
	checkID := func(path, id string) {
		if id != "" && !lontar.ValidID(id) {
			f[path] = lontar.BadIDText
		}
	}
	checkID("id", in.ID)
	need("title", in.Title, 200)
	if len(in.Summary.ID) > 1000 || len(in.Summary.EN) > 1000 {
		f["summary"] = lontar.T("Ringkasan maksimal 1000 byte.", "The summary is at most 1000 bytes.")
	}
	seen := map[string]string{}
	unique := func(path, id string) {
		if id == "" {
			return
		}
		if first, dup := seen[id]; dup {
			f[path] = lontar.T("ID sudah dipakai di "+first+".", "Id already used at "+first+".")
			return
		}
		seen[id] = path
	}
	for i, m := range in.Modules {
		mp := fmt.Sprintf("modules.%d", i)
		need(mp+".title", m.Title, 200)
		checkID(mp+".id", m.ID)
		unique(mp+".id", m.ID)
		for j, l := range m.Lessons {
			lp := fmt.Sprintf("%s.lessons.%d", mp, j)
			need(lp+".title", l.Title, 200)
			need(lp+".body", l.Body, MaxLessonBytes)
			if msg := checkPractice(l.Body); msg != nil {
				f[lp+".body"] = *msg
			}
			checkID(lp+".id", l.ID)
			unique(lp+".id", l.ID)
		}
	}
	if len(f) > 0 {
		return lontar.FieldErrors(f)
	}
	return nil
}

func newID(prefix string) string {
	var b [5]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

// apply writes the input onto course c, keeping ids the client sent and
// making the missing ones, so lesson ids stay stable across edits.
func (in *CourseInput) apply(c *Course) {
	c.Topic, c.Level, c.Title, c.Summary = in.Topic, in.Level, in.Title, in.Summary
	if c.Level == "" {
		c.Level = "beginner"
	}
	c.Modules = make([]Module, len(in.Modules))
	for i, m := range in.Modules {
		mod := Module{ID: m.ID, Title: m.Title, Lessons: make([]Lesson, len(m.Lessons))}
		if mod.ID == "" {
			mod.ID = newID("m")
		}
		for j, l := range m.Lessons {
			les := Lesson{ID: l.ID, Title: l.Title, Body: l.Body, EstMinutes: l.EstMinutes}
			if les.ID == "" {
				les.ID = newID("l")
			}
			mod.Lessons[j] = les
		}
		c.Modules[i] = mod
	}
}

// invisible reports a control or format character, or a line or paragraph
// separator.
func invisible(r rune) bool {
	return unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp)
}
