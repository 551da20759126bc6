package main

import (
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// BenchmarkSlow3GLoad opens the app cold (no HTTP cache, no service
// worker) in Chromium on an emulated slow 3G link, 400 ms round trip and
// 400 kbit/s each way, and reports when the load event fired and when the
// first screen showed its courses. The target is a load event within
// 1.5 s. Run: go test -run '^$' -bench Slow3G ./server/
func BenchmarkSlow3GLoad(b *testing.B) {
	ctx := browser(b)
	srv := startServer(b, nil).URL
	const kbit = 1000.0 / 8 // bytes per second in one kbit/s
	err := chromedp.Run(ctx,
		network.Enable(),
		network.SetCacheDisabled(true),
		network.SetBypassServiceWorker(true),
		network.EmulateNetworkConditions(false, 400, 400*kbit, 400*kbit),
	)
	if err != nil {
		b.Fatal(err)
	}
	var load, screen float64
	for b.Loop() {
		err := chromedp.Run(ctx,
			network.ClearBrowserCache(),
			chromedp.Navigate(srv+"/"),
			chromedp.WaitVisible(`.cards .card`, chromedp.ByQuery),
			chromedp.Evaluate(`performance.getEntriesByType('navigation')[0].loadEventEnd`, &load),
			chromedp.Evaluate(`performance.now()`, &screen),
		)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(load, "ms-load-event")
	b.ReportMetric(screen, "ms-courses-shown")
}

// BenchmarkLessonStep measures a step from one lesson to the next on a
// slow phone (CPU throttled 4×, slow 3G): the time from the tap until
// the next lesson's title shows. The course is in memory by then, so the
// step makes no request. Target: 300 ms.
func BenchmarkLessonStep(b *testing.B) {
	ctx := browser(b)
	srv := startServer(b, nil).URL
	const kbit = 1000.0 / 8
	err := chromedp.Run(ctx,
		network.Enable(),
		network.EmulateNetworkConditions(false, 400, 400*kbit, 400*kbit),
		emulation.SetCPUThrottlingRate(4),
		chromedp.Navigate(srv+"/kursus/pembukuan-sederhana/pembukuan-sederhana-m1-l1"),
		chromedp.WaitVisible(`.actions a.btn`, chromedp.ByQuery),
	)
	if err != nil {
		b.Fatal(err)
	}
	var ms float64
	for b.Loop() {
		err := chromedp.Run(ctx,
			chromedp.Evaluate(`new Promise((done, fail) => {
				const before = location.pathname, t0 = performance.now();
				const next = [...document.querySelectorAll('.actions a.btn')].find((a) => a.href.includes('/kursus/'));
				setTimeout(() => fail(new Error('no next lesson within 10 s')), 10000);
				next.click();
				const wait = () => location.pathname !== before && document.querySelector('article.lesson p') ? done(performance.now() - t0) : requestAnimationFrame(wait);
				wait();
			})`, &ms, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }),
			chromedp.Evaluate(`history.back()`, nil),
			chromedp.WaitVisible(`.actions a.btn`, chromedp.ByQuery),
		)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(ms, "ms-step")
}
