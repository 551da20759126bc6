package courses

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"

	"lontar"
)

//go:embed curriculum
var curriculum embed.FS

// SeedInstitution owns the curriculum Lontar ships with.
const SeedInstitution = "lontar"

// seedFile is courses/curriculum/<slug>/course.json.
type seedFile struct {
	ID      string      `json:"id"`
	Topic   string      `json:"topic"`
	Level   string      `json:"level"`
	Title   lontar.Text `json:"title"`
	Summary lontar.Text `json:"summary"`
	Modules []struct {
		ID      string      `json:"id"`
		Title   lontar.Text `json:"title"`
		Lessons []struct {
			ID         string      `json:"id"`
			Title      lontar.Text `json:"title"`
			EstMinutes int         `json:"est_minutes"`
			File       string      `json:"file"`
		} `json:"lessons"`
	} `json:"modules"`
}

// SeedReport says what seeding did, per course id.
type SeedReport struct {
	Created, Updated, Unchanged, Kept []string
}

// Curriculum reads the embedded curriculum as course inputs, with a hash
// of each course's files. Every lesson must exist in both languages.
func Curriculum() (map[string]*CourseInput, map[string]string, error) {
	dirs, err := fs.Glob(curriculum, "curriculum/*/course.json")
	if err != nil {
		return nil, nil, err
	}
	inputs, hashes := map[string]*CourseInput{}, map[string]string{}
	for _, f := range dirs {
		dir := path.Dir(f)
		raw, err := curriculum.ReadFile(f)
		if err != nil {
			return nil, nil, err
		}
		var sf seedFile
		if err := json.Unmarshal(raw, &sf); err != nil {
			return nil, nil, fmt.Errorf("courses: %s: %w", f, err)
		}
		h := sha256.New()
		h.Write(raw)
		in := &CourseInput{ID: sf.ID, Topic: sf.Topic, Level: sf.Level, Title: sf.Title, Summary: sf.Summary}
		for _, m := range sf.Modules {
			mi := ModuleInput{ID: m.ID, Title: m.Title}
			for _, l := range m.Lessons {
				var body lontar.Text
				for _, lang := range []string{"id", "en"} {
					b, err := curriculum.ReadFile(path.Join(dir, l.File+"."+lang+".md"))
					if err != nil {
						return nil, nil, fmt.Errorf("courses: %s lesson %s: %w", sf.ID, l.ID, err)
					}
					h.Write(b)
					if lang == "id" {
						body.ID = string(b)
					} else {
						body.EN = string(b)
					}
				}
				mi.Lessons = append(mi.Lessons, LessonInput{ID: l.ID, Title: l.Title, Body: body, EstMinutes: l.EstMinutes})
			}
			in.Modules = append(in.Modules, mi)
		}
		if err := lontar.Validate(in); err != nil {
			return nil, nil, fmt.Errorf("courses: curriculum %s: %w", sf.ID, err)
		}
		inputs[sf.ID] = in
		hashes[sf.ID] = hex.EncodeToString(h.Sum(nil))
	}
	return inputs, hashes, nil
}

// Seed creates and publishes the curriculum courses. It is idempotent: an
// unchanged course is left alone; a course whose files changed is updated
// and republished while it is still Lontar's own; a course a trainer has
// edited is never overwritten.
func Seed(ctx context.Context, store *Store, catalog *Catalog) (SeedReport, error) {
	var rep SeedReport
	inputs, hashes, err := Curriculum()
	if err != nil {
		return rep, err
	}
	ids := make([]string, 0, len(inputs))
	for id := range inputs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		in, hash := inputs[id], hashes[id]
		now := store.now().UTC().Truncate(1e6)
		existing, err := store.Draft(ctx, id)
		switch {
		case lontar.IsCode(err, lontar.ENotFound):
			co := &Course{ID: id, Institution: SeedInstitution, Authors: []string{"system"}, Status: StatusDraft,
				Seeded: true, SeedHash: hash, CreatedAt: now, UpdatedAt: now}
			in.apply(co)
			if err := store.CreateDraft(ctx, co); err != nil && !lontar.IsCode(err, lontar.EConflict) {
				return rep, err
			}
			rep.Created = append(rep.Created, id)
		case err != nil:
			return rep, err
		case !existing.Seeded:
			rep.Kept = append(rep.Kept, id)
			continue
		case existing.SeedHash == hash && existing.Version > 0:
			rep.Unchanged = append(rep.Unchanged, id)
			continue
		default:
			readAt := existing.UpdatedAt
			in.apply(existing)
			existing.SeedHash, existing.UpdatedAt = hash, now
			if err := store.ReplaceDraft(ctx, existing, readAt); err != nil {
				return rep, err
			}
			rep.Updated = append(rep.Updated, id)
		}
		if _, err := store.Publish(ctx, id); err != nil {
			return rep, err
		}
	}
	catalog.Invalidate()
	return rep, nil
}
