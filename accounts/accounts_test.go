package accounts_test

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"lontar"
	"lontar/accounts"
	"lontar/internal/apitest"
	"lontar/internal/mongotest"
)

type env struct {
	*apitest.Env
	store   *accounts.Store
	limiter *accounts.Limiter
}

func newEnv(t *testing.T) *env { return newBenchEnv(t) }

// newBenchEnv is newEnv for tests and benchmarks alike.
func newBenchEnv(t testing.TB) *env {
	t.Helper()
	e := apitest.New(t)
	store, limiter := accounts.NewStore(e.DB), accounts.NewLimiter(e.DB)
	if err := store.EnsureIndexes(mongotest.Context(t)); err != nil {
		t.Fatal(err)
	}
	accounts.NewHandler(store, e.Tokens, limiter).Register(e.API())
	return &env{Env: e, store: store, limiter: limiter}
}

type session struct {
	User struct {
		ID, Phone, Role string
	} `json:"user"`
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
}

func registration(phone string) map[string]any {
	return map[string]any{"phone": phone, "name": "Yuliana Ndun", "password": "tenun-amarasi",
		"profile": map[string]any{"business_name": "Tenun Ina", "sector": "tenun", "region": "5303131", "gender": "f"}}
}

// login registers the benchmark's learner and returns an access token.
func (e *env) login(t testing.TB) string {
	r := e.Do(t, "POST", "/api/v1/auth/register", "", registration("081234567890"))
	var s session
	r.JSON(t, &s)
	return s.AccessToken
}

func (e *env) mustRegister(t *testing.T, phone string) session {
	t.Helper()
	r := e.Do(t, "POST", "/api/v1/auth/register", "", registration(phone))
	var s session
	r.JSON(t, &s)
	if r.Status != 201 {
		t.Fatalf("register: %d %s", r.Status, r.Body)
	}
	return s
}

func TestNormalizePhone(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"0812 3456 7890", "+6281234567890"}, {"081234567890", "+6281234567890"}, {"6281234567890", "+6281234567890"},
		{"+62 812-3456-7890", "+6281234567890"}, {"(0852) 1234.5678", "+6285212345678"}, {"0813 8765 43210", "+62813876543210"},
		{"0380 821234", ""}, {"+62 21 5555 1234", ""}, {"+1 415 555 0100", ""}, {"0812abc", ""}, {"0812", ""},
		{"08123456789012345", ""}, {"", ""}, {"+6280012345678", ""},
	} {
		got, err := accounts.NormalizePhone(tt.in)
		if got != tt.want || (err == nil) != (tt.want != "") {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestRegisterAndBadInput(t *testing.T) {
	e := newEnv(t)
	s := e.mustRegister(t, "0812 3456 7890")
	if s.User.Phone != "+6281234567890" || s.User.Role != "learner" || s.AccessToken == "" || s.RefreshToken == "" {
		t.Fatalf("session: %+v", s)
	}
	r := e.Do(t, "GET", "/api/v1/me", s.AccessToken, nil)
	if r.Status != 200 || strings.Contains(string(r.Body), "argon2") || strings.Contains(string(r.Body), "password") {
		t.Fatalf("me: %d %s", r.Status, r.Body)
	}
	for _, tt := range []struct {
		name, body, lang string
		status           int
		fields           []string
	}{
		{"malformed JSON", `{"phone":`, "", 400, nil},
		{"everything missing", `{}`, "", 422, []string{"phone", "name", "password", "profile.sector", "profile.region"}},
		{"short password and bad phone", `{"phone":"0380 821234","name":"Ina","password":"pendek","profile":{"sector":"tenun","region":"5371010"}}`, "", 422, []string{"phone", "password"}},
		{"unknown sector and region", `{"phone":"081311112222","name":"Ina","password":"cukup-panjang","profile":{"sector":"tambang","region":"9999"}}`, "en", 422, []string{"profile.sector", "profile.region"}},
		{"duplicate phone written differently", `{"phone":"+62 812 3456 7890","name":"Ina","password":"cukup-panjang","profile":{"sector":"tenun","region":"5371010"}}`, "", 409, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := e.Do(t, "POST", "/api/v1/auth/register", "", tt.body, "Accept-Language: "+tt.lang)
			var b struct {
				Error struct {
					Message string
					Fields  map[string]string
				}
			}
			r.JSON(t, &b)
			if r.Status != tt.status {
				t.Fatalf("status %d: %s", r.Status, r.Body)
			}
			for _, f := range tt.fields {
				if b.Error.Fields[f] == "" {
					t.Errorf("no message for %s: %s", f, r.Body)
				}
			}
			if tt.lang == "en" && !strings.Contains(b.Error.Message, "not valid") {
				t.Errorf("not English: %s", r.Body)
			}
		})
	}
	if r := e.Do(t, "POST", "/api/v1/auth/register", "", "phone=1", "Content-Type: application/x-www-form-urlencoded"); r.Status != 400 {
		t.Fatalf("form body: %d", r.Status)
	}
}

func TestConcurrentRegistrationsOfOnePhone(t *testing.T) {
	e := newEnv(t)
	var wg sync.WaitGroup
	codes := make(chan int, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes <- e.Do(t, "POST", "/api/v1/auth/register", "", registration("085212345678")).Status
		}()
	}
	wg.Wait()
	close(codes)
	count := map[int]int{}
	for c := range codes {
		count[c]++
	}
	if count[201] != 1 || count[409] != 7 {
		t.Fatalf("statuses %v", count)
	}
	ctx := mongotest.Context(t)
	for _, coll := range []string{"users", "phones"} {
		n, err := e.DB.Collection(coll).CountDocuments(ctx, map[string]any{})
		if err != nil || n != 1 {
			t.Fatalf("%s holds %d documents (%v)", coll, n, err)
		}
	}
}

func TestForgedTokensAreRejected(t *testing.T) {
	e := newEnv(t)
	s := e.mustRegister(t, "081234567890")
	claims := func(mod func(jwt.MapClaims)) jwt.MapClaims {
		c := jwt.MapClaims{"iss": "lontar", "aud": []string{"lontar-api"}, "sub": s.User.ID, "role": "admin",
			"exp": time.Now().Add(time.Hour).Unix(), "iat": time.Now().Unix()}
		if mod != nil {
			mod(c)
		}
		return c
	}
	sign := func(m jwt.SigningMethod, key any, c jwt.MapClaims) string {
		tok, err := jwt.NewWithClaims(m, c).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	parts := strings.Split(s.AccessToken, ".")
	payload, _ := json.Marshal(claims(nil))
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString(payload) + "." + parts[2]
	for name, tok := range map[string]string{
		"alg none":        sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims(nil)),
		"tampered":        tampered,
		"another key":     sign(jwt.SigningMethodHS256, []byte("not-the-server-key-but-32-bytes!!"), claims(nil)),
		"expired":         expired(t, e),
		"wrong issuer":    sign(jwt.SigningMethodHS256, []byte("x"), claims(func(c jwt.MapClaims) { c["iss"] = "evil" })),
		"garbage":         "not.a.jwt",
		"HS512 algorithm": sign(jwt.SigningMethodHS512, []byte("not-the-server-key-but-32-bytes!!"), claims(nil)),
	} {
		r := e.Do(t, "GET", "/api/v1/me", tok, nil)
		if r.Status != 401 || r.ErrorCode() != "unauthenticated" {
			t.Errorf("%s: %d %s", name, r.Status, r.Body)
		}
	}
}

// expired returns a token the server itself signed, already an hour
// past its expiry.
func expired(t *testing.T, e *env) string {
	e.Tokens.SetClock(func() time.Time { return time.Now().Add(-accounts.AccessTTL - time.Hour) })
	defer e.Tokens.SetClock(time.Now)
	tok, _, err := e.Tokens.Issue(lontar.Caller{UserID: "u1", Role: lontar.RoleLearner})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestRefreshRotationAndReuse(t *testing.T) {
	e := newEnv(t)
	s := e.mustRegister(t, "081234567890")
	r := e.Do(t, "POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": s.RefreshToken})
	var next session
	r.JSON(t, &next)
	if r.Status != 200 || next.RefreshToken == "" || next.RefreshToken == s.RefreshToken {
		t.Fatalf("rotate: %d %s", r.Status, r.Body)
	}
	// The old token again: theft assumed, the whole chain is revoked.
	if r := e.Do(t, "POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": s.RefreshToken}); r.Status != 401 {
		t.Fatalf("reuse: %d", r.Status)
	}
	if r := e.Do(t, "POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": next.RefreshToken}); r.Status != 401 {
		t.Fatalf("newest token after reuse: %d", r.Status)
	}
	// Logout ends another session.
	l := e.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"phone": "081234567890", "password": "tenun-amarasi"})
	var ls session
	l.JSON(t, &ls)
	if r := e.Do(t, "POST", "/api/v1/auth/logout", "", map[string]string{"refresh_token": ls.RefreshToken}); r.Status != 204 {
		t.Fatalf("logout: %d", r.Status)
	}
	if r := e.Do(t, "POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": ls.RefreshToken}); r.Status != 401 {
		t.Fatalf("refresh after logout: %d", r.Status)
	}
}

func TestRoles(t *testing.T) {
	e := newEnv(t)
	learner := e.mustRegister(t, "081234567890").AccessToken
	admin := e.Token(t, lontar.Caller{UserID: "admin", Role: lontar.RoleAdmin})
	trainer := map[string]any{"phone": "081300000002", "name": "Bu Dosen", "password": "politeknik-kupang", "role": "trainer", "institution": "pnk"}
	for _, tt := range []struct {
		name, token string
		body        any
		want        int
	}{
		{"no token", "", trainer, 401},
		{"learner", learner, trainer, 403},
		{"admin", admin, trainer, 201},
		{"trainer without institution", admin, map[string]any{"phone": "081300000003", "name": "X Y", "password": "politeknik-kupang", "role": "trainer"}, 422},
		{"agency with unknown region", admin, map[string]any{"phone": "081300000004", "name": "Dinas", "password": "dinas-koperasi", "role": "agency", "scope": []string{"0000"}}, 422},
	} {
		if r := e.Do(t, "POST", "/api/v1/users", tt.token, tt.body); r.Status != tt.want {
			t.Errorf("%s: %d %s", tt.name, r.Status, r.Body)
		}
	}
	tok := e.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"phone": "081300000002", "password": "politeknik-kupang"})
	var s session
	tok.JSON(t, &s)
	if s.User.Role != "trainer" {
		t.Fatalf("trainer login: %s", tok.Body)
	}
}

func TestPatchMeChangesOnlyNameAndProfile(t *testing.T) {
	e := newEnv(t)
	s := e.mustRegister(t, "081234567890")
	r := e.Do(t, "PATCH", "/api/v1/me", s.AccessToken, `{"name":"Yuli Ndun","role":"admin","phone":"081399999999","profile":{"sector":"kuliner","region":"5371030"}}`)
	var u struct {
		Name, Role, Phone string
		Profile           lontar.Profile
	}
	r.JSON(t, &u)
	if r.Status != 200 || u.Name != "Yuli Ndun" || u.Role != "learner" || u.Phone != "+6281234567890" || u.Profile.Sector != "kuliner" {
		t.Fatalf("patch: %d %s", r.Status, r.Body)
	}
}

func TestLoginRateLimitPerPhone(t *testing.T) {
	e := newEnv(t)
	e.mustRegister(t, "081234567890")
	now := time.Now()
	e.limiter.SetClock(func() time.Time { return now })
	for i := range 5 {
		r := e.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"phone": "081234567890", "password": "salah-sekali"})
		if r.Status != 401 {
			t.Fatalf("attempt %d: %d", i+1, r.Status)
		}
	}
	r := e.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"phone": "+6281234567890", "password": "tenun-amarasi"})
	if r.Status != 429 || r.Header.Get("Retry-After") == "" || r.Header.Get("Retry-After") == "0" {
		t.Fatalf("sixth attempt: %d %v", r.Status, r.Header)
	}
	now = now.Add(16 * time.Minute)
	if r := e.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"phone": "081234567890", "password": "tenun-amarasi"}); r.Status != 200 {
		t.Fatalf("after the window: %d %s", r.Status, r.Body)
	}
}

func TestAddressLimitLeavesRoomForAWorkshop(t *testing.T) {
	e := newEnv(t)
	ctx := mongotest.Context(t)
	// A 300-person workshop: register, a typo, log in = 900 attempts.
	for i := range 900 {
		if err := e.limiter.AllowAddress(ctx, "10.0.0.1"); err != nil {
			t.Fatalf("attempt %d limited: %v", i+1, err)
		}
	}
	for range accounts.AddressLimit - 900 {
		_ = e.limiter.AllowAddress(ctx, "10.0.0.1")
	}
	if err := e.limiter.AllowAddress(ctx, "10.0.0.1"); lontar.ErrorCode(err) != lontar.ERateLimited {
		t.Fatalf("past the limit: %v", err)
	}
	if err := e.limiter.AllowAddress(ctx, "10.0.0.2"); err != nil {
		t.Fatalf("another address: %v", err)
	}
}

func TestActivation(t *testing.T) {
	e := newEnv(t)
	ctx := mongotest.Context(t)
	p := lontar.Person{Phone: "0813 1111 2222", Name: "Ina Bara", Profile: lontar.Profile{Sector: "tenun", Region: "5371040"}}
	id, code, created, err := e.store.EnsureParticipant(ctx, p)
	if err != nil || !created || len(code) != 8 {
		t.Fatalf("participant: %v %v %q", err, created, code)
	}
	id2, code2, created2, err := e.store.EnsureParticipant(ctx, p)
	if err != nil || id2 != id || code2 != "" || created2 {
		t.Fatalf("second call: %v %s %q %v", err, id2, code2, created2)
	}
	// No password yet: login fails.
	if r := e.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"phone": "081311112222", "password": "apa-saja-123"}); r.Status != 401 {
		t.Fatalf("login before activation: %d", r.Status)
	}
	act := func(c string) int {
		return e.Do(t, "POST", "/api/v1/auth/activate", "", map[string]string{"phone": "081311112222", "code": c, "password": "ikat-amarasi-1"}).Status
	}
	if s := act("WRONG123"); s != 401 {
		t.Fatalf("wrong code: %d", s)
	}
	if s := act(strings.ToLower(code[:4]) + "-" + code[4:]); s != 200 {
		t.Fatalf("right code: %d", s)
	}
	if s := act(code); s != 401 {
		t.Fatalf("code used twice: %d", s)
	}
	// Five wrong tries burn a code.
	_, code3, _, _ := e.store.EnsureParticipant(ctx, lontar.Person{Phone: "081322223333", Name: "Lena"})
	for range accounts.MaxActivationTries {
		e.Do(t, "POST", "/api/v1/auth/activate", "", map[string]string{"phone": "081322223333", "code": "AAAAAAAA", "password": "ikat-amarasi-1"})
	}
	if r := e.Do(t, "POST", "/api/v1/auth/activate", "", map[string]string{"phone": "081322223333", "code": code3, "password": "ikat-amarasi-1"}); r.Status != 401 {
		t.Fatalf("code after 5 wrong tries: %d", r.Status)
	}
}

func TestBootstrapAdmin(t *testing.T) {
	e := newEnv(t)
	ctx := mongotest.Context(t)
	for range 2 {
		if err := e.store.EnsureBootstrapAdmin(ctx, "081300000001", "admin-lontar-kupang"); err != nil {
			t.Fatal(err)
		}
	}
	e.mustRegister(t, "081300000009")
	if err := e.store.EnsureBootstrapAdmin(ctx, "081300000009", "admin-lontar-kupang"); err == nil {
		t.Fatal("a learner's phone was made admin")
	}
}
