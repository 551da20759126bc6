package httpapi_test

import (
	"fmt"
	"testing"

	"github.com/gofiber/fiber/v2"

	"lontar/httpapi"
	"lontar/internal/apitest"
)

func TestETagMatch(t *testing.T) {
	const etag = `"c1-v2-id"`
	tests := []struct {
		header string
		want   bool
	}{
		{`"c1-v2-id"`, true},
		{`W/"c1-v2-id"`, true},
		{`"old", "c1-v2-id"`, true},
		{`"old",W/"c1-v2-id"`, true},
		{`*`, true},
		{``, false},
		{`"c1-v2"`, false},
		{`"c1-v2-id-x"`, false},      // a longer tag containing this one
		{`"x-c1-v2-id", "y"`, false}, // containment is not a match
		{`c1-v2-id`, false},          // unquoted
	}
	for _, tt := range tests {
		if got := httpapi.ETagMatch(tt.header, etag); got != tt.want {
			t.Errorf("ETagMatch(%q) = %v, want %v", tt.header, got, tt.want)
		}
	}
	if !httpapi.ETagMatch(`"a"`, `W/"a"`) {
		t.Error("a weak stored tag must match its strong form")
	}
}

func TestLangParam(t *testing.T) {
	app := fiber.New()
	app.Get("/", func(c *fiber.Ctx) error {
		lang, all, err := httpapi.LangParam(c)
		return c.SendString(fmt.Sprintf("%s %v %v %s", lang, all, err != nil, httpapi.Lang(c)))
	})
	tests := []struct{ query, accept, want string }{
		{"", "", "id false false id"},
		{"", "en-US,en;q=0.9", "en false false en"},
		{"?lang=en", "", "en false false en"},
		{"?lang=EN", "id", "en false false en"},
		{"?lang=id", "en", "id false false id"},
		{"?lang=all", "en", "id true false en"},
		{"?lang=xx", "en", " false true en"},
	}
	client := apitest.AppClient(app)
	for _, tt := range tests {
		r := client.Do(t, "GET", "/"+tt.query, "", nil, "Accept-Language: "+tt.accept)
		if string(r.Body) != tt.want {
			t.Errorf("%q Accept-Language %q: %q, want %q", tt.query, tt.accept, r.Body, tt.want)
		}
	}
}
