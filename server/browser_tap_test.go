package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// smallTargets lists what a finger can tap on the screen but is smaller
// than 44×44 CSS pixels. A link inside a sentence of a lesson is exempt,
// as WCAG 2.5.8 exempts inline links; a radio or checkbox counts through
// its label, which is what the finger hits.
const smallTargets = `[...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, label.choice')]
  .filter((el) => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden')
  .filter((el) => !el.closest('article.lesson p, article.lesson li, article.lesson td, article.lesson th'))
  .filter((el) => !(el.matches('input[type=radio], input[type=checkbox]') && el.closest('label')))
  .map((el) => { const r = el.getBoundingClientRect(); return [el, r]; })
  .filter(([, r]) => r.height < 44 || r.width < 44)
  .map(([el, r]) => el.tagName.toLowerCase() + (el.className ? '.' + el.className.split(' ').join('.') : '') + ' "' + (el.textContent || el.name || '').trim().slice(0, 30) + '" ' + Math.round(r.width) + '×' + Math.round(r.height))`

// Every screen of the app, as a learner, a visitor, a trainer and a
// second learner on the phone see it, has tap targets of at least 44 px.
func TestBrowserTapTargets(t *testing.T) {
	ctx := browser(t)
	srv := startServer(t, map[string]string{
		"LONTAR_BOOTSTRAP_ADMIN_PHONE": "081300000001", "LONTAR_BOOTSTRAP_ADMIN_PASSWORD": "admin-lontar-kupang"})
	admin := login(t, srv, "081300000001", "admin-lontar-kupang")
	srv.Do(t, "POST", "/api/v1/users", admin, map[string]any{"phone": "081300000002", "name": "Bu Dosen",
		"password": "politeknik-kupang", "role": "trainer", "institution": "lontar"})
	trainer := login(t, srv, "081300000002", "politeknik-kupang")
	r := srv.Do(t, "POST", "/api/v1/cohorts", trainer, map[string]any{"name": "Penenun Oesapa", "course_ids": []string{"pembukuan-sederhana"},
		"starts_on": "2026-01-01", "ends_on": "2099-12-31", "region": "5371040"})
	var cohort struct {
		ID       string `json:"id"`
		JoinCode string `json:"join_code"`
	}
	r.JSON(t, &cohort)
	learner := register(t, srv, "081234560000", "Maria Tefa", "tenun", "5371040", "f")
	if r := srv.Do(t, "POST", "/api/v1/cohorts/join", learner, map[string]string{"code": cohort.JoinCode}); r.Status != 200 {
		t.Fatalf("join: %d %s", r.Status, r.Body)
	}
	must := steps(t, ctx)

	check := func(name, path, ready string, actions ...chromedp.Action) {
		t.Helper()
		var small []string
		must("open "+name, append([]chromedp.Action{chromedp.Navigate(srv.URL + path), visible(ready)}, actions...)...)
		must("measure "+name, eval(smallTargets, &small))
		if len(small) > 0 {
			screenshot(t, ctx, "failed-small-targets-"+name)
			t.Errorf("%s (%s): tap targets under 44 px: %s", name, path, strings.Join(small, "; "))
		}
	}
	check("landing", "/", `.cards .btn`)
	check("login", "/masuk", `#f-phone`)
	check("register", "/daftar", `#f-birth_year`)
	check("activate", "/aktivasi", `#f-code`)
	check("forgot password", "/lupa-sandi", `#f-code`)
	check("lesson as visitor", "/kursus/jualan-online/jualan-online-m1-l1", `article.lesson p`)
	check("course as visitor", "/kursus/jualan-online", `ol.lessons a`)

	must("learner signs in", chromedp.Navigate(srv.URL+"/masuk"), loginUI("081234560000", "belajar-di-lontar"),
		chromedp.WaitVisible(`//h1[text()="Kursus saya"]`, chromedp.BySearch))
	check("home", "/", `.cards .course .btn`)
	check("course", "/kursus/pembukuan-sederhana", `.saver button`)
	check("lesson with a table", "/kursus/pembukuan-sederhana/pembukuan-sederhana-m1-l2", `article.lesson p`)
	check("quiz", "/kuis/pembukuan-sederhana-pretest", `fieldset.question label.choice`)
	check("quiz result", "/kuis/pembukuan-sederhana-pretest", `fieldset.question label.choice`,
		click(`label.choice input`), click(`button[type=submit]`), clickText("Tetap kirim"), visible(`.results .score`))
	check("profile", "/profil", `.page .btn`)
	check("learners on this phone", "/pelajar", `.page .btn`)
	check("new PIN", "/pelajar?add=1", `#f-pin2`)

	must("trainer signs in", chromedp.Navigate(srv.URL+"/profil"), clickText("Keluar"), chromedp.Navigate(srv.URL+"/masuk"),
		loginUI("081300000002", "politeknik-kupang"), visible(`li.cohort`))
	check("trainer panel", "/pelatih", `li.cohort .btn`)
	check("roster", "/pelatih/kelas/"+cohort.ID, `li.participant`)
	check("course list (authoring)", "/pelatih/kursus", `li.draft .btn`)
	check("course editor", "/pelatih/kursus/pembukuan-sederhana", `.lesson-edit textarea`)
	check("quiz list (authoring)", "/pelatih/kursus/pembukuan-sederhana/kuis", `li.quiz-item .btn`)
	check("quiz editor", "/pelatih/kuis/pembukuan-sederhana-pretest", `fieldset.question-edit`)
}
