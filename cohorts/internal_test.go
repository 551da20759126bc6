package cohorts

import (
	"strings"
	"testing"
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
		got, ok := normalizeJoinCode(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("normalizeJoinCode(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	if got := formatJoinCode("ABCDEFGH"); got != "ABCD-EFGH" {
		t.Errorf("formatJoinCode = %q", got)
	}
}

func TestCSVPhone(t *testing.T) {
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
		got, ok := csvPhone(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("csvPhone(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
