package accounts_test

import (
	"errors"
	"fmt"
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

// wrongLogins sends n wrong passwords over HTTP, moving the clock past
// each delay, and expects each to be a 401.
func wrongLogins(t *testing.T, e *testEnv, advance func(time.Duration), phone string, from, n int) {
	t.Helper()
	for i := from; i < from+n; i++ {
		advance(accounts.LoginDelay(i))
		if r := e.login(t, phone, "salah-sekali"); r.Status != 401 {
			t.Fatalf("wrong password %d: %d %s", i+1, r.Status, r.Body)
		}
	}
}

func TestLoginDelayGrowsThenLocks(t *testing.T) {
	e := newEnv(t)
	e.mustRegister(t, "081234567890")
	e.mustRegister(t, "081300001111")
	advance := stoppedClock(e.limiter)
	// The first failures cost nothing.
	for i := range accounts.FreeFailures {
		if r := e.login(t, "081234567890", "salah-sekali"); r.Status != 401 {
			t.Fatalf("wrong password %d: %d %s", i+1, r.Status, r.Body)
		}
	}
	// Then each attempt waits, longer every time, even with the right
	// password and however the number is written.
	last := 0
	for n := accounts.FreeFailures; n < accounts.PairLockFailures; n++ {
		wait := retryAfter(t, e.login(t, "+6281234567890", password))
		if want := int(accounts.LoginDelay(n) / time.Second); wait != want || wait <= last {
			t.Fatalf("after %d failures: Retry-After %d, want %d (growing)", n, wait, want)
		}
		last = wait
		// A refused attempt does not count or restart the wait.
		advance(accounts.LoginDelay(n) - time.Second)
		if w := retryAfter(t, e.login(t, "081234567890", password)); w != 1 {
			t.Fatalf("a second before the wait ends: Retry-After %d", w)
		}
		advance(time.Second)
		if r := e.login(t, "081234567890", "salah-sekali"); r.Status != 401 {
			t.Fatalf("after waiting: %d %s", r.Status, r.Body)
		}
	}
	// Locked until the window ends, however long one waits within it.
	advance(accounts.MaxDelay)
	wait := retryAfter(t, e.login(t, "081234567890", password))
	if wait > int(accounts.PairWindow/time.Second) || wait <= int(accounts.MaxDelay/time.Second) {
		t.Fatalf("Retry-After %d s: want the rest of the %v window", wait, accounts.PairWindow)
	}
	// Another number from the same address is not affected.
	e.mustLogin(t, "081300001111", password)
	advance(time.Duration(wait) * time.Second)
	e.mustLogin(t, "081234567890", password)
}

func TestLoginSuccessResetsFailures(t *testing.T) {
	e := newEnv(t)
	e.mustRegister(t, "081234567890")
	advance := stoppedClock(e.limiter)
	wrongLogins(t, e, advance, "081234567890", 0, accounts.FreeFailures+2)
	advance(accounts.LoginDelay(accounts.FreeFailures + 2))
	e.mustLogin(t, "081234567890", password)
	// Counting starts again: the free failures are free again.
	for i := range accounts.FreeFailures {
		if r := e.login(t, "081234567890", "salah-sekali"); r.Status != 401 {
			t.Fatalf("wrong password %d after a login: %d %s", i+1, r.Status, r.Body)
		}
	}
	retryAfter(t, e.login(t, "081234567890", password))
}

// Guesses sent all at once must not each pass a check made before any of
// them failed.
func TestConcurrentWrongPasswordsAreLimited(t *testing.T) {
	e := newEnv(t)
	e.mustRegister(t, "081234567890")
	stoppedClock(e.limiter)
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
	if count[401] > accounts.FreeFailures+1 || count[401]+count[429] != n {
		t.Fatalf("statuses %v: more than %d passwords were tried at once", count, accounts.FreeFailures+1)
	}
	retryAfter(t, e.login(t, "081234567890", password))
}

// Someone who knows the owner's number cannot lock the owner out: guesses
// from other addresses lock only those addresses, and the ceiling across
// addresses spares the address the owner logs in from.
func TestOwnerStillGetsInWhileOthersGuess(t *testing.T) {
	e := newEnv(t)
	ctx := mongotest.Context(t)
	e.mustRegister(t, "081234567890")
	advance := stoppedClock(e.limiter)
	e.mustLogin(t, "081234567890", password) // the owner's phone, over HTTP
	const phone = "+6281234567890"
	guess := func(ip string) error { return e.limiter.CheckLogin(ctx, phone, ip) }

	// An attacker hammering from one address locks only that address.
	for i := range accounts.PairLockFailures {
		advance(accounts.LoginDelay(i))
		if err := guess("10.6.6.6"); err != nil {
			t.Fatalf("guess %d: %v", i+1, err)
		}
	}
	if err := guess("10.6.6.6"); lontar.ErrorCode(err) != lontar.ERateLimited {
		t.Fatalf("the attacker's address after %d failures: %v", accounts.PairLockFailures, err)
	}
	e.mustLogin(t, "081234567890", password)

	// Spread over many addresses, guesses reach the phone's ceiling; then
	// unknown addresses are refused, the owner's is not.
	for i := 0; i < accounts.PhoneCeiling-accounts.PairLockFailures; i++ {
		if err := guess(fmt.Sprintf("10.7.%d.%d", i/200, i%200)); err != nil {
			t.Fatalf("guess from address %d: %v", i, err)
		}
	}
	if err := guess("10.8.0.1"); lontar.ErrorCode(err) != lontar.ERateLimited {
		t.Fatalf("a new address past the ceiling: %v", err)
	}
	e.mustLogin(t, "081234567890", password)
	// The owner mistyping is still only slowed, then gets in.
	wrongLogins(t, e, advance, "081234567890", 0, accounts.FreeFailures+1)
	advance(accounts.LoginDelay(accounts.FreeFailures + 1))
	e.mustLogin(t, "081234567890", password)
	// The ceiling ends with its window.
	advance(accounts.PhoneWindow)
	if err := guess("10.8.0.1"); err != nil {
		t.Fatalf("a new address in a new window: %v", err)
	}
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
