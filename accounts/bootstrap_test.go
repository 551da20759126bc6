package accounts_test

import (
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"lontar/internal/mongotest"
)

func TestBootstrapAdmin(t *testing.T) {
	e := newEnv(t)
	ctx := mongotest.Context(t)
	for i := range 2 {
		if err := e.store.EnsureBootstrapAdmin(ctx, "0813 0000 0001", "admin-lontar-kupang"); err != nil {
			t.Fatalf("call %d: %v", i+1, err)
		}
	}
	if n, err := e.DB.Collection("users").CountDocuments(ctx, bson.M{"role": "admin"}); err != nil || n != 1 {
		t.Fatalf("%d admins (%v)", n, err)
	}
	s := e.mustLogin(t, "081300000001", "admin-lontar-kupang")
	if s.User.Role != "admin" {
		t.Fatalf("bootstrap admin: %+v", s.User)
	}

	learner := e.mustRegister(t, "081300000009")
	for _, tt := range []struct{ name, phone, password string }{
		{"a learner's phone", "081300000009", "admin-lontar-kupang"},
		{"a landline", "0380 821234", "admin-lontar-kupang"},
		{"a short password", "081300000008", "admin"},
	} {
		if err := e.store.EnsureBootstrapAdmin(ctx, tt.phone, tt.password); err == nil {
			t.Errorf("%s: accepted", tt.name)
		}
	}
	// The learner stays a learner with their own password.
	if st := e.stored(t, learner.User.ID); st.Role != "learner" {
		t.Fatalf("learner became %s", st.Role)
	}
	e.mustLogin(t, "081300000009", password)
	if r := e.login(t, "081300000009", "admin-lontar-kupang"); r.Status != 401 {
		t.Fatalf("the admin password opens the learner's account: %d", r.Status)
	}
}

// Several instances starting at once all come up with one admin.
func TestConcurrentBootstrapAdmin(t *testing.T) {
	e := newEnv(t)
	ctx := mongotest.Context(t)
	errs := make([]error, 3)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = e.store.EnsureBootstrapAdmin(ctx, "081300000001", "admin-lontar-kupang")
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("instance %d: %v", i+1, err)
		}
	}
	if n := e.count(t, "users"); n != 1 {
		t.Fatalf("%d users", n)
	}
}
