package accounts_test

import (
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"lontar"
	"lontar/accounts"
	"lontar/internal/apitest"
	"lontar/internal/mongotest"
)

// stoppedClock freezes the limiter's clock; the returned func moves it on.
func stoppedClock(l *accounts.Limiter) (advance func(time.Duration)) {
	var mu sync.Mutex
	now := time.Now()
	l.SetClock(func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	})
	return func(d time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(d)
	}
}

// retryAfter checks a 429 and returns its Retry-After in seconds.
func retryAfter(t *testing.T, r *apitest.Response) int {
	t.Helper()
	if r.Status != 429 || r.ErrorCode() != "rate_limited" {
		t.Fatalf("want 429 rate_limited, got %d %s", r.Status, r.Body)
	}
	n, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if err != nil || n <= 0 {
		t.Fatalf("Retry-After %q", r.Header.Get("Retry-After"))
	}
	return n
}

func TestLoginLimitPerPhone(t *testing.T) {
	e := newEnv(t)
	e.mustRegister(t, "081234567890")
	e.mustRegister(t, "081300001111")
	advance := stoppedClock(e.limiter)
	for i := range accounts.PhoneFailures {
		if r := e.login(t, "081234567890", "salah-sekali"); r.Status != 401 {
			t.Fatalf("wrong password %d: %d %s", i+1, r.Status, r.Body)
		}
	}
	// The sixth attempt is refused even with the right password, however
	// the number is written.
	for _, phone := range []string{"081234567890", "+6281234567890"} {
		if s := retryAfter(t, e.login(t, phone, password)); s > int(accounts.PhoneWindow/time.Second) {
			t.Fatalf("Retry-After %d s is longer than the window", s)
		}
	}
	// Another number from the same address is not locked.
	e.mustLogin(t, "081300001111", password)

	advance(accounts.PhoneWindow - time.Minute)
	retryAfter(t, e.login(t, "081234567890", password))
	advance(time.Minute + time.Second)
	e.mustLogin(t, "081234567890", password)
}

func TestLoginSuccessResetsFailures(t *testing.T) {
	e := newEnv(t)
	e.mustRegister(t, "081234567890")
	stoppedClock(e.limiter)
	wrong := func(n int) {
		t.Helper()
		for i := range n {
			if r := e.login(t, "081234567890", "salah-sekali"); r.Status != 401 {
				t.Fatalf("wrong password %d of %d: %d %s", i+1, n, r.Status, r.Body)
			}
		}
	}
	wrong(accounts.PhoneFailures - 1)
	e.mustLogin(t, "081234567890", password)
	// Counting starts again: five more wrong passwords before the lock.
	wrong(accounts.PhoneFailures)
	retryAfter(t, e.login(t, "081234567890", password))
}

// Guesses sent all at once must not each pass a check made before any of
// them failed.
func TestConcurrentWrongPasswordsAreLimited(t *testing.T) {
	e := newEnv(t)
	e.mustRegister(t, "081234567890")
	const n = 12
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = e.login(t, "081234567890", "tebakan-"+strconv.Itoa(i)).Status
		}()
	}
	wg.Wait()
	count := map[int]int{}
	for _, s := range statuses {
		count[s]++
	}
	if count[401] > accounts.PhoneFailures || count[401]+count[429] != n {
		t.Fatalf("statuses %v: more than %d passwords were tried", count, accounts.PhoneFailures)
	}
	retryAfter(t, e.login(t, "081234567890", password))
}

func TestAddressLimitLeavesRoomForAWorkshop(t *testing.T) {
	e := newEnv(t)
	ctx := mongotest.Context(t)
	advance := stoppedClock(e.limiter)
	// A few participants of a workshop behind one address, over HTTP:
	// register, mistype, log in.
	phones := []string{"081300000001", "081300000002", "081300000003"}
	for _, p := range phones {
		e.mustRegister(t, p)
		if r := e.login(t, p, "salah-ketik"); r.Status != 401 {
			t.Fatalf("typo: %d", r.Status)
		}
		e.mustLogin(t, p, password)
	}
	// The address those requests came from, as the limiter counted them.
	var windows []struct {
		ID    string `bson:"_id"`
		Count int    `bson:"count"`
	}
	cur, err := e.DB.Collection("rate_limits").Find(ctx, bson.M{})
	if err != nil {
		t.Fatal(err)
	}
	if err := cur.All(ctx, &windows); err != nil {
		t.Fatal(err)
	}
	addr, used := "", 0
	for _, w := range windows {
		if a, ok := strings.CutPrefix(w.ID, "ip:"); ok {
			addr, used = a, w.Count
		}
	}
	if used != 3*len(phones) {
		t.Fatalf("address %q counted %d attempts, want %d (%+v)", addr, used, 3*len(phones), windows)
	}
	// The rest of a 300-person workshop (900 attempts and more) straight
	// through the limiter.
	for i := used; i < accounts.AddressLimit; i++ {
		if err := e.limiter.AllowAddress(ctx, addr); err != nil {
			t.Fatalf("attempt %d from one address limited: %v", i+1, err)
		}
	}
	if accounts.AddressLimit < 3*300 {
		t.Fatalf("the address limit %d is below a workshop's 900 attempts", accounts.AddressLimit)
	}
	err = e.limiter.AllowAddress(ctx, addr)
	var le *lontar.Error
	if !errors.As(err, &le) || le.Code != lontar.ERateLimited || le.RetryAfter <= 0 || le.RetryAfter > int(accounts.AddressWindow/time.Second) {
		t.Fatalf("attempt %d: %v", accounts.AddressLimit+1, err)
	}
	retryAfter(t, e.login(t, phones[0], password))
	retryAfter(t, e.Do(t, "POST", "/api/v1/auth/register", "", registration("081300000009")))
	if err := e.limiter.AllowAddress(ctx, "10.9.8.7"); err != nil {
		t.Fatalf("another address: %v", err)
	}
	// A new window starts counting afresh.
	advance(accounts.AddressWindow + time.Second)
	e.mustLogin(t, phones[0], password)
	for i := range 10 {
		if err := e.limiter.AllowAddress(ctx, addr); err != nil {
			t.Fatalf("attempt %d in the new window: %v", i+2, err)
		}
	}
}

func TestLimiterPhoneWindow(t *testing.T) {
	e := newEnv(t)
	ctx := mongotest.Context(t)
	advance := stoppedClock(e.limiter)
	const phone = "+6281234567890"
	attempts := func(n int) {
		t.Helper()
		for i := range n {
			if err := e.limiter.AttemptPhone(ctx, phone); err != nil {
				t.Fatalf("attempt %d: %v", i+1, err)
			}
		}
	}
	refused := func(retryAfter int) {
		t.Helper()
		var le *lontar.Error
		if err := e.limiter.AttemptPhone(ctx, phone); !errors.As(err, &le) || le.Code != lontar.ERateLimited || le.RetryAfter != retryAfter {
			t.Fatalf("want rate_limited with Retry-After %d, got %v", retryAfter, err)
		}
	}
	window := int(accounts.PhoneWindow / time.Second)
	attempts(accounts.PhoneFailures)
	refused(window)
	if err := e.limiter.AttemptPhone(ctx, "+6281300001111"); err != nil {
		t.Fatalf("another phone: %v", err)
	}
	advance(accounts.PhoneWindow / 2)
	refused(window / 2)
	if err := e.limiter.ResetPhone(ctx, phone); err != nil {
		t.Fatal(err)
	}
	attempts(accounts.PhoneFailures)
	refused(window)
	advance(accounts.PhoneWindow)
	attempts(accounts.PhoneFailures)
	refused(window)
}

// Attempts that arrive together are each counted, in a first window and
// when an expired one is restarted.
func TestLimiterCountsConcurrentAttempts(t *testing.T) {
	e := newEnv(t)
	ctx := mongotest.Context(t)
	advance := stoppedClock(e.limiter)
	const n = 20
	burst := func() {
		var wg sync.WaitGroup
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := e.limiter.AllowAddress(ctx, "10.0.0.1"); err != nil {
					t.Errorf("AllowAddress: %v", err)
				}
			}()
		}
		wg.Wait()
	}
	counted := func() int {
		var w struct {
			Count int `bson:"count"`
		}
		if err := e.DB.Collection("rate_limits").FindOne(ctx, bson.M{"_id": "ip:10.0.0.1"}).Decode(&w); err != nil {
			t.Fatal(err)
		}
		return w.Count
	}
	burst()
	if c := counted(); c != n {
		t.Fatalf("first window counted %d of %d attempts", c, n)
	}
	advance(accounts.AddressWindow + time.Second)
	burst()
	if c := counted(); c != n {
		t.Fatalf("restarted window counted %d of %d attempts", c, n)
	}
}
