package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// loginUI signs in through the login form.
func loginUI(phone, password string) chromedp.Action {
	return chromedp.Tasks{
		visible(`#f-phone`),
		fill(`#f-phone`, phone),
		fill(`#f-password`, password),
		click(`button[type=submit]`),
	}
}

// outboxOf reads what one learner's outbox on the phone holds.
func outboxOf(uid string, out *[]map[string]any) chromedp.Action {
	return eval(`JSON.parse(localStorage.getItem('lontar.u.`+uid+`.outbox') || '[]')`, out)
}

// Two learners share one phone. Each finishes a different lesson with no
// signal; switching between them needs the PIN of the one switched to;
// each learner's taps wait in their own outbox and reach the server under
// their own account only.
func TestBrowserTwoLearnersOnePhone(t *testing.T) {
	ctx := browser(t)
	srv := startServer(t, nil)
	net := newMobileNet(t, srv.URL)
	must := steps(t, ctx)
	ana := register(t, srv, "081234500001", "Ana Tefa", "tenun", "5371030", "f")
	budi := register(t, srv, "081234500002", "Budi Lado", "kuliner", "5371040", "m")
	for _, tok := range []string{ana, budi} {
		if r := srv.Do(t, "POST", "/api/v1/courses/pembukuan-sederhana/enroll", tok, nil); r.Status != 201 {
			t.Fatalf("enroll: %d %s", r.Status, r.Body)
		}
	}
	var anaID, budiID string
	must("Ana signs in",
		chromedp.Navigate(net.URL+"/masuk"),
		loginUI("081234500001", "belajar-di-lontar"),
		chromedp.WaitVisible(`//h1[text()="Kursus saya"]`, chromedp.BySearch),
		eval(`localStorage.getItem('lontar.current')`, &anaID),
	)
	must("Ana adds Budi, choosing her PIN first",
		chromedp.Navigate(net.URL+"/pelajar"),
		clickText("Tambah pelajar lain"),
		visible(`#f-pin`),
		fill(`#f-pin`, "1234"), fill(`#f-pin2`, "1234"),
		click(`button[type=submit]`),
		loginUI("081234500002", "belajar-di-lontar"),
		visible(`#f-pin2`),
		fill(`#f-pin`, "5678"), fill(`#f-pin2`, "5678"),
		click(`button[type=submit]`),
		chromedp.WaitVisible(`//h1[text()="Kursus saya"]`, chromedp.BySearch),
		eval(`localStorage.getItem('lontar.current')`, &budiID),
	)
	if anaID == "" || budiID == "" || anaID == budiID {
		t.Fatalf("accounts %q and %q", anaID, budiID)
	}
	screenshot(t, ctx, "budi-home")

	must("Budi finishes lesson 2 with no signal",
		chromedp.Navigate(net.URL+"/kursus/pembukuan-sederhana/pembukuan-sederhana-m1-l2"),
		visible(`article.lesson p`),
		net.offline(true),
		clickText("Tandai selesai"),
		chromedp.WaitVisible(`//button[contains(., "Selesai ✓")]`, chromedp.BySearch),
	)
	var text string
	must("a wrong PIN does not switch",
		chromedp.Navigate(net.URL+"/pelajar"),
		clickText("Ganti ke Ana Tefa"),
		visible(`#f-pin`),
		fill(`#f-pin`, "5678"),
		click(`button[type=submit]`),
		visible(`#e-pin:not(:empty)`),
		chromedp.Text(`#e-pin`, &text, chromedp.ByQuery),
	)
	var cur string
	must("still Budi", eval(`localStorage.getItem('lontar.current')`, &cur))
	if cur != budiID || !strings.Contains(text, "PIN salah") {
		t.Fatalf("after a wrong PIN: current %q, message %q", cur, text)
	}
	screenshot(t, ctx, "wrong-pin")
	must("switch to Ana with her PIN, with no signal",
		fill(`#f-pin`, "1234"),
		click(`button[type=submit]`),
		chromedp.WaitVisible(`//h1[text()="Kursus saya"]`, chromedp.BySearch),
		eval(`localStorage.getItem('lontar.current')`, &cur),
	)
	if cur != anaID {
		t.Fatalf("current after the right PIN = %q, want Ana %q", cur, anaID)
	}
	must("Ana finishes lesson 1 with no signal",
		chromedp.Navigate(net.URL+"/kursus/pembukuan-sederhana/pembukuan-sederhana-m1-l1"),
		visible(`article.lesson p`),
		clickText("Tandai selesai"),
		chromedp.WaitVisible(`//button[contains(., "Selesai ✓")]`, chromedp.BySearch),
	)
	var anaBox, budiBox []map[string]any
	must("outboxes", outboxOf(anaID, &anaBox), outboxOf(budiID, &budiBox))
	if len(anaBox) != 1 || anaBox[0]["lesson_id"] != "pembukuan-sederhana-m1-l1" ||
		len(budiBox) != 1 || budiBox[0]["lesson_id"] != "pembukuan-sederhana-m1-l2" {
		t.Fatalf("outboxes mixed: Ana %v, Budi %v", anaBox, budiBox)
	}

	must("signal back", net.offline(false))
	waitUntil(t, ctx, "both outboxes sent", `['`+anaID+`', '`+budiID+`'].every((id) => JSON.parse(localStorage.getItem('lontar.u.' + id + '.outbox') || '[]').length === 0)`)
	for _, c := range []struct {
		name, token, want, notWant string
	}{
		{"Ana", ana, "pembukuan-sederhana-m1-l1", "pembukuan-sederhana-m1-l2"},
		{"Budi", budi, "pembukuan-sederhana-m1-l2", "pembukuan-sederhana-m1-l1"},
	} {
		r := srv.Do(t, "GET", "/api/v1/me/enrollments/pembukuan-sederhana", c.token, nil)
		var en struct {
			CompletedLessons map[string]any `json:"completed_lessons"`
		}
		r.JSON(t, &en)
		if en.CompletedLessons[c.want] == nil || en.CompletedLessons[c.notWant] != nil {
			t.Fatalf("%s's lessons on the server: %v", c.name, en.CompletedLessons)
		}
	}
}
