package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A learner fails the final with an attempt left: the result shows her
// score and which answers were right or wrong, but neither the right
// answers nor the explanations, and says when they will appear.
func TestBrowserFinalKeepsAnswersBackWhileAnAttemptIsLeft(t *testing.T) {
	ctx := browser(t)
	srv := startServer(t, nil)
	tok := register(t, srv, "081234599003", "Maria Kase", "kuliner", "5371030", "f")
	if r := srv.Do(t, "POST", "/api/v1/courses/jualan-online/enroll", tok, nil); r.Status != 201 {
		t.Fatalf("enroll: %d %s", r.Status, r.Body)
	}
	must := steps(t, ctx)
	var score, note, answers string
	must("fail the final with one answer",
		chromedp.Navigate(srv.URL+"/masuk"),
		loginUI("081234599003", "belajar-di-lontar"),
		chromedp.WaitVisible(`//h1[text()="Kursus saya"]`, chromedp.BySearch),
		chromedp.Navigate(srv.URL+"/kuis/jualan-online-final"),
		visible(`fieldset.question`),
		click(`fieldset.question input[type=radio]`),
		click(`button[type=submit]`),
		clickText("Tetap kirim"),
		visible(`.results h2.score`),
		chromedp.Text(`.results h2.score`, &score, chromedp.ByQuery),
		chromedp.Text(`.results`, &note, chromedp.ByQuery),
		chromedp.Text(`.answers`, &answers, chromedp.ByQuery),
	)
	screenshot(t, ctx, "final-failed")
	if !strings.Contains(score, "Nilai Anda:") || !strings.Contains(score, "Belum lulus") {
		t.Fatalf("result %q", score)
	}
	if !strings.Contains(answers, "Belum tepat") {
		t.Fatalf("answers without verdicts: %q", answers)
	}
	if strings.Contains(answers, "Jawaban yang benar:") {
		t.Fatalf("the final shows its right answers with an attempt left: %q", answers)
	}
	if !strings.Contains(note, "muncul setelah Anda lulus") {
		t.Fatalf("the result does not say when the answers appear: %q", note)
	}
}
