package accounts_test

import (
	"encoding/json"
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

// Names are trimmed, normalized and free of control and invisible
// characters, on every path that stores one.
func TestNamesAreCleaned(t *testing.T) {
	e := newEnv(t)
	bad := map[string]string{
		"only zero-width":        "\u200b\u200b\u200b",
		"NUL":                    "Ina\u0000Ndun",
		"control character":      "Ina\u0007Ndun",
		"newline":                "Ina\nNdun",
		"right-to-left override": "\u202eInaNdun",
	}
	for name, v := range bad {
		r := e.Do(t, "POST", "/api/v1/auth/register", "", registrationWith("081277770001", map[string]any{"name": v}))
		if b := decodeError(t, r); r.Status != 422 || b.Error.Fields["name"] == "" {
			t.Errorf("register, %s: %d %s", name, r.Status, r.Body)
		}
		r = e.Do(t, "POST", "/api/v1/auth/register", "", registrationWith("081277770001", map[string]any{"profile.business_name": "Tenun" + v}))
		if b := decodeError(t, r); r.Status != 422 || b.Error.Fields["profile.business_name"] == "" {
			t.Errorf("register business name, %s: %d %s", name, r.Status, r.Body)
		}
	}
	if n := e.count(t, "users"); n != 0 {
		t.Fatalf("%d users stored from bad names", n)
	}
	r := e.Do(t, "POST", "/api/v1/auth/register", "", registrationWith("081277770001", map[string]any{"name": "  Jose\u0301   Bria "}))
	if r.Status != 201 {
		t.Fatalf("register: %d %s", r.Status, r.Body)
	}
	var s sessionBody
	r.JSON(t, &s)
	if s.User.Name != "Jos\u00e9 Bria" {
		t.Fatalf("name stored as %q", s.User.Name)
	}
	for name, v := range bad {
		body, _ := json.Marshal(map[string]string{"name": v})
		r := e.Do(t, "PATCH", "/api/v1/me", s.AccessToken, body)
		if b := decodeError(t, r); r.Status != 422 || b.Error.Fields["name"] == "" {
			t.Errorf("PATCH /me, %s: %d %s", name, r.Status, r.Body)
		}
	}
	// A name that is not valid UTF-8 is refused, not stored as U+FFFD.
	r = e.Do(t, "PATCH", "/api/v1/me", s.AccessToken, []byte("{\"name\":\"Yuli \xff\xfe\"}"))
	if r.Status != 400 {
		t.Errorf("invalid UTF-8: %d %s", r.Status, r.Body)
	}
	if u := e.stored(t, s.User.ID); u.Name != "Jos\u00e9 Bria" {
		t.Fatalf("stored name changed to %q", u.Name)
	}
	admin := e.Token(t, lontar.Caller{UserID: "uadmin", Role: lontar.RoleAdmin})
	r = e.Do(t, "POST", "/api/v1/users", admin, map[string]any{"phone": "081277770002", "name": "Pak Beni",
		"password": password, "role": "trainer", "institution": "Undana\u202e"})
	if b := decodeError(t, r); r.Status != 422 || b.Error.Fields["institution"] == "" {
		t.Errorf("admin create with a bad institution: %d %s", r.Status, r.Body)
	}
}

func TestEnsureParticipantsInBulk(t *testing.T) {
	e := newEnv(t)
	ctx := mongotest.Context(t)
	self := e.mustRegister(t, "081200000002")
	admin := e.Token(t, lontar.Caller{UserID: "uadmin", Role: lontar.RoleAdmin})
	if r := e.Do(t, "POST", "/api/v1/users", admin, map[string]any{"phone": "081200000003", "name": "Pak Beni",
		"password": password, "role": "trainer", "institution": "Undana"}); r.Status != 201 {
		t.Fatalf("trainer: %d %s", r.Status, r.Body)
	}
	// A claim a crash left without its user, an hour ago.
	if _, err := e.DB.Collection("phones").InsertOne(ctx, bson.M{"_id": "+6281200000004", "user_id": "ugone", "created_at": time.Now().Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	people := []lontar.Person{
		{Phone: "0812 0000 0001", Name: "Maria Bria"},
		{Phone: "+6281200000002", Name: "Nama dari CSV"},
		{Phone: "081200000003", Name: "Staf"},
		{Phone: "081200000004", Name: "Yakobus Lay"},
		{Phone: "0380 821234", Name: "Kantor"},
	}
	out := e.store.EnsureParticipants(ctx, people, "cohort:c1")
	if !out[0].Created || out[0].ActivationCode == "" || out[0].Role != lontar.RoleLearner || out[0].Err != nil {
		t.Errorf("new phone: %+v", out[0])
	}
	if out[1].Created || out[1].UserID != self.User.ID || out[1].ActivationCode != "" {
		t.Errorf("registered learner: %+v", out[1])
	}
	if out[2].Created || out[2].Role != lontar.RoleTrainer {
		t.Errorf("staff: %+v", out[2])
	}
	if !out[3].Created || out[3].Err != nil {
		t.Errorf("phone with a stale claim: %+v", out[3])
	}
	if lontar.ErrorCode(out[4].Err) != lontar.EInvalid {
		t.Errorf("landline: %+v", out[4])
	}
	// The existing account is untouched by what the CSV said.
	if u := e.stored(t, self.User.ID); u.Name != "Yuliana Ndun" {
		t.Errorf("existing account renamed to %q", u.Name)
	}
	// Everyone created can activate; again is idempotent.
	for _, i := range []int{0, 3} {
		r := e.Do(t, "POST", "/api/v1/auth/activate", "", map[string]string{"phone": people[i].Phone, "code": out[i].ActivationCode, "password": "ikat-amarasi-1"})
		if r.Status != 200 {
			t.Errorf("activate %s: %d %s", people[i].Phone, r.Status, r.Body)
		}
	}
	again := e.store.EnsureParticipants(ctx, people[:4], "cohort:c2")
	for i, p := range again {
		if p.Created || p.UserID != out[i].UserID || !p.Activated {
			t.Errorf("second time, %d: %+v", i, p)
		}
	}
	if again[0].Origin != "cohort:c1" || again[1].Origin != "" {
		t.Errorf("origins: %q %q", again[0].Origin, again[1].Origin)
	}
	if n, m := e.count(t, "users"), e.count(t, "phones"); n != 4 || m != 4 {
		t.Fatalf("%d users, %d phones", n, m)
	}
}
