package lontar

import (
	"strings"
	"testing"
)

// TestRandomCodeUnbiased feeds every byte value equally often: an
// unbiased generator then yields every character exactly equally often,
// where byte % len would give the first 256 % len characters more.
func TestRandomCodeUnbiased(t *testing.T) {
	for _, alphabet := range []string{"23456789ABCDEFGHJKMNPQRSTUVWXYZ", "ABCDEFGHJKMNPQRSTUVWXYZ23456789", "0123456789", "ab"} {
		next := 0
		cycle := func(b []byte) {
			for i := range b {
				b[i] = byte(next)
				next = (next + 1) % 256
			}
		}
		perCycle := 256 / len(alphabet) // accepted draws of each character per 256 bytes
		n := len(alphabet) * perCycle * 10
		code := randomCode(cycle, alphabet, n)
		for _, ch := range alphabet {
			if got := strings.Count(code, string(ch)); got != perCycle*10 {
				t.Fatalf("alphabet %q: %q drawn %d times of %d, want %d", alphabet, ch, got, n, perCycle*10)
			}
		}
	}
}

func TestRandomCode(t *testing.T) {
	const alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
	seen := map[string]bool{}
	for range 2000 {
		code := RandomCode(alphabet, 8)
		if len(code) != 8 || strings.Trim(code, alphabet) != "" {
			t.Fatalf("code %q", code)
		}
		seen[code] = true
	}
	if len(seen) < 1999 {
		t.Fatalf("%d distinct codes of 2000", len(seen))
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
		got, ok := ParseUUID(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseUUID(%q) = %q, %v", tt.in, got, ok)
		}
	}
}

func TestValidID(t *testing.T) {
	for id, want := range map[string]bool{
		"jualan-online": true, "m1": true, "0": true, strings.Repeat("a", 64): true,
		"": false, "-a": false, "Jualan": false, "a.b": false, "a_b": false, "a:b": false, "a/b": false, strings.Repeat("a", 65): false,
	} {
		if ValidID(id) != want {
			t.Errorf("ValidID(%q) = %v", id, !want)
		}
	}
}
