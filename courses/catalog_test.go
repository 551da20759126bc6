package courses_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"lontar"
	"lontar/courses"
	"lontar/internal/apitest"
)

type catalogEnv struct {
	*apitest.Env
	store   *courses.Store
	catalog *courses.Catalog
	trainer string // institution "poltek"
	other   string // institution "undana"
	learner string
	admin   string
}

func newCatalogEnv(t testing.TB) *catalogEnv {
	t.Helper()
	e := apitest.New(t)
	store := courses.NewStore(e.DB)
	catalog := courses.NewCatalog(store)
	courses.NewHandler(store, catalog).Register(e.API())
	return &catalogEnv{Env: e, store: store, catalog: catalog,
		trainer: e.Token(t, lontar.Caller{UserID: "T1", Role: lontar.RoleTrainer, Institution: "poltek"}),
		other:   e.Token(t, lontar.Caller{UserID: "T2", Role: lontar.RoleTrainer, Institution: "undana"}),
		learner: e.Token(t, lontar.Caller{UserID: "L1", Role: lontar.RoleLearner}),
		admin:   e.Token(t, lontar.Caller{UserID: "A1", Role: lontar.RoleAdmin}),
	}
}

func courseBody(lessonBody string) map[string]any {
	return map[string]any{"id": "foto-produk", "topic": "content",
		"title": map[string]string{"id": "Foto produk", "en": "Product photos"},
		"modules": []any{map[string]any{"id": "m1", "title": map[string]string{"id": "Dasar"}, "lessons": []any{
			map[string]any{"id": "cahaya", "title": map[string]string{"id": "Cahaya"}, "est_minutes": 5,
				"body": map[string]string{"id": lessonBody, "en": "**Light** matters."}},
			map[string]any{"id": "latar", "title": map[string]string{"id": "Latar"}, "est_minutes": 5,
				"body": map[string]string{"id": "Latar polos."}},
		}}}}
}

const hostile = "# Cahaya\n\n**Tebal** dan\n\n- satu\n- dua\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n" +
	"[klik](javascript:alert(1)) [situs](https://oss.go.id) <a href=\"data:text/html,x\">d</a>\n\n" +
	"<script>alert(1)</script><img src=x onerror=alert(1)><iframe src=//evil></iframe>" +
	"<p style=\"color:red\">merah</p>[klik](javascript:alert(1)) [situs](https://oss.go.id)"

func TestSanitisedAtPublish(t *testing.T) {
	e := newCatalogEnv(t)
	if r := e.Do(t, "POST", "/api/v1/courses", e.trainer, courseBody(hostile)); r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	if r := e.Do(t, "POST", "/api/v1/courses/foto-produk/publish", e.trainer, nil); r.Status != 200 {
		t.Fatalf("publish: %d %s", r.Status, r.Body)
	}
	r := e.Do(t, "GET", "/api/v1/courses/foto-produk/lessons/cahaya?lang=id", "", nil)
	var l struct{ Body string }
	r.JSON(t, &l)
	for _, bad := range []string{"<script", "onerror", "<iframe", "style=", "javascript:", "data:"} {
		if strings.Contains(l.Body, bad) {
			t.Errorf("%q survived: %s", bad, l.Body)
		}
	}
	for _, good := range []string{"<h1>Cahaya</h1>", "<strong>Tebal</strong>", "<li>satu</li>", "<table>", "<td>1</td>", `href="https://oss.go.id"`, "nofollow"} {
		if !strings.Contains(l.Body, good) {
			t.Errorf("%q missing: %s", good, l.Body)
		}
	}
}

func TestAuthoringRights(t *testing.T) {
	e := newCatalogEnv(t)
	for _, tt := range []struct {
		name, token string
		want        int
	}{{"no token", "", 401}, {"learner", e.learner, 403}, {"trainer", e.trainer, 201}} {
		if r := e.Do(t, "POST", "/api/v1/courses", tt.token, courseBody("x")); r.Status != tt.want {
			t.Errorf("%s creating: %d %s", tt.name, r.Status, r.Body)
		}
	}
	for _, tt := range []struct {
		name, method, path, token string
		want                      int
	}{
		{"other institution edits", "PUT", "/api/v1/courses/foto-produk", e.other, 403},
		{"other institution publishes", "POST", "/api/v1/courses/foto-produk/publish", e.other, 403},
		{"other institution reads the draft", "GET", "/api/v1/courses/foto-produk/draft", e.other, 403},
		{"learner reads the draft", "GET", "/api/v1/courses/foto-produk/draft", e.learner, 403},
		{"draft invisible to learners", "GET", "/api/v1/courses/foto-produk", e.learner, 404},
		{"draft lesson invisible", "GET", "/api/v1/courses/foto-produk/lessons/cahaya", "", 404},
		{"admin edits", "PUT", "/api/v1/courses/foto-produk", e.admin, 200},
		{"own trainer publishes", "POST", "/api/v1/courses/foto-produk/publish", e.trainer, 200},
	} {
		var body any
		if tt.method == "PUT" {
			body = courseBody("diubah")
		}
		if r := e.Do(t, tt.method, tt.path, tt.token, body); r.Status != tt.want {
			t.Errorf("%s: %d %s", tt.name, r.Status, r.Body)
		}
	}
	r := e.Do(t, "GET", "/api/v1/courses", "", nil)
	if !strings.Contains(string(r.Body), "foto-produk") {
		t.Fatalf("published course not listed: %s", r.Body)
	}
}

func TestValidationPaths(t *testing.T) {
	e := newCatalogEnv(t)
	b := courseBody(strings.Repeat("a", courses.MaxLessonBytes+1))
	mods := b["modules"].([]any)
	lessons := mods[0].(map[string]any)["lessons"].([]any)
	lessons[1].(map[string]any)["id"] = "cahaya" // duplicate
	lessons[1].(map[string]any)["est_minutes"] = 0
	b["topic"] = "politik"
	b["title"] = map[string]string{"en": "only English"}
	mods[0].(map[string]any)["title"] = map[string]string{"id": "\u200b\u200b", "en": "Right\u202eto left"}
	r := e.Do(t, "POST", "/api/v1/courses", e.trainer, b, "Accept-Language: en")
	var got struct {
		Error struct{ Fields map[string]string } `json:"error"`
	}
	r.JSON(t, &got)
	for _, f := range []string{"topic", "title.id", "modules.0.title.id", "modules.0.title.en", "modules.0.lessons.0.body.id", "modules.0.lessons.1.id", "modules.0.lessons.1.est_minutes"} {
		if got.Error.Fields[f] == "" {
			t.Errorf("no message for %s: %s", f, r.Body)
		}
	}
	if r.Status != 422 {
		t.Fatalf("status %d", r.Status)
	}
}

func TestVersionsAndCache(t *testing.T) {
	e := newCatalogEnv(t)
	e.Do(t, "POST", "/api/v1/courses", e.trainer, courseBody("Versi satu."))
	e.Do(t, "POST", "/api/v1/courses/foto-produk/publish", e.trainer, nil)
	first := e.Do(t, "GET", "/api/v1/courses/foto-produk", "", nil)
	etag := first.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	if r := e.Do(t, "GET", "/api/v1/courses/foto-produk", "", nil, "If-None-Match: "+etag); r.Status != 304 {
		t.Fatalf("revalidation: %d", r.Status)
	}
	// Another instance on the same database, checking rarely.
	other := courses.NewCatalog(e.store)
	other.SetCheckInterval(time.Hour)
	ctx := context.Background()
	if c, err := other.Get(ctx, "foto-produk"); err != nil || c.Version != 1 {
		t.Fatalf("other instance: %v %v", c, err)
	}

	// Editing the draft changes nothing for learners until it is published.
	b := courseBody("Versi dua.")
	lessons := b["modules"].([]any)[0].(map[string]any)["lessons"].([]any)
	lessons[0], lessons[1] = lessons[1], lessons[0]
	if r := e.Do(t, "PUT", "/api/v1/courses/foto-produk", e.trainer, b); r.Status != 200 {
		t.Fatalf("edit: %d %s", r.Status, r.Body)
	}
	if r := e.Do(t, "GET", "/api/v1/courses/foto-produk", "", nil); !strings.Contains(string(r.Body), "Versi satu.") {
		t.Fatalf("learners see the draft: %s", r.Body)
	}
	e.Do(t, "POST", "/api/v1/courses/foto-produk/publish", e.trainer, nil)
	r := e.Do(t, "GET", "/api/v1/courses/foto-produk", "", nil)
	var v struct {
		Version int
		Modules []struct{ Lessons []struct{ ID, Body string } }
	}
	r.JSON(t, &v)
	if v.Version != 2 || v.Modules[0].Lessons[0].ID != "latar" || v.Modules[0].Lessons[1].ID != "cahaya" || r.Header.Get("ETag") == etag {
		t.Fatalf("after second publish: %s", r.Body)
	}
	// The other instance serves from memory until its check is due...
	if c, _ := other.Get(ctx, "foto-produk"); c.Version != 1 {
		t.Fatalf("other instance reloaded early: v%d", c.Version)
	}
	// ...and sees the new version once it checks.
	other.SetCheckInterval(0)
	if c, _ := other.Get(ctx, "foto-produk"); c.Version != 2 {
		t.Fatalf("other instance stale: v%d", c.Version)
	}
}

func TestLanguages(t *testing.T) {
	e := newCatalogEnv(t)
	e.Do(t, "POST", "/api/v1/courses", e.trainer, courseBody("Cahaya penting."))
	e.Do(t, "POST", "/api/v1/courses/foto-produk/publish", e.trainer, nil)
	var plain struct{ Title string }
	e.Do(t, "GET", "/api/v1/courses/foto-produk", "", nil, "Accept-Language: en").JSON(t, &plain)
	if plain.Title != "Product photos" {
		t.Fatalf("en: %q", plain.Title)
	}
	e.Do(t, "GET", "/api/v1/courses/foto-produk?lang=id", "", nil, "Accept-Language: en").JSON(t, &plain)
	if plain.Title != "Foto produk" {
		t.Fatalf("?lang=id: %q", plain.Title)
	}
	r := e.Do(t, "GET", "/api/v1/courses/foto-produk?lang=all", "", nil)
	var all struct {
		Title   lontar.Text
		Modules []struct {
			Lessons []struct{ Markdown lontar.Text }
		}
	}
	r.JSON(t, &all)
	if all.Title.EN != "Product photos" || all.Modules[0].Lessons[0].Markdown.ID != "Cahaya penting." {
		t.Fatalf("lang=all: %s", r.Body)
	}
	if r := e.Do(t, "GET", "/api/v1/courses?lang=fr", "", nil); r.Status != 400 {
		t.Fatalf("lang=fr: %d", r.Status)
	}
}

func TestSeedIsIdempotentAndKeepsTrainerEdits(t *testing.T) {
	e := newCatalogEnv(t)
	ctx := context.Background()
	first, err := courses.Seed(ctx, e.store, e.catalog)
	if err != nil || len(first.Created) == 0 {
		t.Fatalf("seed: %+v %v", first, err)
	}
	second, err := courses.Seed(ctx, e.store, e.catalog)
	if err != nil || len(second.Created)+len(second.Updated) != 0 || len(second.Unchanged) != len(first.Created) {
		t.Fatalf("second seed: %+v %v", second, err)
	}
	id := first.Created[0]
	r := e.Do(t, "GET", "/api/v1/courses/"+id+"/draft?lang=all", e.admin, nil)
	var draft map[string]any
	r.JSON(t, &draft)
	draft["summary"] = map[string]string{"id": "Diubah pelatih"}
	if r := e.Do(t, "PUT", "/api/v1/courses/"+id, e.admin, draft); r.Status != 200 {
		t.Fatalf("edit seeded: %d %s", r.Status, r.Body)
	}
	third, _ := courses.Seed(ctx, e.store, e.catalog)
	if len(third.Kept) != 1 || third.Kept[0] != id {
		t.Fatalf("third seed: %+v", third)
	}
	d, _ := e.store.Draft(ctx, id)
	if d.Summary.ID != "Diubah pelatih" {
		t.Fatal("seeding overwrote a trainer's edit")
	}
	n, _ := e.DB.Collection("course_drafts").CountDocuments(ctx, map[string]any{})
	if int(n) != len(first.Created) {
		t.Fatalf("%d drafts for %d courses", n, len(first.Created))
	}
}

// The curriculum is real teaching: three courses, each ≥ 3 modules and
// ≥ 8 lessons, every text in both languages, every lesson within 10 KB and
// ending with a task to try.
func TestCurriculumShape(t *testing.T) {
	inputs, _, err := courses.Curriculum()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"jualan-online", "konten-kreatif", "pembukuan-sederhana"} {
		in, ok := inputs[want]
		if !ok {
			t.Errorf("course %s missing", want)
			continue
		}
		lessons := 0
		if in.Title.EN == "" || in.Summary.EN == "" || len(in.Modules) < 3 {
			t.Errorf("%s: title/summary/modules", want)
		}
		for _, m := range in.Modules {
			for _, l := range m.Lessons {
				lessons++
				if l.Title.EN == "" || !utf8.ValidString(l.Body.ID) || len(l.Body.ID) > courses.MaxLessonBytes || len(l.Body.EN) > courses.MaxLessonBytes {
					t.Errorf("%s/%s: size or language", want, l.ID)
				}
				if !strings.Contains(l.Body.ID, "## Coba sekarang") || !strings.Contains(l.Body.EN, "## Try this now") {
					t.Errorf("%s/%s: no task to try", want, l.ID)
				}
			}
		}
		if lessons < 8 {
			t.Errorf("%s has %d lessons", want, lessons)
		}
	}
}

// TestSeededSizes logs what each seeded course costs a learner in data.
func TestSeededSizes(t *testing.T) {
	e := newCatalogEnv(t)
	if _, err := courses.Seed(context.Background(), e.store, e.catalog); err != nil {
		t.Fatal(err)
	}
	list, err := e.catalog.List(context.Background())
	if err != nil || len(list) == 0 {
		t.Fatalf("catalogue: %d courses, %v", len(list), err)
	}
	for _, c := range list {
		largest, lid := 0, ""
		for _, m := range c.Modules {
			for _, l := range m.Lessons {
				r := e.Do(t, "GET", "/api/v1/courses/"+c.ID+"/lessons/"+l.ID+"?lang=en", "", nil)
				if len(r.Body) > largest {
					largest, lid = len(r.Body), l.ID
				}
			}
		}
		raw, _ := json.Marshal(c)
		t.Logf("%s: size_bytes %d (gzip JSON, one language), stored %d bytes; largest lesson %s: %d bytes JSON", c.ID, c.SizeBytes, len(raw), lid, largest)
		if largest > 10*1024 {
			t.Errorf("lesson %s is %d bytes", lid, largest)
		}
	}
}

// A trainer of any institution copies a seeded course into their own
// institution as a draft to adapt; another institution's own course
// cannot be copied.
func TestCopyCourse(t *testing.T) {
	e := newCatalogEnv(t)
	if _, err := courses.Seed(context.Background(), e.store, e.catalog); err != nil {
		t.Fatal(err)
	}
	if r := e.Do(t, "POST", "/api/v1/courses", e.trainer, courseBody("x")); r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	e.Do(t, "POST", "/api/v1/courses/foto-produk/publish", e.trainer, nil)
	for _, tt := range []struct {
		name, path, token string
		want              int
	}{
		{"no token", "/api/v1/courses/jualan-online/copy", "", 401},
		{"learner", "/api/v1/courses/jualan-online/copy", e.learner, 403},
		{"another institution's own course", "/api/v1/courses/foto-produk/copy", e.other, 403},
		{"unknown course", "/api/v1/courses/tidak-ada/copy", e.other, 404},
	} {
		if r := e.Do(t, "POST", tt.path, tt.token, nil); r.Status != tt.want {
			t.Errorf("%s: %d %s", tt.name, r.Status, r.Body)
		}
	}
	r := e.Do(t, "POST", "/api/v1/courses/jualan-online/copy", e.other, nil)
	var draft struct {
		ID          string `json:"id"`
		Institution string `json:"institution"`
		Status      string `json:"status"`
		Title       struct {
			ID string `json:"id"`
		} `json:"title"`
		Modules []struct {
			Lessons []struct {
				Body struct {
					ID string `json:"id"`
				} `json:"body"`
			} `json:"lessons"`
		} `json:"modules"`
	}
	r.JSON(t, &draft)
	if r.Status != 201 || draft.Institution != "undana" || draft.Status != "draft" || draft.ID == "jualan-online" ||
		draft.Title.ID != "Jualan online" || len(draft.Modules) == 0 || draft.Modules[0].Lessons[0].Body.ID == "" {
		t.Fatalf("copy: %d %s", r.Status, r.Body)
	}
	if r := e.Do(t, "GET", "/api/v1/courses/"+draft.ID+"/draft", e.other, nil); r.Status != 200 {
		t.Fatalf("the copier cannot open the copy: %d", r.Status)
	}
	if r := e.Do(t, "PUT", "/api/v1/courses/"+draft.ID, e.trainer, courseBody("x")); r.Status != 403 {
		t.Fatalf("another institution edits the copy: %d", r.Status)
	}
}

// An author previews a lesson as learners will get it: rendered, with any
// script removed; only authors may.
func TestPreviewMarkdown(t *testing.T) {
	e := newCatalogEnv(t)
	r := e.Do(t, "POST", "/api/v1/courses/preview", e.trainer, map[string]any{"markdown": "## Harga sei\n\nHPP **Rp75.000**<script>alert(1)</script>"})
	var got struct {
		HTML string `json:"html"`
	}
	r.JSON(t, &got)
	if r.Status != 200 || !strings.Contains(got.HTML, "<h2") || !strings.Contains(got.HTML, "<strong>Rp75.000</strong>") || strings.Contains(got.HTML, "<script") {
		t.Fatalf("preview: %d %s", r.Status, r.Body)
	}
	if r := e.Do(t, "POST", "/api/v1/courses/preview", e.learner, map[string]any{"markdown": "x"}); r.Status != 403 {
		t.Fatalf("learner previews: %d", r.Status)
	}
	if r := e.Do(t, "POST", "/api/v1/courses/preview", e.trainer, map[string]any{"markdown": strings.Repeat("a", 11000)}); r.Status != 422 {
		t.Fatalf("oversized preview: %d", r.Status)
	}
}
