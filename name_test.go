package lontar_test

import (
	"errors"
	"strings"
	"testing"

	"lontar"
)

func TestCleanName(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"  Yuliana   Ndun ", "Yuliana Ndun"},
		{"Maria\u00a0Bria", "Maria Bria"},                    // no-break space is a space
		{"Jose\u0301", "Jos\u00e9"},                          // NFC: e + combining acute → é
		{"Ibu Nggadi\u0303", "Ibu Nggad\u0129"},              // NFC
		{"Sei Ba'i \"Oma\" & Co.", "Sei Ba'i \"Oma\" & Co."}, // punctuation is fine
	} {
		got, msg := lontar.CleanName(tt.in)
		if msg != nil || got != tt.want {
			t.Errorf("CleanName(%q) = %q, %v; want %q", tt.in, got, msg, tt.want)
		}
	}
	for _, bad := range []string{
		"", "   ", "\u200b\u200b\u200b", "\u200b", "\ufeff", "Ina\x00", "Ina\nNdun", "Ina\tNdun", "Ina\r",
		"\u202eInaNdun", "Ina\u2066Ndun", "Ina\u2028Ndun", "Ina \xff", "\x7f", "Ina\u200dNdun",
	} {
		if got, msg := lontar.CleanName(bad); msg == nil || msg.ID == "" || msg.EN == "" {
			t.Errorf("CleanName(%q) accepted as %q", bad, got)
		}
	}
	if got, msg := lontar.CleanNameField(""); got != "" || msg != nil {
		t.Errorf("empty optional field: %q %v", got, msg)
	}
	if _, msg := lontar.CleanNameField("\u200b"); msg == nil {
		t.Error("an optional field of only a zero-width space was accepted")
	}
}

// Validation messages say formats as people write them, never Go's.
func TestDateMessageInWords(t *testing.T) {
	type in struct {
		StartsOn string `json:"starts_on" validate:"required,datetime=2006-01-02"`
	}
	err := lontar.Validate(&in{StartsOn: "1 Mei"})
	var e *lontar.Error
	if !errors.As(err, &e) {
		t.Fatalf("%v", err)
	}
	msg := e.Fields["starts_on"]
	if strings.Contains(msg.ID+msg.EN, "2006") || !strings.Contains(msg.EN, "YYYY-MM-DD") || !strings.Contains(msg.ID, "TTTT-BB-HH") {
		t.Fatalf("message: %+v", msg)
	}
}
