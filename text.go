package lontar

import "strings"

// Lang is a language the app speaks: Indonesian first, English second.
type Lang string

// The supported languages.
const (
	LangID Lang = "id"
	LangEN Lang = "en"
)

// ParseAcceptLanguage picks id or en from an Accept-Language header,
// honouring the order the client gave and defaulting to Indonesian.
func ParseAcceptLanguage(header string) Lang {
	for _, part := range strings.Split(header, ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case tag == "id" || strings.HasPrefix(tag, "id-") || tag == "in":
			return LangID
		case tag == "en" || strings.HasPrefix(tag, "en-"):
			return LangEN
		}
	}
	return LangID
}

// Text is a human text in both languages. Indonesian is required; English
// falls back to Indonesian when missing.
type Text struct {
	ID string `json:"id" bson:"id"` // required where a feature says so, in its Validate
	EN string `json:"en,omitempty" bson:"en,omitempty"`
}

// T builds a Text.
func T(id, en string) Text { return Text{ID: id, EN: en} }

// In returns the text in lang, falling back to Indonesian.
func (t Text) In(lang Lang) string {
	if lang == LangEN && t.EN != "" {
		return t.EN
	}
	return t.ID
}

// IsZero reports whether both languages are empty.
func (t Text) IsZero() bool { return t.ID == "" && t.EN == "" }
