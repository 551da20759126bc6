package accounts_test

import (
	"slices"
	"testing"
	"time"
)

// benchP50 runs op b.N times and reports the median latency as well.
func benchP50(b *testing.B, op func()) {
	var d []time.Duration
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		op()
		d = append(d, time.Since(start))
	}
	slices.Sort(d)
	b.ReportMetric(float64(d[len(d)/2].Microseconds()), "p50-µs")
}

func BenchmarkLogin(b *testing.B) {
	e := newBenchEnv(b)
	e.login(b)
	// Every call moves the limiter's clock a minute on, so the per-address
	// window keeps rolling over: it would stop a long benchmark, not a workshop.
	calls := 0
	e.limiter.SetClock(func() time.Time { calls++; return time.Now().Add(time.Duration(calls) * time.Minute) })
	body := map[string]string{"phone": "081234567890", "password": "tenun-amarasi"}
	benchP50(b, func() {
		if r := e.Do(b, "POST", "/api/v1/auth/login", "", body); r.Status != 200 {
			b.Fatalf("%d %s", r.Status, r.Body)
		}
	})
}

func BenchmarkMe(b *testing.B) {
	e := newBenchEnv(b)
	tok := e.login(b)
	benchP50(b, func() {
		if r := e.Do(b, "GET", "/api/v1/me", tok, nil); r.Status != 200 {
			b.Fatalf("%d %s", r.Status, r.Body)
		}
	})
}
