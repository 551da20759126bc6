package accounts_test

import (
	"bytes"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"lontar"
	"lontar/accounts"
	"lontar/internal/apitest"
	"lontar/internal/mongotest"
)

// testEnv is one test's app with the accounts routes, its store and limiter.
type testEnv struct {
	*apitest.Env
	store   *accounts.Store
	limiter *accounts.Limiter
}

func newEnv(t testing.TB) *testEnv {
	t.Helper()
	return wire(t, apitest.New(t))
}

// wire mounts the accounts routes on e the way the server does.
func wire(t testing.TB, e *apitest.Env) *testEnv {
	t.Helper()
	store, limiter := accounts.NewStore(e.DB), accounts.NewLimiter(e.DB)
	ctx := mongotest.Context(t)
	if err := store.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	if err := limiter.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	accounts.NewHandler(store, e.Tokens, limiter).Register(e.API())
	return &testEnv{Env: e, store: store, limiter: limiter}
}

const password = "tenun-amarasi"

type userBody struct {
	ID          string
	Phone       string
	Name        string
	Role        string
	Institution string
	Scope       []string
	Profile     lontar.Profile
	CreatedAt   string `json:"created_at"`
}

type sessionBody struct {
	User         *userBody `json:"user"`
	AccessToken  string    `json:"access_token"`
	RefreshToken string    `json:"refresh_token"`
	ExpiresAt    string    `json:"expires_at"`
}

type errorBody struct {
	Error struct {
		Code    string
		Message string
		Fields  map[string]string
	}
}

// storedUser is a users document as it is in the database.
type storedUser struct {
	ID           string `bson:"_id"`
	Phone        string `bson:"phone"`
	Name         string `bson:"name"`
	Role         string `bson:"role"`
	PasswordHash string `bson:"password_hash"`
	Activation   *struct {
		Tries int `bson:"tries"`
	} `bson:"activation"`
}

func registration(phone string) map[string]any {
	return map[string]any{"phone": phone, "name": "Yuliana Ndun", "password": password,
		"profile": map[string]any{"business_name": "Tenun Ina", "sector": "tenun", "region": "5303131", "gender": "f"}}
}

// registrationWith is registration with some fields replaced; "profile.x"
// replaces a profile field.
func registrationWith(phone string, set map[string]any) map[string]any {
	b := registration(phone)
	for k, v := range set {
		if f, ok := strings.CutPrefix(k, "profile."); ok {
			b["profile"].(map[string]any)[f] = v
		} else {
			b[k] = v
		}
	}
	return b
}

func (e *testEnv) mustRegister(t testing.TB, phone string) sessionBody {
	t.Helper()
	r := e.Do(t, "POST", "/api/v1/auth/register", "", registration(phone))
	if r.Status != 201 {
		t.Fatalf("register %s: %d %s", phone, r.Status, r.Body)
	}
	var s sessionBody
	r.JSON(t, &s)
	return s
}

func (e *testEnv) login(t testing.TB, phone, pw string, headers ...string) *apitest.Response {
	t.Helper()
	return e.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"phone": phone, "password": pw}, headers...)
}

func (e *testEnv) mustLogin(t testing.TB, phone, pw string) sessionBody {
	t.Helper()
	r := e.login(t, phone, pw)
	if r.Status != 200 {
		t.Fatalf("login %s: %d %s", phone, r.Status, r.Body)
	}
	var s sessionBody
	r.JSON(t, &s)
	return s
}

func (e *testEnv) count(t testing.TB, coll string) int64 {
	t.Helper()
	n, err := e.DB.Collection(coll).CountDocuments(mongotest.Context(t), bson.M{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (e *testEnv) stored(t testing.TB, id string) storedUser {
	t.Helper()
	var u storedUser
	if err := e.DB.Collection("users").FindOne(mongotest.Context(t), bson.M{"_id": id}).Decode(&u); err != nil {
		t.Fatalf("user %s: %v", id, err)
	}
	return u
}

func decodeError(t testing.TB, r *apitest.Response) errorBody {
	t.Helper()
	var b errorBody
	r.JSON(t, &b)
	return b
}

// noSecrets fails the test if a body holds anything of a password.
func noSecrets(t testing.TB, body []byte) {
	t.Helper()
	for _, s := range []string{"argon2", "password", "$v=19"} {
		if bytes.Contains(bytes.ToLower(body), []byte(s)) {
			t.Errorf("body contains %q: %s", s, body)
		}
	}
}
