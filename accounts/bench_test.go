package accounts_test

import (
	"slices"
	"sync"
	"testing"
	"time"

	"lontar"
	"lontar/accounts"
)

// benchP50 runs op b.N times and reports the median latency next to the
// mean that ns/op is.
func benchP50(b *testing.B, op func()) {
	b.ReportAllocs()
	var d []time.Duration
	for b.Loop() {
		start := time.Now()
		op()
		d = append(d, time.Since(start))
	}
	slices.Sort(d)
	b.ReportMetric(float64(d[len(d)/2].Nanoseconds()), "p50-ns")
}

// send makes one request through the app, as a client would.
func send(b *testing.B, e *testEnv, method, path, token, body string) int {
	var payload any
	if body != "" {
		payload = body
	}
	return e.Do(b, method, path, token, payload).Status
}

func BenchmarkLogin(b *testing.B) {
	e := newEnv(b)
	e.mustRegister(b, "081234567890")
	// The per-address window would stop a long run after 1,200 logins:
	// move the limiter's clock a window on every 1,000.
	var mu sync.Mutex
	var shift time.Duration
	e.limiter.SetClock(func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return time.Now().Add(shift)
	})
	body := `{"phone":"0812 3456 7890","password":"` + password + `"}`
	i := 0
	benchP50(b, func() {
		if i++; i%1000 == 0 {
			mu.Lock()
			shift += accounts.AddressWindow
			mu.Unlock()
		}
		if st := send(b, e, "POST", "/api/v1/auth/login", "", body); st != 200 {
			b.Fatalf("login: %d", st)
		}
	})
}

func BenchmarkMe(b *testing.B) {
	e := newEnv(b)
	tok := e.mustRegister(b, "081234567890").AccessToken
	benchP50(b, func() {
		if st := send(b, e, "GET", "/api/v1/me", tok, ""); st != 200 {
			b.Fatalf("me: %d", st)
		}
	})
}

// BenchmarkVerify is the token check every authenticated request pays:
// an HS256 signature and the claims, no store.
func BenchmarkVerify(b *testing.B) {
	tokens := accounts.NewTokens([]byte("0123456789abcdef0123456789abcdef"))
	tok, _, err := tokens.Issue(lontar.Caller{UserID: "u1", Name: "Maria", Role: lontar.RoleLearner})
	if err != nil {
		b.Fatal(err)
	}
	benchP50(b, func() {
		if _, err := tokens.Verify(tok); err != nil {
			b.Fatal(err)
		}
	})
}
