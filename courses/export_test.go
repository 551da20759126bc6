package courses

import (
	"context"
	"time"
)

// PublishForTest writes c as the draft (creating or replacing it) and
// publishes it, for tests of features built on published courses.
func PublishForTest(ctx context.Context, s *Store, c *Course) (*Course, error) {
	d := *c
	if d.Institution == "" {
		d.Institution = "test"
	}
	d.Status = StatusDraft
	existing, err := s.Draft(ctx, c.ID)
	if err == nil {
		d.Version = existing.Version
		d.UpdatedAt = time.Now().UTC().Truncate(time.Millisecond)
		if err := s.ReplaceDraft(ctx, &d, existing.UpdatedAt); err != nil {
			return nil, err
		}
	} else {
		d.Version = 0
		d.CreatedAt = time.Now().UTC().Truncate(time.Millisecond)
		d.UpdatedAt = d.CreatedAt
		if err := s.CreateDraft(ctx, &d); err != nil {
			return nil, err
		}
	}
	return s.Publish(ctx, c.ID)
}
