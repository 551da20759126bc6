package main

import (
	"testing"

	"github.com/chromedp/cdproto/network"
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
