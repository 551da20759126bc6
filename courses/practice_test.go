package courses_test

import (
	"strings"
	"testing"
)

// A trainer can put a practice tool in their own course: a broken block is
// refused with a message on the lesson's body; a good one is published as
// the element the app fills, in both languages.
func TestTrainerPracticeBlock(t *testing.T) {
	e := newCatalogEnv(t)
	block := func(tool string) string {
		return "Hitung harga kain Anda.\n\n```practice\n{\"tool\": \"" + tool + "\", \"id\": \"harga-kain\", \"fee_percent\": 8}\n```\n"
	}
	b := courseBody(block("kalkulator"))
	lessons := b["modules"].([]any)[0].(map[string]any)["lessons"].([]any)
	lessons[0].(map[string]any)["body"] = map[string]string{"id": block("kalkulator"), "en": block("kalkulator")}
	r := e.Do(t, "POST", "/api/v1/courses", e.trainer, b, "Accept-Language: en")
	if r.Status != 422 || !strings.Contains(string(r.Body), "modules.0.lessons.0.body") || !strings.Contains(string(r.Body), "tool must be one of price, cashbook, listing") {
		t.Fatalf("unknown tool: %d %s", r.Status, r.Body)
	}

	lessons[0].(map[string]any)["body"] = map[string]string{"id": block("price"), "en": block("price")}
	if r := e.Do(t, "POST", "/api/v1/courses", e.trainer, b); r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	if r := e.Do(t, "POST", "/api/v1/courses/foto-produk/publish", e.trainer, nil); r.Status != 200 {
		t.Fatalf("publish: %d %s", r.Status, r.Body)
	}
	for lang, fallback := range map[string]string{"id": "Latihan interaktif", "en": "Interactive exercise"} {
		r := e.Do(t, "GET", "/api/v1/courses/foto-produk/lessons/cahaya?lang="+lang, "", nil)
		var l struct{ Body string }
		r.JSON(t, &l)
		if !strings.Contains(l.Body, `<div class="practice" data-practice="{&#34;tool&#34;:&#34;price&#34;,&#34;id&#34;:&#34;harga-kain&#34;,&#34;fee_percent&#34;:8}">`) ||
			!strings.Contains(l.Body, fallback) || strings.Contains(l.Body, "```") {
			t.Errorf("%s lesson body: %s", lang, l.Body)
		}
	}
}
