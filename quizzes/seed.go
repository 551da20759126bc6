package quizzes

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
)

//go:embed curriculum
var curriculum embed.FS

// SeedReport says what seeding did.
type SeedReport struct {
	Created, Updated, Unchanged, Kept int
}

type seedState struct {
	Seeded   bool   `bson:"seeded"`
	SeedHash string `bson:"seed_hash"`
}

// Seed creates the curriculum's quizzes (pretest, practice per module,
// final) for the seeded courses. It is idempotent: a quiz whose file has
// not changed is left alone, a changed one is replaced while it is still
// Lontar's own, and a quiz a trainer has edited is never overwritten.
func (s *Service) Seed(ctx context.Context) (SeedReport, error) {
	var rep SeedReport
	files, err := fs.Glob(curriculum, "curriculum/*.json")
	if err != nil {
		return rep, err
	}
	for _, f := range files {
		b, err := curriculum.ReadFile(f)
		if err != nil {
			return rep, err
		}
		var qs []Quiz
		if err := json.Unmarshal(b, &qs); err != nil {
			return rep, fmt.Errorf("quizzes: seed %s: %w", path.Base(f), err)
		}
		for i := range qs {
			q := &qs[i]
			q.Normalize()
			if err := q.Validate(); err != nil {
				return rep, fmt.Errorf("quizzes: seed %s quiz %s: %w", path.Base(f), q.ID, err)
			}
			if err := s.seedOne(ctx, q, &rep); err != nil {
				return rep, err
			}
		}
	}
	return rep, nil
}

func (s *Service) seedOne(ctx context.Context, q *Quiz, rep *SeedReport) error {
	canon, err := json.Marshal(q)
	if err != nil {
		return fmt.Errorf("quizzes: seed %s: %w", q.ID, err)
	}
	sum := sha256.Sum256(canon)
	hash := hex.EncodeToString(sum[:])
	st, exists, err := s.store.seedState(ctx, q.ID)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	q.Institution, q.CreatedBy, q.Seeded, q.CreatedAt, q.UpdatedAt = "lontar", "system", true, now, now
	switch {
	case !exists:
		if err := s.store.Create(ctx, q); err != nil {
			return err
		}
		rep.Created++
		return s.store.setSeedHash(ctx, q.ID, hash)
	case !st.Seeded:
		rep.Kept++ // edited by a trainer: theirs now
		return nil
	case st.SeedHash == hash:
		rep.Unchanged++
		return nil
	}
	if err := s.store.Replace(ctx, q); err != nil {
		return err
	}
	rep.Updated++
	return s.store.setSeedHash(ctx, q.ID, hash)
}
