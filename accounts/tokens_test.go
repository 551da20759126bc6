package accounts_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"go.mongodb.org/mongo-driver/v2/bson"

	"lontar"
	"lontar/accounts"
	"lontar/httpapi"
	"lontar/internal/apitest"
	"lontar/internal/mongotest"
)

// newKeyedEnv is newEnv with a signing key the test knows, so it can forge
// tokens that differ from a genuine one in exactly one way.
func newKeyedEnv(t *testing.T) (*testEnv, []byte) {
	t.Helper()
	key := []byte("lontar-test-signing-key-32-bytes")
	tokens := accounts.NewTokens(key)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	app := httpapi.NewApp(httpapi.Options{Logger: logger, Verifier: tokens})
	return wire(t, &apitest.Env{App: app, DB: apitest.New(t).DB, Tokens: tokens}), key
}

func TestIssueAndVerify(t *testing.T) {
	tokens := accounts.NewTokens([]byte("lontar-test-signing-key-32-bytes"))
	now := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	tokens.SetClock(func() time.Time { return now })
	c := lontar.Caller{UserID: "uabc", Name: "Dinas Koperasi", Role: lontar.RoleAgency, Institution: "Dinas", Scope: []string{"5371", "5303"}}
	tok, exp, err := tokens.Issue(c)
	if err != nil || !exp.Equal(now.Add(accounts.AccessTTL)) {
		t.Fatalf("issue: %v %v", exp, err)
	}
	for _, tt := range []struct {
		name string
		at   time.Time
		ok   bool
	}{
		{"at once", now, true},
		{"just before expiry", now.Add(accounts.AccessTTL - time.Second), true},
		{"at expiry", now.Add(accounts.AccessTTL), false},
		{"an hour later", now.Add(time.Hour), false},
		{"issued in the future (iat after now)", now.Add(-30 * time.Second), false},
		{"issued a second in the future", now.Add(-time.Second), false},
		{"before it was issued", now.Add(-time.Hour), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tokens.SetClock(func() time.Time { return tt.at })
			got, err := tokens.Verify(tok)
			if !tt.ok {
				if err != accounts.ErrBadToken || got != nil {
					t.Fatalf("Verify = %+v, %v; want ErrBadToken", got, err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(*got, c) {
				t.Fatalf("Verify = %+v, %v; want %+v", got, err, c)
			}
		})
	}
}

func TestForgedAccessTokens(t *testing.T) {
	e, key := newKeyedEnv(t)
	s := e.mustRegister(t, "081234567890")
	genuine := func() jwt.MapClaims {
		now := time.Now()
		return jwt.MapClaims{"iss": "lontar", "aud": []string{"lontar-api"}, "sub": s.User.ID, "role": "learner",
			"iat": now.Unix(), "nbf": now.Add(-time.Minute).Unix(), "exp": now.Add(10 * time.Minute).Unix()}
	}
	with := func(k string, v any) jwt.MapClaims {
		c := genuine()
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return c
	}
	sign := func(m jwt.SigningMethod, k any, c jwt.MapClaims) string {
		tok, err := jwt.NewWithClaims(m, c).SignedString(k)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	// The server's own token with its payload changed to an admin's.
	parts := strings.Split(s.AccessToken, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	claims["role"] = "admin"
	payload, _ = json.Marshal(claims)
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString(payload) + "." + parts[2]

	for _, tt := range []struct {
		name, token string
		status      int
	}{
		{"the server's token", s.AccessToken, 200},
		{"genuine claims signed with the key", sign(jwt.SigningMethodHS256, key, genuine()), 200},
		{"alg none", sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, genuine()), 401},
		{"tampered payload, original signature", tampered, 401},
		{"signature removed", parts[0] + "." + parts[1] + ".", 401},
		{"signed with another key", sign(jwt.SigningMethodHS256, []byte("not-the-server-key-but-32-bytes!"), genuine()), 401},
		{"expired", sign(jwt.SigningMethodHS256, key, with("exp", time.Now().Add(-time.Minute).Unix())), 401},
		{"no expiry", sign(jwt.SigningMethodHS256, key, with("exp", nil)), 401},
		{"not yet valid", sign(jwt.SigningMethodHS256, key, with("nbf", time.Now().Add(time.Hour).Unix())), 401},
		{"wrong issuer", sign(jwt.SigningMethodHS256, key, with("iss", "evil")), 401},
		{"no issuer", sign(jwt.SigningMethodHS256, key, with("iss", nil)), 401},
		{"wrong audience", sign(jwt.SigningMethodHS256, key, with("aud", []string{"lontar-admin"})), 401},
		{"no audience", sign(jwt.SigningMethodHS256, key, with("aud", nil)), 401},
		{"HS512 instead of HS256", sign(jwt.SigningMethodHS512, key, genuine()), 401},
		{"HS384 instead of HS256", sign(jwt.SigningMethodHS384, key, genuine()), 401},
		{"no subject", sign(jwt.SigningMethodHS256, key, with("sub", nil)), 401},
		{"unknown role", sign(jwt.SigningMethodHS256, key, with("role", "root")), 401},
		{"garbage", "not.a.jwt", 401},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := e.Do(t, "GET", "/api/v1/me", tt.token, nil)
			if r.Status != tt.status {
				t.Fatalf("GET /me: %d %s", r.Status, r.Body)
			}
			if tt.status == 401 && r.ErrorCode() != "unauthenticated" {
				t.Fatalf("body %s", r.Body)
			}
		})
	}
	if r := e.Do(t, "POST", "/api/v1/users", tampered, map[string]any{"phone": "081300000001", "name": "Admin Palsu", "password": "admin-palsu-1", "role": "admin"}); r.Status != 401 {
		t.Fatalf("POST /users with the tampered token: %d %s", r.Status, r.Body)
	}
}

func TestRefreshRotation(t *testing.T) {
	e := newEnv(t)
	first := e.mustRegister(t, "081234567890")
	refresh := func(tok string) (*sessionBody, *apitest.Response) {
		r := e.Do(t, "POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": tok})
		if r.Status != 200 {
			return nil, r
		}
		var s sessionBody
		r.JSON(t, &s)
		return &s, r
	}
	second, r := refresh(first.RefreshToken)
	if second == nil || second.AccessToken == "" || second.RefreshToken == "" || second.RefreshToken == first.RefreshToken {
		t.Fatalf("rotate: %d %s", r.Status, r.Body)
	}
	if second.User != nil {
		t.Errorf("refresh returned a user: %s", r.Body)
	}
	if me := e.Do(t, "GET", "/api/v1/me", second.AccessToken, nil); me.Status != 200 {
		t.Fatalf("new access token: %d", me.Status)
	}
	third, r := refresh(second.RefreshToken)
	if third == nil {
		t.Fatalf("rotate again: %d %s", r.Status, r.Body)
	}
	// Another device's session is a chain of its own.
	other := e.mustLogin(t, "081234567890", password)

	// The first token again: stolen, so its whole chain ends, the newest
	// token too.
	if _, r := refresh(first.RefreshToken); r.Status != 401 || r.ErrorCode() != "unauthenticated" {
		t.Fatalf("reused token: %d %s", r.Status, r.Body)
	}
	if _, r := refresh(third.RefreshToken); r.Status != 401 {
		t.Fatalf("the chain's newest token after a reuse: %d %s", r.Status, r.Body)
	}
	if s, r := refresh(other.RefreshToken); s == nil {
		t.Fatalf("the other session: %d %s", r.Status, r.Body)
	}

	for _, tt := range []struct {
		name   string
		body   any
		status int
	}{
		{"unknown token", map[string]string{"refresh_token": "bm90LWEtcmVhbC10b2tlbg"}, 401},
		{"an access token", map[string]string{"refresh_token": first.AccessToken}, 401},
		{"no token", map[string]string{}, 422},
		{"malformed", `{"refresh_token":`, 400},
	} {
		if r := e.Do(t, "POST", "/api/v1/auth/refresh", "", tt.body); r.Status != tt.status {
			t.Errorf("%s: %d %s", tt.name, r.Status, r.Body)
		}
	}

	// A token past its expiry.
	s := e.mustLogin(t, "081234567890", password)
	sum := sha256.Sum256([]byte(s.RefreshToken))
	if _, err := e.DB.Collection("refresh_tokens").UpdateOne(mongotest.Context(t), bson.M{"_id": hex.EncodeToString(sum[:])},
		bson.M{"$set": bson.M{"expires_at": time.Now().Add(-time.Second)}}); err != nil {
		t.Fatal(err)
	}
	if _, r := refresh(s.RefreshToken); r.Status != 401 {
		t.Fatalf("expired refresh token: %d", r.Status)
	}
}

func TestLogout(t *testing.T) {
	e := newEnv(t)
	e.mustRegister(t, "081234567890")
	phone, tablet := e.mustLogin(t, "081234567890", password), e.mustLogin(t, "081234567890", password)
	logout := func(tok string) int {
		return e.Do(t, "POST", "/api/v1/auth/logout", "", map[string]string{"refresh_token": tok}).Status
	}
	refresh := func(tok string) int {
		return e.Do(t, "POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": tok}).Status
	}
	if st := logout(phone.RefreshToken); st != 204 {
		t.Fatalf("logout: %d", st)
	}
	if st := refresh(phone.RefreshToken); st != 401 {
		t.Fatalf("refresh after logout: %d", st)
	}
	for name, st := range map[string]int{
		"again":         logout(phone.RefreshToken),
		"unknown token": logout("bm90LWEtcmVhbC10b2tlbg"),
	} {
		if st != 204 {
			t.Errorf("logout %s: %d", name, st)
		}
	}
	if r := e.Do(t, "POST", "/api/v1/auth/logout", "", `{}`); r.Status != 422 {
		t.Errorf("logout without a token: %d", r.Status)
	}
	// The other device stays logged in.
	if st := refresh(tablet.RefreshToken); st != 200 {
		t.Fatalf("the other session after logout: %d", st)
	}
}

func TestLoadOrCreateKey(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "keys", "access-token.key")
	key, err := accounts.LoadOrCreateKey(path)
	if err != nil || len(key) != 32 {
		t.Fatalf("create: %d bytes, %v", len(key), err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi.Mode(), err)
	}
	again, err := accounts.LoadOrCreateKey(path)
	if err != nil || string(again) != string(key) {
		t.Fatalf("second start read another key (%v)", err)
	}
	short := filepath.Join(dir, "short.key")
	if err := os.WriteFile(short, []byte("too short"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := accounts.LoadOrCreateKey(short); err == nil {
		t.Fatal("a 9-byte key was accepted")
	}
}

// One refresh token sent twice at once is a reuse: at most one request
// gets a new token, and the chain ends either way.
func TestConcurrentRefreshOfOneToken(t *testing.T) {
	e := newEnv(t)
	s := e.mustRegister(t, "081234567890")
	results := make([]*apitest.Response, 4)
	var wg sync.WaitGroup
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = e.Do(t, "POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": s.RefreshToken})
		}()
	}
	wg.Wait()
	won := 0
	for _, r := range results {
		switch r.Status {
		case 200:
			won++
			var next sessionBody
			r.JSON(t, &next)
			if again := e.Do(t, "POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": next.RefreshToken}); again.Status != 401 {
				t.Errorf("the winner's token after a reuse: %d", again.Status)
			}
		case 401:
		default:
			t.Errorf("status %d %s", r.Status, r.Body)
		}
	}
	if won > 1 {
		t.Fatalf("%d requests rotated one token", won)
	}
}
