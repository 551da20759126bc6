package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

func awaitPromise(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }

// The app draws the lesson again when the signal goes or comes back, and
// chromedp's cached DOM nodes can then point at the old page; these
// helpers act through the live DOM instead, firing the events typing and
// tapping fire.
func typeIn(sel, value string) chromedp.Action {
	js, _ := json.Marshal([]string{sel, value})
	return chromedp.Evaluate(`(([s, v]) => { const el = document.querySelector(s); el.focus(); el.value = v;
		el.dispatchEvent(new Event('input', { bubbles: true })); return true })(`+string(js)+`)`, nil)
}

func tap(sel string) chromedp.Action {
	js, _ := json.Marshal(sel)
	return chromedp.Evaluate(`document.querySelector(`+string(js)+`).click(), true`, nil)
}

func waitFor(sel string) chromedp.Action {
	js, _ := json.Marshal(sel)
	return chromedp.Poll(`!!document.querySelector(`+string(js)+`)`, nil, chromedp.WithPollingTimeout(20*time.Second))
}

func textOf(sel string, out *string) chromedp.Action {
	js, _ := json.Marshal(sel)
	return chromedp.Evaluate(`document.querySelector(`+string(js)+`).innerText`, out)
}

// practicePhone opens a seeded lesson that holds a practice tool on a
// 360×640 phone, as an enrolled learner. It returns the browser, the
// server and the learner's token.
func practicePhone(t *testing.T, course, lesson string) (context.Context, *server, string) {
	t.Helper()
	ctx := browser(t)
	s := startServer(t, nil)
	r := s.Do(t, "POST", "/api/v1/auth/register", "", map[string]any{"phone": "081234500360", "name": "Kak Yuli",
		"password": "belajar-di-lontar", "profile": map[string]any{"sector": "kuliner", "region": "5371030", "gender": "f"}})
	var sess struct {
		AccessToken  string          `json:"access_token"`
		RefreshToken string          `json:"refresh_token"`
		User         json.RawMessage `json:"user"`
	}
	r.JSON(t, &sess)
	if r.Status != 201 {
		t.Fatalf("register: %d %s", r.Status, r.Body)
	}
	if r := s.Do(t, "POST", "/api/v1/courses/"+course+"/enroll", sess.AccessToken, nil); r.Status != 201 {
		t.Fatalf("enroll: %d %s", r.Status, r.Body)
	}
	store, _ := json.Marshal(map[string]string{"lontar.access": sess.AccessToken, "lontar.refresh": sess.RefreshToken, "lontar.user": string(sess.User)})
	err := chromedp.Run(ctx,
		chromedp.EmulateViewport(360, 640, chromedp.EmulateScale(2)),
		chromedp.Navigate(s.URL+"/"),
		chromedp.Evaluate(`Object.entries(`+string(store)+`).forEach(([k, v]) => localStorage.setItem(k, v))`, nil),
		chromedp.Navigate(s.URL+"/kursus/"+course+"/"+lesson),
		chromedp.WaitVisible(`.practice.ready form`, chromedp.ByQuery),
		// Opened once with signal, with the service worker in control, the
		// lesson and its tool stay usable offline.
		chromedp.Evaluate(`navigator.serviceWorker.ready.then(() => true)`, nil, awaitPromise),
		chromedp.Reload(),
		chromedp.WaitVisible(`.practice.ready form`, chromedp.ByQuery),
	)
	if err != nil {
		screenshot(t, ctx, "failed-practice-open")
		t.Fatalf("open %s: %v", lesson, err)
	}
	return ctx, s, sess.AccessToken
}

// offline cuts the network and waits for the app to show it (the lesson
// is drawn again, the tool with it).
func offline(t *testing.T, ctx context.Context) {
	t.Helper()
	err := chromedp.Run(ctx,
		network.Enable(),
		network.EmulateNetworkConditions(true, 0, -1, -1),
		waitFor(`.status.offline`),
		waitFor(`.practice.ready form`),
	)
	if err != nil {
		t.Fatalf("go offline: %v", err)
	}
}

// checkOffline submits the tool's form (the network is cut), returns the
// result text the learner sees and checks the result waits in the outbox.
func checkOffline(t *testing.T, ctx context.Context) string {
	t.Helper()
	var text string
	var queued int
	err := chromedp.Run(ctx,
		tap(`.practice form button[type=submit]`),
		waitFor(`.practice .practice-result p`),
		textOf(`.practice .practice-result`, &text),
		chromedp.Evaluate(`JSON.parse(localStorage.getItem('lontar.u.' + localStorage.getItem('lontar.current') + '.outbox')||'[]').filter(e => e.type === 'practice_done').length`, &queued),
	)
	if err != nil {
		screenshot(t, ctx, "failed-practice-check")
		t.Fatalf("check offline: %v", err)
	}
	if queued == 0 {
		t.Fatalf("no practice_done event queued offline; result shown: %q", text)
	}
	return text
}

// syncedScore brings the phone back online, waits for the outbox to empty
// and returns the best score the server recorded for the tool.
func syncedScore(t *testing.T, ctx context.Context, s *server, token, course, resultID string) (float64, bool) {
	t.Helper()
	pending := -1
	if err := chromedp.Run(ctx, network.EmulateNetworkConditions(false, 0, -1, -1),
		chromedp.Evaluate(`window.dispatchEvent(new Event('online'))`, nil)); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); pending != 0 && time.Now().Before(deadline); {
		time.Sleep(200 * time.Millisecond)
		if err := chromedp.Run(ctx, chromedp.Evaluate(`JSON.parse(localStorage.getItem('lontar.u.' + localStorage.getItem('lontar.current') + '.outbox')||'[]').length`, &pending)); err != nil {
			t.Fatal(err)
		}
	}
	if pending != 0 {
		t.Fatalf("outbox still holds %d events online", pending)
	}
	r := s.Do(t, "GET", "/api/v1/me/enrollments/"+course, token, nil)
	var en struct {
		QuizResults map[string]struct {
			Kind      string  `json:"kind"`
			BestScore float64 `json:"best_score"`
			Attempts  int     `json:"attempts"`
			Passed    bool    `json:"passed"`
		} `json:"quiz_results"`
	}
	r.JSON(t, &en)
	res, ok := en.QuizResults[resultID]
	if !ok || res.Kind != "tool" {
		t.Fatalf("enrollment has no tool result %s: %s", resultID, r.Body)
	}
	return res.BestScore, res.Passed
}

// The price calculator with the learner's own numbers: a wrong price is
// explained with the working, the right one is accepted, both offline, and
// the server grades the synced answers the same way.
func TestBrowserPracticePrice(t *testing.T) {
	ctx, s, token := practicePhone(t, "pembukuan-sederhana", "pembukuan-sederhana-m2-l2")
	offline(t, ctx)
	err := chromedp.Run(ctx,
		typeIn(`.practice input[name=batch]`, "1.000.000"),
		typeIn(`.practice input[name=units]`, "20"),
		typeIn(`.practice input[name=ship]`, "5000"),
		typeIn(`.practice input[name=margin]`, "20"),
		typeIn(`.practice input[name=fee]`, "10"),
		typeIn(`.practice input[name=fixed]`, "0"),
		typeIn(`.practice input[name=guess]`, "55000"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if text := checkOffline(t, ctx); !strings.Contains(text, "Belum tepat") || !strings.Contains(text, "Rp79.000") {
		t.Fatalf("wrong price should show the working with Rp79.000: %q", text)
	}
	var text string
	if err := chromedp.Run(ctx, typeIn(`.practice input[name=guess]`, "79000"),
		tap(`.practice form button[type=submit]`),
		waitFor(`.practice .practice-result p.ok`),
		textOf(`.practice .practice-result`, &text)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "Tepat") {
		t.Fatalf("right price not accepted: %q", text)
	}
	screenshot(t, ctx, "practice-price")
	if best, passed := syncedScore(t, ctx, s, token, "pembukuan-sederhana", "tool:pembukuan-sederhana-m2-l2/harga-jual"); best != 100 || !passed {
		t.Fatalf("server recorded best %v passed %v", best, passed)
	}
}

// The cash book: one wrong balance is pointed out, the corrected week
// passes, and the server's score agrees.
func TestBrowserPracticeCashbook(t *testing.T) {
	ctx, s, token := practicePhone(t, "pembukuan-sederhana", "pembukuan-sederhana-m1-l3")
	offline(t, ctx)
	// The seeded week: opening 1,500,000, then the lesson's eight receipts.
	balances := []string{"460000", "370000", "870000", "790000", "1390000", "1240000", "1940000", "1540000"}
	var actions chromedp.Tasks
	for i, b := range balances {
		if i == 4 {
			b = "1290000" // a slip: 790,000 + 600,000 is not 1,290,000
		}
		actions = append(actions, typeIn(fmt.Sprintf(`.practice input[name=row%d]`, i), b))
	}
	if err := chromedp.Run(ctx, actions); err != nil {
		t.Fatal(err)
	}
	if text := checkOffline(t, ctx); !strings.Contains(text, "1 baris belum cocok") || !strings.Contains(text, "Nilai: 88") {
		t.Fatalf("one slip should leave 1 row wrong and score 88: %q", text)
	}
	var text string
	if err := chromedp.Run(ctx, typeIn(`.practice input[name=row4]`, "1.390.000"),
		tap(`.practice form button[type=submit]`),
		waitFor(`.practice .practice-result p.ok`),
		textOf(`.practice .practice-result`, &text)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "Semua saldo cocok") {
		t.Fatalf("corrected week not accepted: %q", text)
	}
	screenshot(t, ctx, "practice-cashbook")
	if best, passed := syncedScore(t, ctx, s, token, "pembukuan-sederhana", "tool:pembukuan-sederhana-m1-l3/kas-seminggu"); best != 100 || !passed {
		t.Fatalf("server recorded best %v passed %v", best, passed)
	}
}

// The listing checklist: a shouting title fails most rules, a title and
// description written by the lesson's rules pass, and the server agrees.
func TestBrowserPracticeListing(t *testing.T) {
	ctx, s, token := practicePhone(t, "jualan-online", "jualan-online-m1-l2")
	offline(t, ctx)
	if err := chromedp.Run(ctx, typeIn(`.practice input[name=title]`, "KAIN BAGUS MURAH!!!")); err != nil {
		t.Fatal(err)
	}
	if text := checkOffline(t, ctx); !strings.Contains(text, "Nilai: 10") || !strings.Contains(text, "✗ Judul menyebut asal") {
		t.Fatalf("shouting title should score 10 with the origin rule failed: %q", text)
	}
	var text string
	err := chromedp.Run(ctx,
		typeIn(`.practice input[name=title]`, "Selendang Tenun Ikat NTT Motif Amarasi Pewarna Alam 200x50 cm"),
		typeIn(`.practice textarea[name=desc]`, "Bahan: benang katun, pewarna alam. Ukuran 200 x 50 cm. Cuci tangan dengan air dingin. Dikirim 1-2 hari kerja dari Kupang. Ditenun oleh Ibu Ros di Amarasi."),
		tap(`.practice form button[type=submit]`),
		waitFor(`.practice .practice-result p.ok`),
		textOf(`.practice .practice-result`, &text))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "Nilai: 100") {
		t.Fatalf("a listing by the rules should score 100: %q", text)
	}
	screenshot(t, ctx, "practice-listing")
	if best, passed := syncedScore(t, ctx, s, token, "jualan-online", "tool:jualan-online-m1-l2/judul-produk"); best != 100 || !passed {
		t.Fatalf("server recorded best %v passed %v", best, passed)
	}
}
