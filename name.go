package lontar

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// CleanName prepares a name a person typed (their own, their business's,
// an institution's) for storing: surrounding and repeated spaces go, the
// text is normalized to NFC so that one name has one spelling, and it is
// refused (with a message for the field) when it is not valid UTF-8, holds
// control or invisible format characters (NUL, newlines, zero-width
// spaces, right-to-left overrides), or is empty once trimmed. Such
// characters let a name pose as another or break the pages it is shown on.
func CleanName(s string) (string, *Text) {
	if !utf8.ValidString(s) {
		return "", &Text{ID: "Nama harus teks UTF-8 yang benar.", EN: "The name must be valid UTF-8 text."}
	}
	for _, r := range s {
		if r == ' ' {
			continue
		}
		if unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp, unicode.Co, unicode.Cs) || r == utf8.RuneError {
			return "", &Text{ID: "Nama tidak boleh berisi baris baru, tab atau karakter tak terlihat.",
				EN: "The name cannot contain line breaks, tabs or invisible characters."}
		}
	}
	s = strings.Join(strings.FieldsFunc(norm.NFC.String(s), unicode.IsSpace), " ")
	if s == "" {
		return "", &Text{ID: "Nama wajib diisi.", EN: "The name is required."}
	}
	return s, nil
}

// CleanNameField is CleanName for an optional field: empty stays empty.
func CleanNameField(s string) (string, *Text) {
	if strings.TrimSpace(s) == "" && utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool {
		return unicode.In(r, unicode.Cc, unicode.Cf)
	}) {
		return "", nil
	}
	return CleanName(s)
}
