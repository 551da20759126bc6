package courses

import (
	"context"
	"slices"
	"time"

	"lontar"
)

// The rules of authoring: who may create, edit, read and publish a draft.
// Handlers call these methods with the request's caller; the store's other
// methods only read and write.

// canEdit checks that the caller may edit course c: an admin, or a
// trainer of its institution.
func canEdit(caller *lontar.Caller, c *Course) error {
	if caller.Is(lontar.RoleAdmin) || caller.Is(lontar.RoleTrainer) && caller.Institution == c.Institution {
		return nil
	}
	return lontar.ErrForbidden
}

var errNoInstitution = lontar.FieldErrors(map[string]lontar.Text{
	"institution": lontar.T("Institusi wajib diisi.", "The institution is required.")})

// Create makes a new draft from in, owned by the caller's institution (an
// admin may name another), with the caller as its first author.
func (s *Store) Create(ctx context.Context, caller *lontar.Caller, in *CourseInput) (*Course, error) {
	if err := lontar.Validate(in); err != nil {
		return nil, err
	}
	co := &Course{ID: in.ID, Institution: caller.Institution, Authors: []string{caller.UserID}, Status: StatusDraft}
	if caller.Is(lontar.RoleAdmin) && in.Institution != "" {
		co.Institution = in.Institution
	}
	if co.Institution == "" {
		return nil, errNoInstitution
	}
	if err := canEdit(caller, co); err != nil {
		return nil, err
	}
	if co.ID == "" {
		co.ID = newID("c")
	}
	in.apply(co)
	co.CreatedAt = s.now().UTC().Truncate(time.Millisecond)
	co.UpdatedAt = co.CreatedAt
	if err := s.CreateDraft(ctx, co); err != nil {
		return nil, err
	}
	return co, nil
}

// Copy makes a new draft in the caller's institution from a published
// course of the shared curriculum (or of the caller's own institution),
// for the trainer to adapt: same modules, lessons and Markdown, a new
// course id, the caller as its author.
func (s *Store) Copy(ctx context.Context, caller *lontar.Caller, catalog *Catalog, id string) (*Course, error) {
	src, err := catalog.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !src.Shared() && canEdit(caller, src) != nil {
		return nil, lontar.ErrForbidden
	}
	if caller.Institution == "" {
		return nil, errNoInstitution
	}
	co := &Course{ID: newID("c"), Institution: caller.Institution, Authors: []string{caller.UserID}, Status: StatusDraft,
		Topic: src.Topic, Level: src.Level, Title: src.Title, Summary: src.Summary}
	if err := canEdit(caller, co); err != nil {
		return nil, err
	}
	for _, m := range src.Modules {
		mod := Module{ID: m.ID, Title: m.Title}
		for _, l := range m.Lessons {
			mod.Lessons = append(mod.Lessons, Lesson{ID: l.ID, Title: l.Title, Body: l.Body, EstMinutes: l.EstMinutes})
		}
		co.Modules = append(co.Modules, mod)
	}
	co.CreatedAt = s.now().UTC().Truncate(time.Millisecond)
	co.UpdatedAt = co.CreatedAt
	if err := s.CreateDraft(ctx, co); err != nil {
		return nil, err
	}
	return co, nil
}

// EditableDraft returns the draft of course id if the caller may edit it.
func (s *Store) EditableDraft(ctx context.Context, caller *lontar.Caller, id string) (*Course, error) {
	co, err := s.Draft(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := canEdit(caller, co); err != nil {
		return nil, err
	}
	return co, nil
}

// Update replaces the draft of course id with in. The caller joins its
// authors, and a seeded course becomes theirs: seeding never overwrites
// it again. Rights come before validation: someone else's course is
// forbidden whatever the body says.
func (s *Store) Update(ctx context.Context, caller *lontar.Caller, id string, in *CourseInput) (*Course, error) {
	co, err := s.EditableDraft(ctx, caller, id)
	if err != nil {
		return nil, err
	}
	if err := lontar.Validate(in); err != nil {
		return nil, err
	}
	readAt := co.UpdatedAt
	in.apply(co)
	if !slices.Contains(co.Authors, caller.UserID) {
		co.Authors = append(co.Authors, caller.UserID)
	}
	co.Seeded, co.SeedHash = false, ""
	co.UpdatedAt = s.now().UTC().Truncate(time.Millisecond)
	if err := s.ReplaceDraft(ctx, co, readAt); err != nil {
		return nil, err
	}
	return co, nil
}

// PublishAs publishes the draft of course id if the caller may edit it.
func (s *Store) PublishAs(ctx context.Context, caller *lontar.Caller, id string) (*Course, error) {
	if _, err := s.EditableDraft(ctx, caller, id); err != nil {
		return nil, err
	}
	return s.Publish(ctx, id)
}

// DraftsOf lists the drafts the caller may edit: their institution's, or
// every one for an admin.
func (s *Store) DraftsOf(ctx context.Context, caller *lontar.Caller) ([]*Course, error) {
	switch {
	case caller.Is(lontar.RoleAdmin):
		return s.Drafts(ctx, "")
	case caller.Is(lontar.RoleTrainer) && caller.Institution != "":
		return s.Drafts(ctx, caller.Institution)
	}
	return nil, lontar.ErrForbidden
}
