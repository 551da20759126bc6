package main

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// speechStub replaces the browser's speech synthesis, and only that: the
// app's own code runs unchanged. It records what is spoken and lets the
// test end an utterance; localStorage "stub.novoice" leaves no voice.
const speechStub = `(() => {
  const spoken = []; let current = null;
  window.__spoken = spoken;
  window.__finish = () => { const u = current; current = null; u && u.onend && u.onend(); };
  window.SpeechSynthesisUtterance = class { constructor(text) { this.text = text; this.lang = ''; } };
  const voices = () => localStorage.getItem('stub.novoice') ? [] : [{ name: 'Damayanti', lang: 'id-ID', voiceURI: 'id', localService: true, default: true }];
  const synth = {
    speaking: false, paused: false,
    getVoices: voices,
    speak(u) { spoken.push(u.text); current = u; this.speaking = true; },
    pause() { this.paused = true; }, resume() { this.paused = false; },
    cancel() { current = null; this.speaking = false; this.paused = false; },
    addEventListener() {}, removeEventListener() {},
  };
  Object.defineProperty(window, 'speechSynthesis', { value: synth, configurable: true });
})();`

// A learner who reads little has a lesson read aloud sentence by sentence
// with the sentence highlighted, pauses and resumes it, and is told
// plainly when the phone has no voice.
func TestBrowserReadAloud(t *testing.T) {
	ctx := browser(t)
	srv := startServer(t, nil)
	must := steps(t, ctx)
	must("stub speech", chromedp.ActionFunc(func(ctx context.Context) error {
		_, err := page.AddScriptToEvaluateOnNewDocument(speechStub).Do(ctx)
		return err
	}))

	var spoken []string
	var first, highlighted, label string
	var paused bool
	must("open a lesson and read it",
		chromedp.Navigate(srv.URL+"/kursus/jualan-online/jualan-online-m1-l1"),
		visible(`article.lesson p`),
		visible(`.speak button.speak-btn`),
		eval(`document.querySelector('article.lesson').querySelector('h1,h2,h3,p,li').textContent.trim()`, &first),
		click(`.speak button.speak-btn`),
		eval(`window.__spoken`, &spoken),
		eval(`(CSS.highlights && CSS.highlights.has('reading') ? CSS.highlights.get('reading').values().next().value.toString() : '') || document.querySelector('.reading')?.textContent || ''`, &highlighted),
	)
	if len(spoken) != 1 || !strings.HasPrefix(first, spoken[0]) {
		t.Fatalf("spoken %q, want the first sentence of %q", spoken, first)
	}
	if highlighted != spoken[0] {
		t.Fatalf("highlighted %q while reading %q", highlighted, spoken[0])
	}
	screenshot(t, ctx, "reading")

	must("pause",
		click(`.speak button.speak-btn`),
		eval(`speechSynthesis.paused`, &paused),
		chromedp.Text(`.speak button.speak-btn`, &label, chromedp.ByQuery),
	)
	if !paused || !strings.Contains(label, "Lanjutkan") {
		t.Fatalf("after pause: paused %v, button %q", paused, label)
	}
	must("resume and go on to the next sentence",
		click(`.speak button.speak-btn`),
		eval(`speechSynthesis.paused`, &paused),
		eval(`window.__finish(), window.__spoken`, &spoken),
		eval(`(CSS.highlights && CSS.highlights.has('reading') ? CSS.highlights.get('reading').values().next().value.toString() : '') || ''`, &highlighted),
	)
	if paused || len(spoken) != 2 || highlighted != spoken[1] {
		t.Fatalf("after resume: paused %v, spoken %q, highlighted %q", paused, spoken, highlighted)
	}
	var state string
	must("stop", clickText("Berhenti"), eval(`document.querySelector('.speak').dataset.state`, &state))
	if state != "idle" {
		t.Fatalf("state after stop = %q", state)
	}

	var note string
	must("a phone with no voice",
		eval(`localStorage.setItem('stub.novoice', '1'), true`, nil),
		chromedp.Reload(),
		visible(`.speak button.speak-btn`),
		click(`.speak button.speak-btn`),
		chromedp.WaitVisible(`.speak .hint:not(:empty)`, chromedp.ByQuery),
		chromedp.Text(`.speak .hint`, &note, chromedp.ByQuery),
	)
	if !strings.Contains(note, "Bahasa Indonesia") {
		t.Fatalf("no-voice message = %q", note)
	}
}
