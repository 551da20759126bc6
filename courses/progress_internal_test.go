package courses

import (
	"strings"
	"testing"
	"time"
)

func TestJoinCodes(t *testing.T) {
	seen := map[string]bool{}
	for range 2000 {
		code := newJoinCode()
		if len(code) != joinCodeLen || strings.ContainsAny(code, "01OIL") {
			t.Fatalf("code %q", code)
		}
		seen[code] = true
	}
	if len(seen) < 1999 {
		t.Fatalf("%d distinct codes of 2000", len(seen))
	}
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"ABCD-EFGH", "ABCDEFGH", true},
		{"abcdefgh", "ABCDEFGH", true},
		{" abcd efgh ", "ABCDEFGH", true},
		{"AB2D-3FGH", "AB2D3FGH", true},
		{"ABCD-EFG", "", false},
		{"ABCD-EFGHJ", "", false},
		{"ABCD-EFG0", "", false}, // 0 is never in a code
		{"ABCD-EFGI", "", false},
		{"ÄBCD-EFGH", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := normaliseJoinCode(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("normaliseJoinCode(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	if got := formatJoinCode("ABCDEFGH"); got != "ABCD-EFGH" {
		t.Errorf("formatJoinCode = %q", got)
	}
}

func TestNormalisePhone(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"081234567890", "+6281234567890", true},
		{"6281234567890", "+6281234567890", true},
		{"+62 812-3456-7890", "+6281234567890", true},
		{"(0812) 3456.7890", "+6281234567890", true},
		{"81234567890", "+6281234567890", true}, // a spreadsheet ate the 0
		{"0812345678", "+62812345678", true},
		{"0380123456", "", false}, // a Kupang landline
		{"0812", "", false},
		{"08123456789012", "", false},
		{"6.28123E+12", "", false},
		{"0812-abc", "", false},
		{"62+81234567890", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := normalisePhone(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("normalisePhone(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseUUID(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"3f2b8c1e-9a4d-4e2f-8b1a-0c9d8e7f6a5b", "3f2b8c1e-9a4d-4e2f-8b1a-0c9d8e7f6a5b", true},
		{"3F2B8C1E-9A4D-4E2F-8B1A-0C9D8E7F6A5B", "3f2b8c1e-9a4d-4e2f-8b1a-0c9d8e7f6a5b", true},
		{"3f2b8c1e9a4d4e2f8b1a0c9d8e7f6a5b", "", false},
		{"3f2b8c1e-9a4d-4e2f-8b1a-0c9d8e7f6a5g", "", false},
		{"{3f2b8c1e-9a4d-4e2f-8b1a-0c9d8e7f6a5}", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := parseUUID(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseUUID(%q) = %q, %v", tt.in, got, ok)
		}
	}
}

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
		{"other zone", now.Add(-time.Hour).In(wita), now.Add(-time.Hour)},
	}
	for _, tt := range tests {
		if got := clampTime(tt.at, now); !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("%s: clampTime = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestProgressOf(t *testing.T) {
	course := &Course{Modules: []Module{
		{Lessons: []Lesson{{ID: "a"}, {ID: "b"}}},
		{Lessons: []Lesson{{ID: "c"}, {ID: "d"}}},
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
		p := progressOf(&Enrollment{CompletedLessons: tt.done}, course)
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
