package accounts_test

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"lontar"
	"lontar/accounts"
	"lontar/httpapi"
	"lontar/internal/apitest"
	"lontar/internal/mongotest"
)

// deadDB is a database whose server does not answer: every operation
// fails after a short wait, as in an outage.
func deadDB(t *testing.T) *mongo.Database {
	t.Helper()
	c, err := mongo.Connect(options.Client().ApplyURI("mongodb://127.0.0.1:1/").
		SetServerSelectionTimeout(200 * time.Millisecond).SetConnectTimeout(200 * time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Disconnect(mongotest.Context(t)) })
	return c.Database("down")
}

// A store outage during refresh is a 503 the app retries, never a 401 that
// makes it throw its session away, and the token survives it.
func TestRefreshDuringOutageIs503(t *testing.T) {
	e := newEnv(t)
	s := e.mustRegister(t, "081234567890")

	down := apitest.New(t)
	accounts.NewHandler(accounts.NewStore(deadDB(t)), down.Tokens, accounts.NewLimiter(e.DB)).Register(down.API())
	r := down.Do(t, "POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": s.RefreshToken})
	if r.Status != 503 || r.ErrorCode() != "unavailable" || r.Header.Get("Retry-After") == "" {
		t.Fatalf("refresh in an outage: %d %s", r.Status, r.Body)
	}
	r = e.Do(t, "POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": s.RefreshToken})
	if r.Status != 200 {
		t.Fatalf("the token after the outage: %d %s", r.Status, r.Body)
	}
	// Only a missing or spent token is a 401.
	r = e.Do(t, "POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": "bm90LWEtcmVhbC10b2tlbg"})
	if r.Status != 401 {
		t.Fatalf("unknown token: %d %s", r.Status, r.Body)
	}
}

// Access tokens of a revoked session stop working: at once on the
// instance that revoked it, within RevocationCacheTTL on another.
func TestRevokedSessionsAccessTokensDie(t *testing.T) {
	e, key := newKeyedEnv(t)
	s := e.mustRegister(t, "081234567890")
	tablet := e.mustLogin(t, "081234567890", password)

	// Another instance of the app on the same store, with its own cache.
	now := time.Now()
	other := accounts.NewTokens(key)
	other.SetClock(func() time.Time { return now })
	other.CheckRevocations(e.store)
	if _, err := other.Verify(s.AccessToken); err != nil {
		t.Fatal(err)
	}

	if r := e.Do(t, "POST", "/api/v1/auth/logout", "", map[string]string{"refresh_token": s.RefreshToken}); r.Status != 204 {
		t.Fatalf("logout: %d", r.Status)
	}
	if r := e.Do(t, "GET", "/api/v1/me", s.AccessToken, nil); r.Status != 401 {
		t.Fatalf("access token of a logged-out session on the same instance: %d", r.Status)
	}
	if r := e.Do(t, "GET", "/api/v1/me", tablet.AccessToken, nil); r.Status != 200 {
		t.Fatalf("the other session's access token: %d", r.Status)
	}
	now = now.Add(accounts.RevocationCacheTTL + time.Second)
	if _, err := other.Verify(s.AccessToken); err != accounts.ErrBadToken {
		t.Fatalf("another instance after %v: %v", accounts.RevocationCacheTTL, err)
	}
	if accounts.RevocationCacheTTL > time.Minute {
		t.Fatalf("revoked sessions live %v", accounts.RevocationCacheTTL)
	}

	// A reused refresh token revokes the chain, and its access tokens die.
	second := e.Do(t, "POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": tablet.RefreshToken})
	var next sessionBody
	second.JSON(t, &next)
	e.Do(t, "POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": tablet.RefreshToken})
	fresh := accounts.NewTokens(key)
	fresh.CheckRevocations(e.store)
	if _, err := fresh.Verify(next.AccessToken); err != accounts.ErrBadToken {
		t.Fatalf("access token of a chain revoked for reuse: %v", err)
	}

	// A store outage while checking is a 503, not a logout.
	down := accounts.NewTokens(key)
	down.CheckRevocations(accounts.NewStore(deadDB(t)))
	app := httpapi.NewApp(httpapi.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Verifier: down})
	env := &apitest.Env{App: app, DB: e.DB, Tokens: down}
	accounts.NewHandler(accounts.NewStore(deadDB(t)), down, accounts.NewLimiter(e.DB)).Register(env.API())
	fresh2 := e.mustLogin(t, "081234567890", password)
	if r := env.Do(t, "GET", "/api/v1/me", fresh2.AccessToken, nil); r.Status != 503 {
		t.Fatalf("checking revocation in an outage: %d %s", r.Status, r.Body)
	}
}

func TestIssueActivationAndResetCodes(t *testing.T) {
	e := newEnv(t)
	ctx := mongotest.Context(t)
	admin := e.Token(t, lontar.Caller{UserID: "uadmin", Role: lontar.RoleAdmin})
	activate := func(phone, code, pw string) *apitest.Response {
		return e.Do(t, "POST", "/api/v1/auth/activate", "", map[string]string{"phone": phone, "code": code, "password": pw})
	}
	issue := func(token, id string) (*apitest.Response, lontar.OneTimeCode) {
		r := e.Do(t, "POST", "/api/v1/users/"+id+"/code", token, nil)
		var c lontar.OneTimeCode
		if r.Status == 201 {
			r.JSON(t, &c)
		}
		return r, c
	}

	// The first activation code was lost: a new one replaces it.
	id, first, _, err := e.store.EnsureParticipant(ctx, lontar.Person{Phone: "081311112222", Name: "Ina Bara"})
	if err != nil {
		t.Fatal(err)
	}
	r, again := issue(admin, id)
	if r.Status != 201 || again.Kind != "activation" || len(again.Code) != 8 || again.Code == first {
		t.Fatalf("re-issue: %d %s", r.Status, r.Body)
	}
	if r := activate("081311112222", first, "ikat-amarasi-1"); r.Status != 401 {
		t.Fatalf("the replaced code still works: %d %s", r.Status, r.Body)
	}
	if r := activate("081311112222", again.Code, "ikat-amarasi-1"); r.Status != 200 {
		t.Fatalf("the new code: %d %s", r.Status, r.Body)
	}

	// A forgotten password: a reset code, the same mechanism.
	s := e.mustRegister(t, "081355556666")
	r, reset := issue(admin, s.User.ID)
	if r.Status != 201 || reset.Kind != "reset" {
		t.Fatalf("reset code: %d %s", r.Status, r.Body)
	}
	// Issuing a code locks nobody out: the old password still works.
	e.mustLogin(t, "081355556666", password)
	if r := activate("081355556666", reset.Code, "sasando-rote-9"); r.Status != 200 {
		t.Fatalf("reset: %d %s", r.Status, r.Body)
	}
	if r := e.login(t, "081355556666", password); r.Status != 401 {
		t.Fatalf("the old password after a reset: %d", r.Status)
	}
	e.mustLogin(t, "081355556666", "sasando-rote-9")
	// Sessions that knew the old password end, access tokens included.
	if r := e.Do(t, "POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": s.RefreshToken}); r.Status != 401 {
		t.Fatalf("a session from before the reset: %d", r.Status)
	}
	if r := e.Do(t, "GET", "/api/v1/me", s.AccessToken, nil); r.Status != 401 {
		t.Fatalf("an access token from before the reset: %d", r.Status)
	}
	if r := activate("081355556666", reset.Code, "sasando-rote-10"); r.Status != 401 {
		t.Fatalf("a reset code used twice: %d", r.Status)
	}

	for name, tok := range map[string]string{
		"learner": s.AccessToken, "trainer": e.Token(t, lontar.Caller{UserID: "ut", Role: lontar.RoleTrainer, Institution: "Undana"}),
	} {
		if r, _ := issue(tok, id); r.Status != 403 && r.Status != 401 {
			t.Errorf("%s issues a code: %d", name, r.Status)
		}
	}
	if r, _ := issue(admin, "unobody"); r.Status != 404 {
		t.Errorf("unknown user: %d", r.Status)
	}
}
