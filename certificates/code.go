package certificates

import (
	"strings"

	"lontar"
)

// A certificate code reads LNT-7KQ2-9XW4: seven random characters and a
// check character, from an alphabet without the characters people confuse
// on paper (0/O, 1/I/L). Its 31 letters are a prime number, so the
// weighted check below catches every single mistyped character and every
// swap of two neighbours: a typo is told apart from an unknown code.
const (
	codeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
	codePrefix   = "LNT"
	codeRandom   = 7
	codeLen      = codeRandom + 1
)

var (
	errCodeMalformed = lontar.NewError(lontar.EInvalid,
		"Kode sertifikat tidak lengkap atau berisi huruf yang tidak dipakai. Contoh: LNT-7KQ2-9XW4.",
		"The certificate code is incomplete or has characters that are never used. Example: LNT-7KQ2-9XW4.").
		WithField("code", "Periksa lagi kodenya.", "Check the code again.")
	errCodeMistyped = lontar.NewError(lontar.EInvalid,
		"Kode sertifikat salah ketik: ada huruf yang tertukar atau keliru. Periksa lagi kodenya.",
		"The certificate code has a typo: a character is wrong or two are swapped. Check the code again.").
		WithField("code", "Kode salah ketik.", "The code has a typo.")
)

// NewCode returns a fresh random code with its check character.
func NewCode() string {
	body := lontar.RandomCode(codeAlphabet, codeRandom)
	return format(body + string(codeAlphabet[checkValue([]byte(body))]))
}

// checkValue returns the value c that makes sum((i+1)·v_i) + 8·c ≡ 0 (mod 31).
func checkValue(body []byte) int {
	sum := 0
	for i, ch := range body {
		sum += (i + 1) * strings.IndexByte(codeAlphabet, ch)
	}
	// 8·4 = 32 ≡ 1 (mod 31): 4 is the inverse of the check's weight.
	return ((31 - sum%31) % 31) * 4 % 31
}

// ParseCode normalizes what a person typed (any case, spaces or dashes
// anywhere, with or without the LNT prefix) into the canonical code. It
// returns validation_failed for a code that cannot be one, telling a typo
// (the check character disagrees) apart from a malformed one.
func ParseCode(typed string) (string, error) {
	s := strings.ToUpper(typed)
	s = strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' || r == '\t' || r == '.' {
			return -1
		}
		return r
	}, s)
	if len(s) == len(codePrefix)+codeLen {
		s = strings.TrimPrefix(s, codePrefix)
	}
	if len(s) != codeLen {
		return "", errCodeMalformed
	}
	for i := range len(s) {
		if strings.IndexByte(codeAlphabet, s[i]) < 0 {
			return "", errCodeMalformed
		}
	}
	if codeAlphabet[checkValue([]byte(s[:codeRandom]))] != s[codeRandom] {
		return "", errCodeMistyped
	}
	return format(s), nil
}

func format(v string) string { return codePrefix + "-" + v[:4] + "-" + v[4:] }

// IsTypo reports whether err is ParseCode's "the check character disagrees".
func IsTypo(err error) bool { return err == errCodeMistyped }
