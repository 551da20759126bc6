package accounts_test

import (
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"lontar"
	"lontar/internal/mongotest"
)

// A crash between claiming a phone and writing its user leaves a claim
// with no user. Registration, admin creation and import must take it over
// once it is stale, and the number must work again.
func TestRegistrationTakesOverAClaimLeftByACrash(t *testing.T) {
	e := newEnv(t)
	ctx := mongotest.Context(t)
	// What a kill between the two inserts of create leaves behind.
	orphan := func(phone string, at time.Time) {
		t.Helper()
		if _, err := e.DB.Collection("phones").InsertOne(ctx,
			bson.M{"_id": phone, "user_id": "ugone" + phone[3:], "created_at": at}); err != nil {
			t.Fatal(err)
		}
	}
	orphan("+6281299990001", time.Now().Add(-time.Hour))
	s := e.mustRegister(t, "081299990001")
	e.mustLogin(t, "081299990001", password)
	if r := e.Do(t, "POST", "/api/v1/auth/register", "", registration("081299990001")); r.Status != 409 {
		t.Fatalf("a second registration of a taken number: %d %s", r.Status, r.Body)
	}
	var p struct {
		UserID string `bson:"user_id"`
	}
	if err := e.DB.Collection("phones").FindOne(ctx, bson.M{"_id": "+6281299990001"}).Decode(&p); err != nil || p.UserID != s.User.ID {
		t.Fatalf("claim points at %q, want %q (%v)", p.UserID, s.User.ID, err)
	}

	// An admin creating a user on such a number succeeds too.
	orphan("+6281299990002", time.Now().Add(-time.Hour))
	admin := e.Token(t, lontar.Caller{UserID: "uadmin", Role: lontar.RoleAdmin})
	r := e.Do(t, "POST", "/api/v1/users", admin, map[string]any{"phone": "081299990002", "name": "Pak Benyamin",
		"password": password, "role": "trainer", "institution": "Undana"})
	if r.Status != 201 {
		t.Fatalf("admin create on an orphaned claim: %d %s", r.Status, r.Body)
	}

	// A claim younger than the grace may still be a registration in
	// flight: it is not taken.
	orphan("+6281299990003", time.Now())
	if r := e.Do(t, "POST", "/api/v1/auth/register", "", registration("081299990003")); r.Status != 409 {
		t.Fatalf("a fresh claim was taken over: %d %s", r.Status, r.Body)
	}
}
