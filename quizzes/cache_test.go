package quizzes_test

import (
	"testing"
	"time"

	"lontar"
	"lontar/internal/mongotest"
	"lontar/quizzes"
)

// Two instances share one store: an edit is seen at once on the instance
// that made it and within CacheTTL on the other, which serves its cached
// copy until then.
func TestQuizCacheAcrossInstances(t *testing.T) {
	db := mongotest.NewDatabase(t)
	ctx := mongotest.Context(t)
	a, b := quizzes.NewStore(db), quizzes.NewStore(db)
	now := time.Now()
	b.SetClock(func() time.Time { return now })

	q := mustQuiz(t, gradingQuiz)
	q.ID, q.CourseID = "cache-quiz", "c1"
	if err := a.Create(ctx, q); err != nil {
		t.Fatal(err)
	}
	if got, err := b.Get(ctx, q.ID); err != nil || got.Title.ID != "Uji" {
		t.Fatalf("b reads %v, %v", got, err)
	}
	if list, err := b.ForCourse(ctx, "c1"); err != nil || len(list) != 1 {
		t.Fatalf("b lists %d quizzes, %v", len(list), err)
	}

	edited := *q
	edited.Title = lontar.Text{ID: "Uji baru"}
	if err := a.Replace(ctx, &edited); err != nil {
		t.Fatal(err)
	}
	second := mustQuiz(t, gradingQuiz)
	second.ID, second.CourseID, second.Kind = "cache-final", "c1", quizzes.KindFinal
	if err := a.Create(ctx, second); err != nil {
		t.Fatal(err)
	}
	if got, _ := a.Get(ctx, q.ID); got.Title.ID != "Uji baru" {
		t.Fatalf("the editing instance reads %q, want the edit at once", got.Title.ID)
	}
	if got, _ := b.Get(ctx, q.ID); got.Title.ID != "Uji" {
		t.Fatalf("the other instance reads %q before CacheTTL; the cache is not serving", got.Title.ID)
	}
	now = now.Add(quizzes.CacheTTL)
	if got, _ := b.Get(ctx, q.ID); got.Title.ID != "Uji baru" {
		t.Fatalf("the other instance reads %q after CacheTTL, want the edit", got.Title.ID)
	}
	if list, _ := b.ForCourse(ctx, "c1"); len(list) != 2 {
		t.Fatalf("the other instance lists %d quizzes after CacheTTL, want 2", len(list))
	}
	if id, ok, _ := b.FinalQuizID(ctx, "c1"); !ok || id != "cache-final" {
		t.Fatalf("final = %q %v after CacheTTL", id, ok)
	}
}
