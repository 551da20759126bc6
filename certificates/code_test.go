package certificates

import (
	"strings"
	"testing"

	"lontar"
)

func TestNewCodeParses(t *testing.T) {
	seen := map[string]bool{}
	for range 2000 {
		code := NewCode()
		if len(code) != len("LNT-7KQ2-9XW4") || !strings.HasPrefix(code, "LNT-") {
			t.Fatalf("code %q has the wrong shape", code)
		}
		got, err := ParseCode(code)
		if err != nil || got != code {
			t.Fatalf("ParseCode(%q) = %q, %v", code, got, err)
		}
		seen[code] = true
	}
	if len(seen) < 1990 {
		t.Errorf("only %d distinct codes in 2000", len(seen))
	}
}

func TestParseCodeNormalises(t *testing.T) {
	code := NewCode()
	body := strings.ReplaceAll(strings.TrimPrefix(code, "LNT-"), "-", "")
	for _, typed := range []string{
		code, strings.ToLower(code), " " + code + " ", body, strings.ToLower(body[:4]) + " " + body[4:],
		"lnt " + body, "LNT" + body, "lnt-" + body[:4] + "-" + body[4:],
	} {
		got, err := ParseCode(typed)
		if err != nil || got != code {
			t.Errorf("ParseCode(%q) = %q, %v; want %q", typed, got, err, code)
		}
	}
}

// Every single wrong character and every swap of neighbours is caught as
// a typo, never taken for another valid code.
func TestParseCodeCatchesTypos(t *testing.T) {
	for range 200 {
		code := NewCode()
		v := []byte(strings.ReplaceAll(strings.TrimPrefix(code, "LNT-"), "-", ""))
		for i := range v {
			for _, r := range []byte(codeAlphabet) {
				if r == v[i] {
					continue
				}
				w := append([]byte(nil), v...)
				w[i] = r
				if _, err := ParseCode(string(w)); !IsTypo(err) {
					t.Fatalf("%s with position %d changed to %c: err %v, want a typo", code, i, r, err)
				}
			}
			if i+1 < len(v) && v[i] != v[i+1] {
				w := append([]byte(nil), v...)
				w[i], w[i+1] = w[i+1], w[i]
				if _, err := ParseCode(string(w)); !IsTypo(err) {
					t.Fatalf("%s with %d and %d swapped: err %v, want a typo", code, i, i+1, err)
				}
			}
		}
	}
}

func TestParseCodeMalformed(t *testing.T) {
	for _, typed := range []string{"", "LNT", "LNT-7KQ2-9XW", "LNT-7KQ2-9XW44", "LNT-0KQ2-9XW4", "LNT-IKQ2-9XW4",
		"LNT-7KQ2-9XW!", "ΛNT-7KQ2-9XW4", strings.Repeat("A", 200)} {
		_, err := ParseCode(typed)
		if !lontar.IsCode(err, lontar.EInvalid) || IsTypo(err) {
			t.Errorf("ParseCode(%q): err %v, want malformed", typed, err)
		}
	}
}
