package main

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// mobileNet stands between the phone and the server like a mobile network
// that can drop: while down, every connection is cut, for the page and
// its service worker alike.
type mobileNet struct {
	*httptest.Server
	down atomic.Bool
}

func newMobileNet(t *testing.T, target string) *mobileNet {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	s := &mobileNet{}
	proxy := httputil.NewSingleHostReverseProxy(u)
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.down.Load() {
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					conn.Close()
					return
				}
			}
			panic(http.ErrAbortHandler)
		}
		proxy.ServeHTTP(w, r)
	}))
	s.Config.ConnState = func(c net.Conn, st http.ConnState) {
		// Idle keep-alive connections are cut too when the signal drops.
		if st == http.StateIdle && s.down.Load() {
			c.Close()
		}
	}
	t.Cleanup(s.Close)
	return s
}

// offline drops (or restores) the signal and tells the page so.
func (s *mobileNet) offline(off bool) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		s.down.Store(off)
		if off {
			s.CloseClientConnections()
		}
		if err := network.EmulateNetworkConditions(off, 0, -1, -1).Do(ctx); err != nil {
			return err
		}
		ev := "online"
		if off {
			ev = "offline"
		}
		return chromedp.Evaluate(`window.dispatchEvent(new Event('`+ev+`'))`, nil).Do(ctx)
	})
}

// failures records API answers ≥ 400 the page receives.
type failures struct {
	mu   sync.Mutex
	list []string
}

func watchFailures(ctx context.Context) *failures {
	f := &failures{}
	chromedp.ListenTarget(ctx, func(ev any) {
		if r, ok := ev.(*network.EventResponseReceived); ok && r.Response.Status >= 400 && strings.Contains(r.Response.URL, "/api/") {
			f.mu.Lock()
			f.list = append(f.list, r.Response.URL+" → "+http.StatusText(int(r.Response.Status)))
			f.mu.Unlock()
		}
	})
	return f
}

func (f *failures) take() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	l := f.list
	f.list = nil
	return l
}

// waitUntil polls a JavaScript condition until it holds (the app syncs in
// the background), failing with what it last saw.
func waitUntil(t *testing.T, ctx context.Context, what, js string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var ok bool
	for time.Now().Before(deadline) {
		if err := chromedp.Run(ctx, eval(js, &ok)); err == nil && ok {
			return
		}
		time.Sleep(150 * time.Millisecond)
	}
	screenshot(t, ctx, "failed-"+strings.ReplaceAll(what, " ", "-"))
	t.Fatalf("%s: %s never held", what, js)
}

// A visitor reads a first lesson before registering, registers (field
// errors in words, the first wrong field focused), starts a course from
// "Mulai pelajaran 1", finishes a lesson with no signal, reloads the app
// with no signal and still sees it finished and their course on the home
// screen with what is waiting, gets "Terkirim ✓" once the signal is back,
// and takes the pretest as a first-timer. No API call fails on the way.
func TestBrowserLearnerJourney(t *testing.T) {
	ctx := browser(t)
	srv := startServer(t, nil)
	net := newMobileNet(t, srv.URL)
	must := steps(t, ctx)
	failed := watchFailures(ctx)
	var text string

	must("open the landing page",
		network.Enable(),
		chromedp.Navigate(net.URL+"/"),
		visible(`a.btn.primary[href="/daftar"]`),
		chromedp.Text(`.cards`, &text, chromedp.ByQuery),
	)
	for _, c := range []string{"Jualan online", "Konten kreatif", "Pembukuan sederhana"} {
		if !strings.Contains(text, c) {
			t.Fatalf("landing does not show %s: %q", c, text)
		}
	}
	if !strings.Contains(text, "KB") || !strings.Contains(text, "menit") {
		t.Fatalf("landing does not say length and size: %q", text)
	}
	screenshot(t, ctx, "landing")

	must("read a first lesson as a visitor",
		click(`a[href="/kursus/pembukuan-sederhana/pembukuan-sederhana-m1-l1"]`),
		visible(`article.lesson p`),
		visible(`.actions a[href="/daftar"]`),
		click(`.actions a[href="/daftar"]`),
		visible(`#f-name`),
		chromedp.WaitReady(`#f-region option[value="5371030"]`, chromedp.ByQuery),
	)
	var first string
	must("home region first", eval(`document.querySelector('#f-region optgroup, #f-region option:nth-child(2)').label || ''`, &first))
	if !strings.Contains(first, "Kupang") {
		t.Fatalf("first region group = %q, want Kota Kupang", first)
	}

	var focused string
	must("submit bad input",
		fill(`#f-phone`, "12345"),
		fill(`#f-password`, "pendek"),
		click(`button[type=submit]`),
		visible(`#e-name:not(:empty)`),
		chromedp.Text(`#e-name`, &text, chromedp.ByQuery),
		eval(`document.activeElement.id`, &focused),
	)
	if !strings.HasPrefix(text, "Nama lengkap") {
		t.Fatalf("name error = %q, want it to name the field", text)
	}
	if focused != "f-name" {
		t.Fatalf("focus after a failed submit is on %q, want the first wrong field", focused)
	}
	must("phone error in words", chromedp.Text(`#e-phone`, &text, chromedp.ByQuery))
	if text == "" || strings.Contains(text, "phone") {
		t.Fatalf("phone error = %q", text)
	}
	screenshot(t, ctx, "register-errors")
	failed.take() // the 422 was meant

	must("register",
		fill(`#f-name`, "Maria Bunga"),
		fill(`#f-phone`, "0812 3456 7891"),
		fill(`#f-password`, "sei-sapi-oebobo"),
		fill(`#f-business_name`, "Sei Ibu Maria"),
		setValue(`#f-sector`, "kuliner"),
		setValue(`#f-region`, "5371030"),
		click(`button[type=submit]`),
		chromedp.WaitVisible(`//h1[text()="Kursus saya"]`, chromedp.BySearch),
		visible(`a[href="/kursus/pembukuan-sederhana"]`),
	)
	screenshot(t, ctx, "home-new")

	must("enroll and start lesson 1",
		click(`a[href="/kursus/pembukuan-sederhana"]`),
		clickText("Mulai kursus"),
		clickText("Mulai pelajaran 1"),
		visible(`article.lesson p`),
		chromedp.Text(`h1`, &text, chromedp.ByQuery),
	)
	lessonTitle := text
	screenshot(t, ctx, "lesson")

	must("finish the lesson with no signal",
		net.offline(true),
		clickText("Tandai selesai"),
		chromedp.WaitVisible(`//button[contains(., "Selesai ✓")][@disabled]`, chromedp.BySearch),
		chromedp.Text(`.status`, &text, chromedp.ByQuery),
	)
	if !strings.Contains(text, "1 pelajaran belum terkirim") {
		t.Fatalf("status while offline = %q", text)
	}
	must("reload with no signal",
		chromedp.Reload(),
		visible(`article.lesson p`),
		chromedp.WaitVisible(`//button[contains(., "Selesai ✓")][@disabled]`, chromedp.BySearch),
	)
	screenshot(t, ctx, "lesson-offline-reloaded")
	must("home with no signal",
		click(`a.brand`),
		visible(`.cards .course`),
		chromedp.Text(`.page`, &text, chromedp.ByQuery),
	)
	if !strings.Contains(text, "Pembukuan sederhana") || strings.Contains(text, "Belum ada kursus") {
		t.Fatalf("home offline forgot the course: %q", text)
	}
	if !strings.Contains(text, "Lanjutkan:") || strings.Contains(text, "Lanjutkan: "+lessonTitle) {
		t.Fatalf("home offline does not continue after the finished lesson: %q", text)
	}
	screenshot(t, ctx, "home-offline")

	must("signal back", net.offline(false))
	waitUntil(t, ctx, "sent", `document.querySelector('.status.ok')?.textContent.includes('Terkirim') && JSON.parse(localStorage.getItem('lontar.u.' + localStorage.getItem('lontar.current') + '.outbox') || '[]').length === 0`)

	must("open the pretest from the course",
		click(`a[href="/kursus/pembukuan-sederhana"]`),
		visible(`a[href="/kuis/pembukuan-sederhana-pretest"]`),
		chromedp.Text(`a[href="/kuis/pembukuan-sederhana-pretest"]`, &text, chromedp.ByQuery),
	)
	if strings.Count(text, "Tes awal") > 1 {
		t.Fatalf("quiz title repeats its kind: %q", text)
	}
	must("attempts before the first question",
		click(`a[href="/kuis/pembukuan-sederhana-pretest"]`),
		visible(`fieldset.question`),
		chromedp.Text(`.quiz-intro`, &text, chromedp.ByQuery),
	)
	if !strings.Contains(text, "kesempatan") && !strings.Contains(text, "berkali-kali") {
		t.Fatalf("attempts not said before the questions: %q", text)
	}
	must("an empty submission is refused with a warning",
		click(`button[type=submit]`),
		chromedp.WaitVisible(`//div[@class="confirm"][contains(., "Belum ada soal yang dijawab")]`, chromedp.BySearch),
	)
	must("answer one and confirm the rest",
		click(`fieldset.question input[type=radio]`),
		click(`button[type=submit]`),
		chromedp.WaitVisible(`//div[@class="confirm"][contains(., "belum dijawab")]`, chromedp.BySearch),
	)
	screenshot(t, ctx, "quiz-unanswered")
	var buttons int
	must("result at the top",
		clickText("Tetap kirim"),
		visible(`.results h2.score`),
		chromedp.Text(`.results h2.score`, &text, chromedp.ByQuery),
		eval(`document.querySelectorAll('button[type=submit]').length`, &buttons),
	)
	if !strings.HasPrefix(text, "Nilai Anda:") || strings.Contains(text, "Lulus") {
		t.Fatalf("pretest result = %q (a pretest has no pass or fail)", text)
	}
	if buttons != 0 {
		t.Fatal("the submit button is still there under the result")
	}
	must("verdicts in words", chromedp.Text(`.answers`, &text, chromedp.ByQuery))
	if !strings.Contains(text, "Benar ✓") && !strings.Contains(text, "Belum tepat") {
		t.Fatalf("answers without verdicts in words: %q", text)
	}
	if !strings.Contains(text, "Jawaban yang benar:") {
		t.Fatalf("a wrong answer without the right one: %q", text)
	}
	screenshot(t, ctx, "quiz-result")
	must("keep learning", clickText("Lanjut belajar"), visible(`ol.lessons li.done`))

	if f := failed.take(); len(f) > 0 {
		t.Fatalf("API requests failed on the happy path: %v", f)
	}
}

// A weaver opens a join link from WhatsApp: it says which class invites
// her, "Daftar" is the main button, and after registering she is in the
// class with a confirmation and the class's course on her home screen.
func TestBrowserJoinLink(t *testing.T) {
	ctx := browser(t)
	srv := startServer(t, map[string]string{
		"LONTAR_BOOTSTRAP_ADMIN_PHONE": "081300000001", "LONTAR_BOOTSTRAP_ADMIN_PASSWORD": "admin-lontar-kupang"})
	admin := login(t, srv, "081300000001", "admin-lontar-kupang")
	srv.Do(t, "POST", "/api/v1/users", admin, map[string]any{"phone": "081300000002", "name": "Bu Dosen",
		"password": "politeknik-kupang", "role": "trainer", "institution": "undana"})
	trainer := login(t, srv, "081300000002", "politeknik-kupang")
	r := srv.Do(t, "POST", "/api/v1/cohorts", trainer, map[string]any{"name": "Penenun Oesapa", "course_ids": []string{"konten-kreatif"},
		"starts_on": "2026-01-01", "ends_on": "2099-12-31", "region": "5371040"})
	var cohort struct {
		JoinCode string `json:"join_code"`
	}
	r.JSON(t, &cohort)
	must := steps(t, ctx)
	var text, primary string
	must("open the link",
		chromedp.Navigate(srv.URL+"/join/"+cohort.JoinCode),
		visible(`.invite h1`),
		chromedp.Text(`.page`, &text, chromedp.ByQuery),
		chromedp.Text(`a.btn.primary`, &primary, chromedp.ByQuery),
	)
	if !strings.Contains(text, "Penenun Oesapa") || !strings.Contains(text, "Konten kreatif") || !strings.Contains(primary, "Daftar") {
		t.Fatalf("join page %q, main button %q", text, primary)
	}
	screenshot(t, ctx, "join-link")
	must("register from the link",
		click(`a.btn.primary`),
		visible(`#f-name`),
		chromedp.WaitReady(`#f-region option[value="5371040"]`, chromedp.ByQuery),
		fill(`#f-name`, "Yuliana Nenobais"),
		fill(`#f-phone`, "081234567001"),
		fill(`#f-password`, "tenun-buna-oesapa"),
		setValue(`#f-sector`, "tenun"),
		setValue(`#f-region`, "5371040"),
		click(`button[type=submit]`),
		visible(`.status.ok`),
		chromedp.Text(`.status.ok`, &text, chromedp.ByQuery),
	)
	if !strings.Contains(text, "Penenun Oesapa") {
		t.Fatalf("joining did not confirm itself: %q", text)
	}
	must("the class's course is hers", visible(`.cards .course a[href="/kursus/konten-kreatif"]`))
}

// A learner saves a course for reading without internet: she sees its
// size in KB and Rupiah first, then the saved mark; with no signal its
// lessons and quizzes, even one never opened, still open; she removes it.
func TestBrowserSaveCourseOffline(t *testing.T) {
	ctx := browser(t)
	srv := startServer(t, nil)
	net := newMobileNet(t, srv.URL)
	register(t, srv, "081234599002", "Ina Bara", "kuliner", "5371030", "f")
	must := steps(t, ctx)
	var cost, saved string
	must("open the course",
		chromedp.Navigate(net.URL+"/masuk"),
		loginUI("081234599002", "belajar-di-lontar"),
		chromedp.WaitVisible(`//h1[text()="Kursus saya"]`, chromedp.BySearch),
		click(`a[href="/kursus/jualan-online"]`),
		clickText("Mulai kursus"),
		visible(`.saver button`),
		chromedp.Text(`.saver`, &cost, chromedp.ByQuery),
	)
	if !strings.Contains(cost, "Simpan untuk dibaca tanpa internet") || !regexp.MustCompile(`± \d+ KB, sekitar Rp 0,\d\d`).MatchString(cost) {
		t.Fatalf("saver says %q", cost)
	}
	screenshot(t, ctx, "save-offer")
	must("save",
		clickText("Simpan untuk dibaca tanpa internet"),
		chromedp.WaitVisible(`//p[contains(., "Tersimpan di HP ✓")]`, chromedp.BySearch),
		chromedp.Text(`.saver`, &saved, chromedp.ByQuery),
	)
	if !strings.Contains(saved, "KB") {
		t.Fatalf("saved mark %q", saved)
	}
	var title string
	must("with no signal a quiz never opened opens",
		net.offline(true),
		chromedp.Navigate(net.URL+"/kuis/jualan-online-final"),
		visible(`fieldset.question`),
		chromedp.Text(`h1`, &title, chromedp.ByQuery),
	)
	screenshot(t, ctx, "quiz-offline")
	must("and a lesson", chromedp.Navigate(net.URL+"/kursus/jualan-online/jualan-online-m3-l1"), visible(`article.lesson p`))
	must("remove it online",
		net.offline(false),
		chromedp.Navigate(net.URL+"/kursus/jualan-online"),
		clickText("Hapus dari HP"),
		chromedp.WaitVisible(`//button[contains(., "Simpan untuk dibaca tanpa internet")]`, chromedp.BySearch),
	)
	var left int
	must("copies gone", eval(`caches.open('lontar-data').then((c) => c.keys()).then((ks) => ks.filter((k) => k.url.includes('/quizzes/jualan-online-final')).length)`, &left))
	if left != 0 {
		t.Fatalf("%d copies of the quiz left after removing", left)
	}
}
