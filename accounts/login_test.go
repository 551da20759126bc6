package accounts_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"lontar/accounts"
)

func TestLogin(t *testing.T) {
	e := newEnv(t)
	reg := e.mustRegister(t, "081234567890")
	const wrongID, wrongEN = "Nomor HP atau kata sandi salah.", "Wrong phone number or password."
	for _, tt := range []struct {
		name, phone, password, lang string
		status                      int
		message                     string
	}{
		{"right password", "081234567890", password, "", 200, ""},
		{"right password, phone written another way", "+62 812 3456 7890", password, "", 200, ""},
		{"wrong password", "081234567890", "tenun-amarasi!", "", 401, wrongID},
		{"unknown phone", "081399998888", password, "", 401, wrongID},
		{"not a phone number", "halo", password, "", 401, wrongID},
		{"wrong password in English", "081234567890", "TENUN-AMARASI", "en", 401, wrongEN},
		{"unknown phone in English", "081399998888", password, "en", 401, wrongEN},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := e.login(t, tt.phone, tt.password, "Accept-Language: "+tt.lang)
			if r.Status != tt.status {
				t.Fatalf("got %d %s", r.Status, r.Body)
			}
			if tt.status != 200 {
				if b := decodeError(t, r); b.Error.Code != "unauthenticated" || b.Error.Message != tt.message || len(b.Error.Fields) != 0 {
					t.Fatalf("body %s", r.Body)
				}
				return
			}
			noSecrets(t, r.Body)
			var s sessionBody
			r.JSON(t, &s)
			if s.User == nil || s.User.ID != reg.User.ID || s.AccessToken == "" || s.RefreshToken == "" {
				t.Fatalf("session %s", r.Body)
			}
		})
	}
	// A wrong password and an unknown phone are told apart by nothing.
	wrong, unknown := e.login(t, "081234567890", "salah-sekali"), e.login(t, "081377776666", "salah-sekali")
	if !bytes.Equal(wrong.Body, unknown.Body) {
		t.Errorf("wrong password %s, unknown phone %s", wrong.Body, unknown.Body)
	}
	for _, tt := range []struct {
		name, body string
		status     int
	}{
		{"malformed JSON", `{"phone"`, 400},
		{"no password", `{"phone":"081234567890"}`, 422},
	} {
		if r := e.Do(t, "POST", "/api/v1/auth/login", "", tt.body); r.Status != tt.status {
			t.Errorf("%s: %d %s", tt.name, r.Status, r.Body)
		}
	}
}

// An unknown phone must cost a hash too, or the time of the answer tells
// which numbers have accounts. The floor is one password hash measured
// here: a login for an unknown phone can never be faster than the hash it
// must make, whatever else the machine is doing, while skipping the hash
// would make it about a hundred times faster.
func TestUnknownPhoneCostsAHash(t *testing.T) {
	e := newEnv(t)
	h := accounts.NewHasher()
	phc, err := h.Hash(context.Background(), "belajar-di-lontar")
	if err != nil {
		t.Fatal(err)
	}
	fastest := func(f func()) time.Duration {
		best := time.Hour
		for range 3 {
			start := time.Now()
			f()
			best = min(best, time.Since(start))
		}
		return best
	}
	hash := fastest(func() { _, _ = h.Verify(context.Background(), phc, "salah-sekali") })
	unknown := fastest(func() {
		if r := e.login(t, "081399990000", "salah-sekali"); r.Status != 401 {
			t.Fatalf("unknown phone: %d", r.Status)
		}
	})
	if unknown < hash/3 {
		t.Fatalf("an unknown phone takes %v, one password hash %v", unknown, hash)
	}
}
