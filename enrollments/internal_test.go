package enrollments

import (
	"strings"
	"testing"
	"time"

	"lontar/courses"
)

func TestClampTime(t *testing.T) {
	now := time.Date(2025, 5, 1, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		at   time.Time
		want time.Time
	}{
		{"zero", time.Time{}, now},
		{"future", now.Add(time.Hour), now},
		{"recent", now.Add(-time.Hour), now.Add(-time.Hour)},
		{"too old", now.Add(-40 * 24 * time.Hour), now.Add(-maxEventAge)},
		{"sub-millisecond", now.Add(-time.Hour + 123456), now.Add(-time.Hour + 123*time.Microsecond).Truncate(time.Millisecond)},
		{"other zone", now.Add(-time.Hour).In(time.FixedZone("WITA", 8*60*60)), now.Add(-time.Hour)},
	}
	for _, tt := range tests {
		if got := clampTime(tt.at, now); !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("%s: clampTime = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestProgressIn(t *testing.T) {
	course := &courses.Course{Modules: []courses.Module{
		{Lessons: []courses.Lesson{{ID: "a"}, {ID: "b"}}},
		{Lessons: []courses.Lesson{{ID: "c"}, {ID: "d"}}},
	}}
	t0 := time.Date(2025, 5, 1, 8, 0, 0, 0, time.UTC)
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	tests := []struct {
		name        string
		done        map[string]time.Time
		wantPercent int
		wantResume  string
		wantLast    string
	}{
		{"nothing", nil, 0, "a", ""},
		{"first", map[string]time.Time{"a": at(1)}, 25, "b", "a"},
		{"skipped ahead", map[string]time.Time{"a": at(1), "c": at(2)}, 50, "d", "c"},
		{"went back", map[string]time.Time{"c": at(1), "a": at(2)}, 50, "b", "a"},
		{"last done, gap earlier", map[string]time.Time{"a": at(1), "d": at(2)}, 50, "b", "d"},
		{"removed lesson ignored", map[string]time.Time{"a": at(1), "gone": at(5)}, 25, "b", "a"},
		{"all", map[string]time.Time{"a": at(1), "b": at(2), "c": at(3), "d": at(4)}, 100, "d", "d"},
		{"three of four", map[string]time.Time{"a": at(1), "b": at(2), "c": at(3)}, 75, "d", "c"},
	}
	for _, tt := range tests {
		p := (&Enrollment{CompletedLessons: tt.done}).ProgressIn(course)
		if p.Percent != tt.wantPercent || p.ResumeLesson != tt.wantResume || p.LastLesson != tt.wantLast || p.Total != 4 {
			t.Errorf("%s: %+v", tt.name, p)
		}
	}
}

func TestFieldKeys(t *testing.T) {
	for _, id := range []string{"l1", "a.b", "$x", "50%", "%2E", "a.b$c%d"} {
		k := fieldKey(id)
		if strings.ContainsAny(k, ".$") || unescapeKey(k) != id {
			t.Errorf("fieldKey(%q) = %q → %q", id, k, unescapeKey(k))
		}
	}
}
