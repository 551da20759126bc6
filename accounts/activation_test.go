package accounts_test

import (
	"fmt"
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

func TestActivation(t *testing.T) {
	e := newEnv(t)
	ctx := mongotest.Context(t)
	p := lontar.Person{Phone: "0813 1111 2222", Name: "Ina Bara", Profile: lontar.Profile{Sector: "tenun", Region: "5371040"}}
	id, code, created, err := e.store.EnsureParticipant(ctx, p)
	if err != nil || !created || id == "" || len(code) != 8 {
		t.Fatalf("participant: %q %q %v %v", id, code, created, err)
	}
	if strings.ContainsAny(code, "01OIL") {
		t.Errorf("code %s has characters that read alike", code)
	}
	for range 2 {
		id2, code2, created2, err := e.store.EnsureParticipant(ctx, lontar.Person{Phone: "+6281311112222", Name: "Ina B."})
		if err != nil || id2 != id || code2 != "" || created2 {
			t.Fatalf("again: %q %q %v %v", id2, code2, created2, err)
		}
	}
	if n := e.count(t, "users"); n != 1 {
		t.Fatalf("%d users", n)
	}
	if _, _, _, err := e.store.EnsureParticipant(ctx, lontar.Person{Phone: "0380 821234", Name: "Kantor"}); lontar.ErrorCode(err) != lontar.EInvalid {
		t.Fatalf("landline participant: %v", err)
	}
	// A learner who registered alone is enrolled as they are.
	self := e.mustRegister(t, "081355556666")
	if id3, code3, created3, err := e.store.EnsureParticipant(ctx, lontar.Person{Phone: "081355556666", Name: "X"}); err != nil || id3 != self.User.ID || code3 != "" || created3 {
		t.Fatalf("registered learner: %q %q %v %v", id3, code3, created3, err)
	}

	// No password yet: logging in fails like any wrong password.
	if r := e.login(t, "081311112222", "apa-saja-123"); r.Status != 401 {
		t.Fatalf("login before activation: %d", r.Status)
	}
	activate := func(phone, c, pw string) *apitest.Response {
		return e.Do(t, "POST", "/api/v1/auth/activate", "", map[string]string{"phone": phone, "code": c, "password": pw})
	}
	for _, tt := range []struct {
		name, phone, code, password string
		status                      int
	}{
		{"wrong code", "081311112222", "WRONG123", "ikat-amarasi-1", 401},
		{"unknown phone", "081399990000", code, "ikat-amarasi-1", 401},
		{"a learner without a code", "081355556666", code, "ikat-amarasi-1", 401},
		{"short new password", "081311112222", code, "pendek", 422},
		{"no code", "081311112222", "", "ikat-amarasi-1", 422},
	} {
		if r := activate(tt.phone, tt.code, tt.password); r.Status != tt.status {
			t.Errorf("%s: %d %s", tt.name, r.Status, r.Body)
		}
	}
	// The right code, typed in lower case with a dash and the phone written
	// another way, sets the password and logs in.
	r := activate("+62 813-1111-2222", strings.ToLower(code[:4])+"-"+code[4:], "ikat-amarasi-1")
	var s sessionBody
	r.JSON(t, &s)
	if r.Status != 200 || s.User == nil || s.User.ID != id || s.AccessToken == "" || s.RefreshToken == "" {
		t.Fatalf("activate: %d %s", r.Status, r.Body)
	}
	noSecrets(t, r.Body)
	if me := e.Do(t, "GET", "/api/v1/me", s.AccessToken, nil); me.Status != 200 {
		t.Fatalf("me after activation: %d", me.Status)
	}
	e.mustLogin(t, "081311112222", "ikat-amarasi-1")
	if r := activate("081311112222", code, "another-password"); r.Status != 401 {
		t.Fatalf("the code used twice: %d", r.Status)
	}
	e.mustLogin(t, "081311112222", "ikat-amarasi-1")

	// Five wrong codes burn the code.
	id4, code4, _, err := e.store.EnsureParticipant(ctx, lontar.Person{Phone: "081322223333", Name: "Lena Ndun"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range accounts.MaxActivationTries {
		if r := activate("081322223333", fmt.Sprintf("AAAAAAA%d", i+2), "ikat-amarasi-1"); r.Status != 401 {
			t.Fatalf("wrong code %d: %d", i+1, r.Status)
		}
	}
	if st := e.stored(t, id4); st.Activation == nil || st.Activation.Tries != accounts.MaxActivationTries {
		t.Fatalf("tries stored: %+v", st.Activation)
	}
	if r := activate("081322223333", code4, "ikat-amarasi-1"); r.Status != 401 {
		t.Fatalf("the right code after %d wrong ones: %d", accounts.MaxActivationTries, r.Status)
	}

	// An expired code does not work either.
	_, code5, _, err := e.store.EnsureParticipant(ctx, lontar.Person{Phone: "081344445555", Name: "Maria"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.DB.Collection("users").UpdateOne(ctx, bson.M{"phone": "+6281344445555"},
		bson.M{"$set": bson.M{"activation.expires_at": time.Now().Add(-time.Minute)}}); err != nil {
		t.Fatal(err)
	}
	if r := activate("081344445555", code5, "ikat-amarasi-1"); r.Status != 401 {
		t.Fatalf("expired code: %d", r.Status)
	}
}

// A roster uploaded twice at once makes one account with one code.
func TestConcurrentEnsureParticipant(t *testing.T) {
	e := newEnv(t)
	ctx := mongotest.Context(t)
	type result struct {
		id, code string
		created  bool
		err      error
	}
	results := make([]result, 6)
	var wg sync.WaitGroup
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var r result
			r.id, r.code, r.created, r.err = e.store.EnsureParticipant(ctx, lontar.Person{Phone: "081311112222", Name: "Ina Bara"})
			results[i] = r
		}()
	}
	wg.Wait()
	created := 0
	for _, r := range results {
		if r.err != nil || r.id != results[0].id {
			t.Fatalf("results %+v", results)
		}
		if r.created {
			created++
			if r.code == "" {
				t.Fatalf("created without a code: %+v", r)
			}
		} else if r.code != "" {
			t.Fatalf("a code for an existing account: %+v", r)
		}
	}
	if created != 1 || e.count(t, "users") != 1 || e.count(t, "phones") != 1 {
		t.Fatalf("%d created, %d users, %d phones", created, e.count(t, "users"), e.count(t, "phones"))
	}
}

// Wrong codes sent all at once are refused once MaxActivationTries have
// been tried, not each compared.
func TestConcurrentWrongActivationCodes(t *testing.T) {
	e := newEnv(t)
	id, _, _, err := e.store.EnsureParticipant(mongotest.Context(t), lontar.Person{Phone: "081311112222", Name: "Ina Bara"})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e.Do(t, "POST", "/api/v1/auth/activate", "", map[string]string{"phone": "081311112222", "code": fmt.Sprintf("WRONG%03d", i), "password": "ikat-amarasi-1"})
		}()
	}
	wg.Wait()
	if st := e.stored(t, id); st.Activation == nil || st.Activation.Tries > accounts.MaxActivationTries {
		t.Fatalf("%+v codes were tried", st.Activation)
	}
}
