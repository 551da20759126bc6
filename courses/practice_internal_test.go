package courses

import (
	"strings"
	"testing"

	"lontar"
)

func TestPracticeBlocks(t *testing.T) {
	tests := []struct {
		name    string
		body    lontar.Text
		wantBad string // substring of the problem; "" = valid
	}{
		{"price", lontar.T("a\n\n```practice\n{\"tool\":\"price\",\"id\":\"harga\",\"fee_percent\":10,\"fixed_fee\":1250}\n```\n", ""), ""},
		{"both languages", lontar.T("```practice\n{\"tool\":\"listing\",\"id\":\"j\",\"keywords\":[\"tenun\"]}\n```", "```practice\n{\"tool\":\"listing\",\"id\":\"j\",\"keywords\":[\"ikat\"]}\n```"), ""},
		{"cashbook", lontar.T("```practice\n{\"tool\":\"cashbook\",\"id\":\"kas\",\"opening\":100,\"rows\":[{\"day\":\"Sen\",\"text\":\"Jual\",\"in\":50}]}\n```", ""), ""},
		{"unknown tool", lontar.T("```practice\n{\"tool\":\"quiz\",\"id\":\"x\"}\n```", ""), "tool must be one of"},
		{"not json", lontar.T("```practice\n{tool: price}\n```", ""), "not valid JSON"},
		{"typo field", lontar.T("```practice\n{\"tool\":\"price\",\"id\":\"x\",\"fee\":10}\n```", ""), "not valid JSON"},
		{"bad id", lontar.T("```practice\n{\"tool\":\"price\",\"id\":\"Harga Sei\"}\n```", ""), "id must be"},
		{"fees too high", lontar.T("```practice\n{\"tool\":\"price\",\"id\":\"x\",\"fee_percent\":50,\"margin\":50}\n```", ""), "under 95"},
		{"row both ways", lontar.T("```practice\n{\"tool\":\"cashbook\",\"id\":\"k\",\"rows\":[{\"text\":\"x\",\"in\":5,\"out\":5}]}\n```", ""), "either in or out"},
		{"no rows", lontar.T("```practice\n{\"tool\":\"cashbook\",\"id\":\"k\"}\n```", ""), "1 to 20"},
		{"listing without keywords", lontar.T("```practice\n{\"tool\":\"listing\",\"id\":\"l\"}\n```", ""), "keywords"},
		{"duplicate id", lontar.T("```practice\n{\"tool\":\"listing\",\"id\":\"l\",\"keywords\":[\"a\"]}\n```\n\n```practice\n{\"tool\":\"price\",\"id\":\"l\"}\n```", ""), "used twice"},
		{"languages differ", lontar.T("```practice\n{\"tool\":\"price\",\"id\":\"a\"}\n```", "no block here"), "same practice blocks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := checkPractice(tt.body)
			switch {
			case tt.wantBad == "" && got != nil:
				t.Fatalf("want valid, got %s", got.EN)
			case tt.wantBad != "" && (got == nil || !strings.Contains(got.EN, tt.wantBad)):
				t.Fatalf("want a problem with %q, got %v", tt.wantBad, got)
			}
		})
	}
}

// A block becomes the app's placeholder element with its configuration
// escaped; everything around it still renders and is still sanitised.
func TestRenderPracticeBlock(t *testing.T) {
	md := "# Harga\n\n```practice\n{\"tool\":\"listing\",\"id\":\"judul\",\"keywords\":[\"\\\"><script>alert(1)</script>\"]}\n```\n\n<script>alert(2)</script>\n\nSelesai."
	html, err := renderLesson(md, "en")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<div class="practice" data-practice="{&#34;tool&#34;:&#34;listing&#34;`, "Interactive exercise", "<p>Selesai.</p>", "<h1"} {
		if !strings.Contains(html, want) {
			t.Errorf("rendered lesson lacks %q:\n%s", want, html)
		}
	}
	for _, bad := range []string{"<script", "```", practicePlaceholder} {
		if strings.Contains(html, bad) {
			t.Errorf("rendered lesson contains %q:\n%s", bad, html)
		}
	}
	// A broken block is left as code for the author to see, not executed.
	html, _ = renderLesson("```practice\n{oops\n```", "id")
	if strings.Contains(html, `class="practice"`) || !strings.Contains(html, "<code") {
		t.Errorf("invalid block rendered as %s", html)
	}
}
