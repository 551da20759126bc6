package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// byID selects an element by an id that holds dots (the editor's field paths).
func byID(id string) string { return `[id="` + id + `"]` }

// typeInto types into a field found by its path id.
func typeInto(id, value string) chromedp.Action {
	js, _ := json.Marshal([]string{id, value})
	return chromedp.Evaluate(`(([i, v]) => { const el = document.getElementById(i); el.focus(); el.value = v;
		el.dispatchEvent(new Event('input', { bubbles: true })); return true })(`+string(js)+`)`, nil)
}

const giftWithAProblem = `::hpp:: Biaya satu batch sei Rp1.200.000 untuk 16 bungkus. Berapa HPP per bungkus? {#75000}

::rusak:: Soal ini rusak {=a ~b

::qris:: Pembeli membayar dengan memindai kode nasional bernama? {=QRIS}
`

// A trainer of a second institution writes a course on a phone: creates
// it, sees what is untranslated, previews a lesson as the server renders
// it, reorders, publishes, sees what changed since; imports a GIFT quiz
// with a broken question shown at its line, edits a question and saves.
func TestBrowserCourseAndQuizEditors(t *testing.T) {
	ctx := browser(t)
	s := startServer(t, map[string]string{
		"LONTAR_BOOTSTRAP_ADMIN_PHONE": "081300000001", "LONTAR_BOOTSTRAP_ADMIN_PASSWORD": "admin-lontar-kupang"})
	admin := login(t, s, "081300000001", "admin-lontar-kupang")
	s.Do(t, "POST", "/api/v1/users", admin, map[string]any{"phone": "081300000002", "name": "Bu Dosen",
		"password": "politeknik-kupang", "role": "trainer", "institution": "undana"})
	must := steps(t, ctx)
	var status, html string
	must("create a course",
		chromedp.Navigate(s.URL+"/masuk"),
		loginUI("081300000002", "politeknik-kupang"),
		clickText("Kursus saya (penyusun)"),
		visible(byID("f-title.id")),
		typeInto("f-title.id", "Foto produk tenun"),
		setValue(byID("f-topic"), "content"),
		clickText("Buat kursus baru"),
		visible(`.status-line`),
		chromedp.Text(`.status-line`, &status, chromedp.ByQuery),
	)
	if !strings.Contains(status, "belum diterjemahkan") {
		t.Fatalf("status line %q", status)
	}
	var before, after int
	must("translate the title",
		eval(`document.querySelectorAll('.pair.untranslated').length`, &before),
		typeInto("f-title.en", "Photographing ikat"),
		eval(`document.querySelectorAll('.pair.untranslated').length`, &after),
	)
	if after != before-1 {
		t.Fatalf("untranslated marks %d → %d", before, after)
	}
	must("preview a lesson as the server renders it",
		typeInto("f-modules.0.lessons.0.body.id", "## Cahaya pagi\n\nFoto kain **dekat jendela**.<script>alert(1)</script>"),
		clickText("Pratinjau"),
		visible(`.preview .lesson h2`),
		chromedp.InnerHTML(`.preview .lesson`, &html, chromedp.ByQuery),
	)
	if !strings.Contains(html, "<strong>dekat jendela</strong>") || strings.Contains(html, "<script") {
		t.Fatalf("preview %q", html)
	}
	screenshot(t, ctx, "editor-preview")
	must("add and reorder a lesson, then publish",
		clickText("Tambah pelajaran"),
		visible(byID("f-modules.0.lessons.1.title.id")),
		typeInto("f-modules.0.lessons.1.title.id", "Latar kain"),
		chromedp.Click(`(//div[@class="lesson-edit"])[2]//button[@aria-label="Naikkan"]`, chromedp.BySearch),
		chromedp.WaitVisible(`//input[@id="f-modules.0.lessons.0.title.id"][@value="Latar kain"] | //h3[text()="Pelajaran 1.1"]`, chromedp.BySearch),
		clickText("Simpan dan terbitkan"),
		chromedp.WaitVisible(`//section[contains(@class,"changes")]//p[contains(., "Belum ada perubahan")]`, chromedp.BySearch),
	)
	var first string
	must("the order held", eval(`document.getElementById('f-modules.0.lessons.0.title.id').value`, &first))
	if first != "Latar kain" {
		t.Fatalf("first lesson after reorder and publish = %q", first)
	}
	var changes string
	must("see what changed since the version",
		typeInto("f-modules.0.lessons.1.title.id", "Cahaya pagi di Oesapa"),
		chromedp.Text(`section.changes`, &changes, chromedp.ByQuery),
	)
	if !strings.Contains(changes, "Judul diubah: Cahaya pagi di Oesapa") {
		t.Fatalf("changes: %q", changes)
	}
	screenshot(t, ctx, "editor-changes")

	var report string
	must("import a GIFT quiz with a broken question",
		clickText("Kuis kursus ini"),
		visible(byID("f-body")),
		typeInto("f-body", giftWithAProblem),
		setValue(`form:nth-of-type(2) `+byID("f-kind"), "practice"),
		clickText("Impor GIFT"),
		visible(`.gift-report .gift-lines li.bad`),
		chromedp.Text(`.gift-report`, &report, chromedp.ByQuery),
	)
	if !strings.Contains(report, "2 soal diimpor") || !strings.Contains(report, "Baris 3") {
		t.Fatalf("import report %q", report)
	}
	screenshot(t, ctx, "gift-import")
	var quizURL string
	must("edit a question and save",
		clickText("Sunting kuis"),
		visible(byID("f-questions.0.prompt.id")),
		chromedp.Location(&quizURL),
		typeInto("f-questions.0.prompt.id", "Berapa HPP per bungkus sei?"),
		click(`form.editor button[type=submit]`),
		chromedp.WaitVisible(`//p[@class="form-error"][contains(., "Draf tersimpan")]`, chromedp.BySearch),
	)
	id := quizURL[strings.LastIndex(quizURL, "/")+1:]
	trainer := login(t, s, "081300000002", "politeknik-kupang")
	r := s.Do(t, "GET", "/api/v1/quizzes/"+id, trainer, nil)
	if !strings.Contains(string(r.Body), "Berapa HPP per bungkus sei?") {
		t.Fatalf("saved quiz: %d %s", r.Status, r.Body)
	}
}
