package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// An agency officer of Kota Kupang logs in on a phone, lands on the
// dashboard and sees exact numbers for their scope only, the same as the
// CSV; small kecamatan are suppressed; filters change the numbers; the
// page reads in English too and fits a phone and a laptop.
func TestBrowserAgencyDashboard(t *testing.T) {
	ctx := browser(t)
	s := startServer(t, map[string]string{
		"LONTAR_BOOTSTRAP_ADMIN_PHONE": "081300000001", "LONTAR_BOOTSTRAP_ADMIN_PASSWORD": "admin-lontar-kupang"})
	admin := login(t, s, "081300000001", "admin-lontar-kupang")
	if r := s.Do(t, "POST", "/api/v1/users", admin, map[string]any{"phone": "081300000003", "name": "Dinas Koperasi Kota",
		"password": "dinas-koperasi-1", "role": "agency", "scope": []string{"5371"}}); r.Status != 201 {
		t.Fatalf("agency: %d %s", r.Status, r.Body)
	}
	// Six weavers in Oebobo and one cook in Alak (Kota Kupang), two in
	// Kabupaten Kupang, outside the agency's scope.
	learners := []struct{ region, sector string }{
		{"5371030", "tenun"}, {"5371030", "tenun"}, {"5371030", "tenun"}, {"5371030", "tenun"}, {"5371030", "tenun"},
		{"5371030", "tenun"}, {"5371010", "kuliner"}, {"5303110", "tenun"}, {"5303110", "kuliner"},
	}
	for i, l := range learners {
		tok := register(t, s, fmt.Sprintf("0812345600%02d", i), fmt.Sprintf("Peserta %d", i), l.sector, l.region, "f")
		if r := s.Do(t, "POST", "/api/v1/courses/jualan-online/enroll", tok, nil); r.Status != 201 {
			t.Fatalf("enroll: %d %s", r.Status, r.Body)
		}
	}

	var enrolled, regionsText, kecText, csvText, title, sectorsEN string
	var options []string
	var overflowPhone, overflowLaptop bool
	err := chromedp.Run(ctx,
		chromedp.Navigate(s.URL+"/masuk"),
		chromedp.WaitVisible(`#f-phone`, chromedp.ByQuery),
		fill(`#f-phone`, "081300000003"),
		fill(`#f-password`, "dinas-koperasi-1"),
		chromedp.Click(`button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`[data-total=enrolled] .num`, chromedp.ByQuery),
		chromedp.Text(`[data-total=enrolled] .num`, &enrolled, chromedp.ByQuery),
		// SVG has no innerText: read its textContent.
		chromedp.Evaluate(`document.querySelector('section[data-dim=region] svg').textContent`, &regionsText),
		chromedp.Evaluate(`document.querySelector('section[data-dim=kecamatan] svg').textContent`, &kecText),
	)
	if err == nil {
		var js string
		err = chromedp.Run(ctx, chromedp.Evaluate(`JSON.stringify([...document.querySelectorAll('#f-region option')].map(o => o.value))`, &js))
		_ = json.Unmarshal([]byte(js), &options)
	}
	if err == nil {
		err = chromedp.Run(ctx, chromedp.Evaluate(`document.documentElement.scrollWidth > window.innerWidth`, &overflowPhone))
	}
	// Its words come from the dictionary's reports section: no key shows.
	var pageText, sectorsID string
	if err == nil {
		err = chromedp.Run(ctx, chromedp.Evaluate(`document.body.innerText`, &pageText),
			chromedp.Evaluate(`[...document.querySelectorAll('#f-sector option')].map(o => o.textContent).join(',')`, &sectorsID))
	}
	if err == nil && (strings.Contains(pageText, "rp_") || !strings.Contains(pageText, "Terdaftar") || !strings.Contains(sectorsID, "Tenun")) {
		t.Errorf("dashboard words: sectors %q, page %q", sectorsID, pageText)
	}
	if err == nil {
		// The CSV as the officer's own session downloads it.
		var token string
		err = chromedp.Run(ctx, chromedp.Evaluate(`JSON.parse(localStorage.getItem('lontar.accounts'))[localStorage.getItem('lontar.current')].access`, &token))
		csvText = string(s.Do(t, "GET", "/api/v1/reports/export.csv", token, nil).Body)
	}
	screenshot(t, ctx, "agency-dashboard-phone")
	if err != nil {
		t.Fatalf("%v (options %v, overflow %v, csv %q)", err, options, overflowPhone, csvText)
	}
	if enrolled != "7" {
		t.Errorf("dashboard shows %q enrolled, want the 7 in Kota Kupang", enrolled)
	}
	if !strings.Contains(regionsText, "Kupang") || strings.Contains(regionsText, "Kabupaten Kupang") {
		t.Errorf("region chart: %q", regionsText)
	}
	if !strings.Contains(kecText, "Oebobo") || !strings.Contains(kecText, "< 5") {
		t.Errorf("kecamatan chart should show Oebobo and a suppressed Alak: %q", kecText)
	}
	for _, o := range options {
		if strings.HasPrefix(o, "5303") {
			t.Errorf("the region filter offers %s, outside the scope", o)
		}
	}
	var csvTotal string
	for _, line := range strings.Split(csvText, "\n") {
		if strings.HasPrefix(line, "total,") {
			csvTotal = strings.Split(line, ",")[3]
		}
	}
	if csvTotal != enrolled {
		t.Errorf("CSV total %q differs from the dashboard's %q:\n%s", csvTotal, enrolled, csvText)
	}
	if overflowPhone {
		t.Error("the dashboard scrolls sideways on a phone")
	}

	// Filter to the weavers, then read it in English on a laptop.
	err = chromedp.Run(ctx,
		setValue(`#f-sector`, "tenun"),
		// Mark the page shown now, to wait for the one the filter brings.
		chromedp.Evaluate(`document.querySelector('.totals').dataset.old = '1'`, nil),
		chromedp.Click(`form.filters button[type=submit]`, chromedp.ByQuery),
		chromedp.Poll(`location.search.includes('sector=tenun') && !!document.querySelector('.totals:not([data-old])')`, nil),
		chromedp.Text(`[data-total=enrolled] .num`, &enrolled, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if enrolled != "6" {
		t.Errorf("weavers only: %q enrolled, want 6", enrolled)
	}
	err = chromedp.Run(ctx,
		chromedp.EmulateViewport(1280, 800),
		chromedp.Click(`button.lang`, chromedp.ByQuery),
		// The page draws again in English: wait for that drawing, not for
		// the Indonesian one still on screen.
		chromedp.Poll(`document.documentElement.lang === 'en' && document.querySelector('h1')?.textContent === 'Reports' && !!document.querySelector('[data-total=enrolled] .num')`, nil),
		chromedp.Text(`h1`, &title, chromedp.ByQuery),
		chromedp.Evaluate(`document.documentElement.scrollWidth > window.innerWidth`, &overflowLaptop),
		chromedp.Evaluate(`document.querySelector('#f-sector').textContent`, &sectorsEN),
	)
	screenshot(t, ctx, "agency-dashboard-laptop-en")
	if err != nil {
		t.Fatal(err)
	}
	if title != "Reports" || overflowLaptop || !strings.Contains(sectorsEN, "Weaving") {
		t.Errorf("English title %q, sectors %q, sideways scroll %v", title, sectorsEN, overflowLaptop)
	}
}

// A trainer opens their cohort's help page on a phone: the learner who
// failed the final twice is listed with the reason and a WhatsApp link,
// and the quiz's questions show how many got them right the first time.
func TestBrowserTrainerSeesWhoNeedsHelp(t *testing.T) {
	ctx := browser(t)
	s := startServer(t, map[string]string{
		"LONTAR_BOOTSTRAP_ADMIN_PHONE": "081300000001", "LONTAR_BOOTSTRAP_ADMIN_PASSWORD": "admin-lontar-kupang"})
	admin := login(t, s, "081300000001", "admin-lontar-kupang")
	s.Do(t, "POST", "/api/v1/users", admin, map[string]any{"phone": "081300000002", "name": "Bu Dosen",
		"password": "politeknik-kupang", "role": "trainer", "institution": "lontar"})
	trainer := login(t, s, "081300000002", "politeknik-kupang")
	r := s.Do(t, "POST", "/api/v1/cohorts", trainer, map[string]any{"name": "Penenun Oesapa", "course_ids": []string{"jualan-online"},
		"starts_on": "2026-01-01", "ends_on": "2099-12-31", "region": "5371040"})
	var cohort struct {
		ID       string `json:"id"`
		JoinCode string `json:"join_code"`
	}
	r.JSON(t, &cohort)
	learner := register(t, s, "081234560000", "Maria Tefa", "tenun", "5371040", "f")
	if r := s.Do(t, "POST", "/api/v1/cohorts/join", learner, map[string]string{"code": cohort.JoinCode}); r.Status != 200 {
		t.Fatalf("join: %d %s", r.Status, r.Body)
	}
	final := "jualan-online-final"
	wrong := wrongAnswer(t, finalAnswers(t, s, admin, final))
	for range 2 {
		if r := s.Do(t, "POST", "/api/v1/quizzes/"+final+"/attempts", learner, map[string]any{"answers": wrong}); r.Status != 201 {
			t.Fatalf("attempt: %d %s", r.Status, r.Body)
		}
	}

	var who, reason, wa, rate string
	err := chromedp.Run(ctx,
		chromedp.Navigate(s.URL+"/masuk"),
		chromedp.WaitVisible(`#f-phone`, chromedp.ByQuery),
		fill(`#f-phone`, "081300000002"),
		fill(`#f-password`, "politeknik-kupang"),
		chromedp.Click(`button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`li.cohort a[href^="/pelatih/"]`, chromedp.ByQuery),
		chromedp.Click(`li.cohort a[href^="/pelatih/"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`a[href$="/bantuan"]`, chromedp.ByQuery),
		chromedp.Click(`a[href$="/bantuan"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.helpee`, chromedp.ByQuery),
		chromedp.Text(`.helpee strong`, &who, chromedp.ByQuery),
		chromedp.Text(`.helpee [data-reason=final_failed]`, &reason, chromedp.ByQuery),
		chromedp.AttributeValue(`.helpee a.wa`, "href", &wa, nil, chromedp.ByQuery),
		chromedp.Text(`[data-quiz=jualan-online-final] .questions li`, &rate, chromedp.ByQuery),
	)
	screenshot(t, ctx, "trainer-help")
	if err != nil {
		t.Fatal(err)
	}
	if who != "Maria Tefa" || !strings.Contains(reason, "2") || !strings.HasPrefix(wa, "https://wa.me/6281234560000?text=") {
		t.Errorf("needs help: %q, reason %q, link %q", who, reason, wa)
	}
	if !strings.Contains(rate, "0%") {
		t.Errorf("the first question answered wrongly should show 0%% right: %q", rate)
	}
}
