package accounts

import (
	"strings"

	"lontar"
)

// ErrBadPhone is returned for anything that is not an Indonesian mobile
// number.
var ErrBadPhone = lontar.NewError(lontar.EInvalid, "Nomor HP tidak valid.", "Invalid phone number.").
	WithField("phone", "Masukkan nomor HP Indonesia, contoh 0812 3456 7890.", "Enter an Indonesian mobile number, e.g. 0812 3456 7890.")

// NormalizePhone turns 08…, 628… and +628… (with spaces, dashes, dots or
// parentheses) into +628…, and rejects landlines, other countries and
// garbage. Indonesian mobile numbers are 08 followed by 8 to 11 digits.
func NormalizePhone(s string) (string, error) {
	s = strings.TrimSpace(s)
	plus := strings.HasPrefix(s, "+")
	if plus {
		s = s[1:]
	}
	var digits strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')':
		default:
			return "", ErrBadPhone
		}
	}
	d := digits.String()
	switch {
	case !plus && strings.HasPrefix(d, "0"):
		d = d[1:]
	case strings.HasPrefix(d, "62"):
		d = d[2:]
	default:
		return "", ErrBadPhone
	}
	// d is the national number without its trunk 0: mobile ones start 8.
	if len(d) < 9 || len(d) > 12 || d[0] != '8' || d[1] == '0' {
		return "", ErrBadPhone
	}
	return "+62" + d, nil
}
