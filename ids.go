package lontar

import (
	"crypto/rand"
	"regexp"
	"strings"
)

// idPattern is what an id chosen by a client (a course, module, lesson or
// quiz id) may look like: lower-case letters, digits and dashes, so that it
// is safe in a URL path, in a MongoDB field name and in a composite _id
// ("user:course", "course@version").
var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)

// ValidID reports whether id is a well-formed client-chosen id.
func ValidID(id string) bool { return idPattern.MatchString(id) }

// BadIDText is the field message for an id ValidID rejects.
var BadIDText = T("ID hanya huruf kecil, angka dan tanda hubung (maksimal 64).",
	"Ids use lowercase letters, digits and dashes only (64 at most).")

// RandomCode returns n characters drawn uniformly from alphabet (at most
// 256 characters) with crypto/rand. Bytes at or above the largest multiple
// of len(alphabet) are drawn again, so no character is likelier than
// another (a plain byte % len would favour the first 256 % len ones).
func RandomCode(alphabet string, n int) string {
	// crypto/rand.Read never returns an error: it crashes the program.
	return randomCode(func(b []byte) { _, _ = rand.Read(b) }, alphabet, n)
}

// randomCode is RandomCode reading random bytes from fill.
func randomCode(fill func([]byte), alphabet string, n int) string {
	limit := 256 - 256%len(alphabet)
	out := make([]byte, 0, n)
	var buf [32]byte
	for len(out) < n {
		fill(buf[:])
		for _, b := range buf {
			if int(b) < limit && len(out) < n {
				out = append(out, alphabet[int(b)%len(alphabet)])
			}
		}
	}
	return string(out)
}

// ParseUUID accepts the canonical 8-4-4-4-12 hex form in any case and
// returns it in lower case, so the same id sent in two cases is one id.
func ParseUUID(s string) (string, bool) {
	if len(s) != 36 {
		return "", false
	}
	for i := range len(s) {
		ch := s[i]
		switch i {
		case 8, 13, 18, 23:
			if ch != '-' {
				return "", false
			}
		default:
			if !('0' <= ch && ch <= '9' || 'a' <= ch && ch <= 'f' || 'A' <= ch && ch <= 'F') {
				return "", false
			}
		}
	}
	return strings.ToLower(s), true
}
