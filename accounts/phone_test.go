package accounts_test

import (
	"testing"

	"lontar"
	"lontar/accounts"
)

func TestNormalizePhone(t *testing.T) {
	for _, tt := range []struct {
		name, in, want string // want "" means rejected
	}{
		{"08", "081234567890", "+6281234567890"},
		{"628", "6281234567890", "+6281234567890"},
		{"+628", "+6281234567890", "+6281234567890"},
		{"spaces", "0812 3456 7890", "+6281234567890"},
		{"dashes", "0812-3456-7890", "+6281234567890"},
		{"dots", "0812.3456.7890", "+6281234567890"},
		{"parentheses", "(0812) 3456 7890", "+6281234567890"},
		{"+62 with parentheses and dashes", "+62 (812) 3456-7890", "+6281234567890"},
		{"62 with spaces", "62 852 1234 5678", "+6285212345678"},
		{"surrounding blanks", "  0813 8765 4321\t", "+6281387654321"},
		{"shortest: 08 and 8 digits", "0812 3456 78", "+62812345678"},
		{"longest: 08 and 11 digits", "0812 3456 7890 1", "+62812345678901"},
		{"too short", "0812 3456 7", ""},
		{"too long", "0812 3456 7890 12", ""},
		{"+62 too short", "+62 812 3456 7", ""},
		{"landline Kupang", "0380 821234", ""},
		{"landline Kupang with +62", "+62 380 821234", ""},
		{"landline Jakarta", "+62 21 5555 1234", ""},
		{"landline Jakarta with 0", "(021) 5555-1234", ""},
		{"080 is no mobile prefix", "+6280012345678", ""},
		{"trunk 0 after +62", "+62 0812 3456 7890", ""},
		{"no prefix", "812 3456 7890", ""},
		{"United States", "+1 415 555 0100", ""},
		{"Timor-Leste", "+670 7723 4567", ""},
		{"Malaysia", "+60 12-345 6789", ""},
		{"Australia", "+61 412 345 678", ""},
		{"00 international prefix", "0062 812 3456 7890", ""},
		{"+0", "+081234567890", ""},
		{"letters", "0812 abcd 7890", ""},
		{"letter O for zero", "O812 3456 7890", ""},
		{"words", "nomor saya 081234567890", ""},
		{"two plus signs", "++6281234567890", ""},
		{"plus inside", "62+81234567890", ""},
		{"slash", "0812/3456/7890", ""},
		{"full-width digits", "０８１２３４５６７８９０", ""},
		{"empty", "", ""},
		{"blank", "   ", ""},
		{"plus alone", "+", ""},
		{"62 alone", "62", ""},
		{"0 alone", "0", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := accounts.NormalizePhone(tt.in)
			if tt.want == "" {
				if err == nil || got != "" {
					t.Fatalf("NormalizePhone(%q) = %q, %v; want an error", tt.in, got, err)
				}
				if lontar.ErrorCode(err) != lontar.EInvalid || err.(*lontar.Error).Fields["phone"].EN == "" {
					t.Fatalf("error %v has no phone field message", err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("NormalizePhone(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
			// A stored number normalizes to itself.
			if again, err := accounts.NormalizePhone(got); err != nil || again != got {
				t.Fatalf("NormalizePhone(%q) = %q, %v; not idempotent", got, again, err)
			}
		})
	}
}
