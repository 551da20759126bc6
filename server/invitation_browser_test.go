package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A trainer imports a list holding the number of a learner who registered
// on her own: she is invited, not enrolled. On her phone she sees the
// invitation on the home page, accepts it, and the class's course is hers.
// The trainer's roster showed her as invited until then.
func TestBrowserInvitationFromAnImport(t *testing.T) {
	ctx := browser(t)
	s := startServer(t, map[string]string{
		"LONTAR_BOOTSTRAP_ADMIN_PHONE": "081300000001", "LONTAR_BOOTSTRAP_ADMIN_PASSWORD": "admin-lontar-kupang"})
	admin := login(t, s, "081300000001", "admin-lontar-kupang")
	r := s.Do(t, "POST", "/api/v1/cohorts", admin, map[string]any{"name": "Penenun Oesapa", "course_ids": []string{"jualan-online"},
		"starts_on": "2026-01-01", "ends_on": "2099-12-31", "region": "5371040"})
	var cohort struct {
		ID string `json:"id"`
	}
	r.JSON(t, &cohort)
	if r.Status != 201 {
		t.Fatalf("cohort: %d %s", r.Status, r.Body)
	}
	register(t, s, "081234560000", "Maria Tefa", "tenun", "5371040", "f")
	r = s.Do(t, "POST", "/api/v1/cohorts/"+cohort.ID+"/participants/import", admin,
		"name,phone,business_name,sector,region\nIbu Maria,081234560000,Tenun Oesapa,tenun,5371040\n", "Content-Type: text/csv")
	if r.Status != 200 || !strings.Contains(string(r.Body), `"invited":1`) {
		t.Fatalf("import: %d %s", r.Status, r.Body)
	}

	var card, mine string
	err := chromedp.Run(ctx,
		chromedp.Navigate(s.URL+"/masuk"),
		chromedp.WaitVisible(`#f-phone`, chromedp.ByQuery),
		fill(`#f-phone`, "081234560000"),
		fill(`#f-password`, "belajar-di-lontar"),
		chromedp.Click(`button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`li.invitation button.primary`, chromedp.ByQuery),
		chromedp.Text(`li.invitation`, &card, chromedp.ByQuery),
	)
	screenshot(t, ctx, "invitation")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(card, "Penenun Oesapa") || !strings.Contains(card, "Jualan") {
		t.Fatalf("invitation card: %q", card)
	}
	if r := s.Do(t, "GET", "/api/v1/me/enrollments/jualan-online", login(t, s, "081234560000", "belajar-di-lontar"), nil); r.Status != 404 {
		t.Fatalf("enrolled before accepting: %d", r.Status)
	}
	err = chromedp.Run(ctx,
		chromedp.Click(`li.invitation button.primary`, chromedp.ByQuery),
		chromedp.WaitNotPresent(`li.invitation`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cards .course a[href="/kursus/jualan-online"]`, chromedp.ByQuery),
		chromedp.Text(`.cards`, &mine, chromedp.ByQuery),
	)
	screenshot(t, ctx, "invitation-accepted")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(mine, "Jualan") {
		t.Fatalf("my courses after accepting: %q", mine)
	}
}
