package accounts_test

import (
	"bytes"
	"encoding/json"
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

func TestRegister(t *testing.T) {
	e := newEnv(t)
	r := e.Do(t, "POST", "/api/v1/auth/register", "", registrationWith("0812 3456 7890", map[string]any{"name": "  Yuliana Ndun "}))
	if r.Status != 201 {
		t.Fatalf("register: %d %s", r.Status, r.Body)
	}
	noSecrets(t, r.Body)
	var shape map[string]json.RawMessage
	r.JSON(t, &shape)
	for _, k := range []string{"user", "access_token", "refresh_token"} {
		if len(shape[k]) == 0 || string(shape[k]) == `""` || string(shape[k]) == "null" {
			t.Errorf("no %s in %s", k, r.Body)
		}
	}
	var s sessionBody
	r.JSON(t, &s)
	u := s.User
	wantProfile := lontar.Profile{BusinessName: "Tenun Ina", Sector: "tenun", Region: "5303131", Gender: "f"}
	if u == nil || u.ID == "" || u.Phone != "+6281234567890" || u.Name != "Yuliana Ndun" || u.Role != "learner" ||
		u.Profile != wantProfile || u.CreatedAt == "" {
		t.Fatalf("user: %+v", u)
	}
	if strings.Contains(u.ID, "628") {
		t.Errorf("the id %s is made from the phone", u.ID)
	}
	if _, err := time.Parse(time.RFC3339, s.ExpiresAt); err != nil {
		t.Errorf("expires_at %q: %v", s.ExpiresAt, err)
	}

	me := e.Do(t, "GET", "/api/v1/me", s.AccessToken, nil)
	var mu userBody
	me.JSON(t, &mu)
	if me.Status != 200 || mu.ID != u.ID || mu.Phone != "+6281234567890" {
		t.Fatalf("me: %d %s", me.Status, me.Body)
	}
	noSecrets(t, me.Body)

	// Stored: the user by its id with the normalized phone and an argon2id
	// hash, and the phone by itself as _id pointing at the user.
	su := e.stored(t, u.ID)
	if su.Phone != "+6281234567890" || !strings.HasPrefix(su.PasswordHash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("stored user: %+v", su)
	}
	var p struct {
		UserID string `bson:"user_id"`
	}
	if err := e.DB.Collection("phones").FindOne(mongotest.Context(t), bson.M{"_id": "+6281234567890"}).Decode(&p); err != nil || p.UserID != u.ID {
		t.Errorf("phones document: %+v %v", p, err)
	}
}

func TestRegisterBadInput(t *testing.T) {
	e := newEnv(t)
	const (
		invalidID   = "Data yang dikirim belum benar."
		invalidEN   = "Some fields are not valid."
		passwordID  = "Kata sandi harus 8 sampai 128 karakter."
		passwordEN  = "The password must be 8 to 128 characters."
		phoneID     = "Masukkan nomor HP Indonesia, contoh 0812 3456 7890."
		phoneEN     = "Enter an Indonesian mobile number, e.g. 0812 3456 7890."
		regionID    = "Kode wilayah tidak dikenal."
		regionEN    = "Unknown region code."
		everyReport = `{"phone":"0380 821234","name":"I","password":"pendek","profile":{"sector":"tambang","region":"9999","gender":"x","nib":"12"}}`
	)
	valid := `{"phone":"081234567890","name":"Ina Bara","password":"cukup-panjang","profile":{"sector":"tenun","region":"5371010"}}`
	for _, tt := range []struct {
		name    string
		path    string
		body    any
		headers []string
		status  int
		code    string
		message string            // exact when set
		fields  map[string]string // field → exact message, or "" for any
	}{
		{name: "malformed JSON", body: `{"phone":`, status: 400, code: "bad_request", message: "Isi permintaan bukan JSON yang benar."},
		{name: "malformed JSON in English", body: `{"phone":`, headers: []string{"Accept-Language: en"}, status: 400, code: "bad_request", message: "The request body is not valid JSON."},
		{name: "an array", body: `[]`, status: 400, code: "bad_request"},
		{name: "empty body", body: ``, status: 400, code: "bad_request"},
		{name: "text/plain", body: valid, headers: []string{"Content-Type: text/plain"}, status: 400, code: "bad_request", message: "Kirim data sebagai application/json."},
		{name: "form", body: "phone=081234567890&password=cukup-panjang", headers: []string{"Content-Type: application/x-www-form-urlencoded"}, status: 400, code: "bad_request"},
		{name: "everything missing", body: `{}`, status: 422, code: "validation_failed", message: invalidID,
			fields: map[string]string{"phone": "", "name": "", "password": "", "profile.sector": "", "profile.region": ""}},
		{name: "null", body: `null`, status: 422, code: "validation_failed", fields: map[string]string{"phone": "", "password": ""}},
		{name: "phone as a number", body: `{"phone":81234567890,"name":"Ina Bara","password":"cukup-panjang","profile":{"sector":"tenun","region":"5371010"}}`,
			status: 422, code: "validation_failed", fields: map[string]string{"phone": ""}},
		{name: "short password", body: registrationWith("081234567890", map[string]any{"password": "pendek1"}), status: 422, code: "validation_failed",
			fields: map[string]string{"password": passwordID}},
		{name: "long password", body: registrationWith("081234567890", map[string]any{"password": strings.Repeat("a", 129)}), status: 422, code: "validation_failed",
			fields: map[string]string{"password": passwordID}},
		{name: "landline", body: registrationWith("0380 821234", nil), status: 422, code: "validation_failed", fields: map[string]string{"phone": phoneID}},
		{name: "foreign number", body: registrationWith("+670 7723 4567", nil), status: 422, code: "validation_failed", fields: map[string]string{"phone": phoneID}},
		{name: "one-letter name", body: registrationWith("081234567890", map[string]any{"name": "I"}), status: 422, code: "validation_failed", fields: map[string]string{"name": ""}},
		{name: "blank name", body: registrationWith("081234567890", map[string]any{"name": "    "}), status: 422, code: "validation_failed", fields: map[string]string{"name": "Nama lengkap wajib diisi."}},
		{name: "unknown sector", body: registrationWith("081234567890", map[string]any{"profile.sector": "tambang"}), status: 422, code: "validation_failed",
			fields: map[string]string{"profile.sector": ""}},
		{name: "unknown region", body: registrationWith("081234567890", map[string]any{"profile.region": "5371999"}), status: 422, code: "validation_failed",
			fields: map[string]string{"profile.region": regionID}},
		{name: "region missing", body: registrationWith("081234567890", map[string]any{"profile.region": ""}), status: 422, code: "validation_failed",
			fields: map[string]string{"profile.region": ""}},
		{name: "birth year too recent", body: registrationWith("081234567890", map[string]any{"profile.birth_year": time.Now().Year() - 2}), status: 422, code: "validation_failed",
			fields: map[string]string{"profile.birth_year": fmt.Sprintf("Tahun lahir antara 1930 dan %d.", time.Now().Year()-10)}},
		{name: "birth year too early", body: registrationWith("081234567890", map[string]any{"profile.birth_year": 1900}), status: 422, code: "validation_failed",
			fields: map[string]string{"profile.birth_year": fmt.Sprintf("Tahun lahir antara 1930 dan %d.", time.Now().Year()-10)}},
		{name: "messages name the field as the form does", body: `{"profile":{"nib":"12ab"}}`, status: 422, code: "validation_failed",
			fields: map[string]string{"name": "Nama lengkap wajib diisi.", "profile.sector": "Pilih jenis usaha.", "profile.region": "Pilih wilayah.",
				"phone": "Nomor HP wajib diisi.", "profile.nib": "NIB hanya boleh berisi angka."}},
		{name: "labels in English", body: `{"profile":{"sector":"tambang"}}`, headers: []string{"Accept-Language: en"}, status: 422, code: "validation_failed",
			fields: map[string]string{"name": "Full name is required.", "profile.sector": "Choose the business type from the list."}},
		{name: "every problem at once", body: everyReport, status: 422, code: "validation_failed", message: invalidID,
			fields: map[string]string{"phone": phoneID, "name": "", "password": passwordID, "profile.sector": "", "profile.region": regionID, "profile.gender": "", "profile.nib": ""}},
		{name: "every problem at once in English", body: everyReport, headers: []string{"Accept-Language: en-US,en;q=0.9"}, status: 422, code: "validation_failed", message: invalidEN,
			fields: map[string]string{"phone": phoneEN, "name": "", "password": passwordEN, "profile.sector": "", "profile.region": regionEN, "profile.gender": "", "profile.nib": ""}},
		{name: "English by ?lang", path: "/api/v1/auth/register?lang=en", body: everyReport, status: 422, code: "validation_failed", message: invalidEN,
			fields: map[string]string{"password": passwordEN}},
		{name: "Indonesian by Accept-Language", body: everyReport, headers: []string{"Accept-Language: id-ID"}, status: 422, code: "validation_failed", message: invalidID,
			fields: map[string]string{"password": passwordID}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.path
			if path == "" {
				path = "/api/v1/auth/register"
			}
			r := e.Do(t, "POST", path, "", tt.body, tt.headers...)
			b := decodeError(t, r)
			if r.Status != tt.status || b.Error.Code != tt.code {
				t.Fatalf("got %d %s", r.Status, r.Body)
			}
			if tt.message != "" && b.Error.Message != tt.message {
				t.Errorf("message %q, want %q", b.Error.Message, tt.message)
			}
			for f, want := range tt.fields {
				got, ok := b.Error.Fields[f]
				if !ok || got == "" || (want != "" && got != want) {
					t.Errorf("fields.%s = %q, want %q: %s", f, got, want, r.Body)
				}
			}
		})
	}
	// Nothing was half written.
	for _, coll := range []string{"users", "phones", "sessions", "refresh_tokens"} {
		if n := e.count(t, coll); n != 0 {
			t.Errorf("%s holds %d documents after bad input", coll, n)
		}
	}
}

func TestRegisterDuplicatePhone(t *testing.T) {
	e := newEnv(t)
	first := e.mustRegister(t, "081234567890")
	for _, phone := range []string{"081234567890", "+6281234567890", "6281234567890", "+62 812-3456-7890", "(0812) 3456.7890"} {
		t.Run(phone, func(t *testing.T) {
			r := e.Do(t, "POST", "/api/v1/auth/register", "", registrationWith(phone, map[string]any{"name": "Someone Else"}))
			b := decodeError(t, r)
			if r.Status != 409 || b.Error.Code != "conflict" || b.Error.Fields["phone"] == "" {
				t.Fatalf("got %d %s", r.Status, r.Body)
			}
		})
	}
	if n, m := e.count(t, "users"), e.count(t, "phones"); n != 1 || m != 1 {
		t.Fatalf("%d users and %d phones", n, m)
	}
	if u := e.stored(t, first.User.ID); u.Name != "Yuliana Ndun" {
		t.Fatalf("the first account changed: %+v", u)
	}
}

func TestConcurrentRegistrationsOfOnePhone(t *testing.T) {
	e := newEnv(t)
	spellings := []string{"085212345678", "+6285212345678", "6285212345678", "0852-1234-5678",
		"0852 1234 5678", "+62 852 1234 5678", "(0852) 1234 5678", "0852.1234.5678"}
	statuses := make([]int, len(spellings))
	var wg sync.WaitGroup
	for i, phone := range spellings {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = e.Do(t, "POST", "/api/v1/auth/register", "", registration(phone)).Status
		}()
	}
	wg.Wait()
	count := map[int]int{}
	for _, s := range statuses {
		count[s]++
	}
	if count[201] != 1 || count[409] != len(spellings)-1 {
		t.Fatalf("statuses %v", count)
	}
	if n, m := e.count(t, "users"), e.count(t, "phones"); n != 1 || m != 1 {
		t.Fatalf("%d users and %d phones", n, m)
	}
	s := e.mustLogin(t, "085212345678", password)
	var p struct {
		UserID string `bson:"user_id"`
	}
	if err := e.DB.Collection("phones").FindOne(mongotest.Context(t), bson.M{"_id": "+6285212345678"}).Decode(&p); err != nil || p.UserID != s.User.ID {
		t.Fatalf("the phone points at %q, the account is %q (%v)", p.UserID, s.User.ID, err)
	}
}

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
// which numbers have accounts.
func TestUnknownPhoneCostsAHash(t *testing.T) {
	e := newEnv(t)
	e.mustRegister(t, "081234567890")
	fastest := func(phone string) time.Duration {
		best := time.Hour
		for range 3 {
			start := time.Now()
			if r := e.login(t, phone, "salah-sekali"); r.Status != 401 {
				t.Fatalf("%s: %d", phone, r.Status)
			}
			best = min(best, time.Since(start))
		}
		return best
	}
	wrong, unknown := fastest("081234567890"), fastest("081399990000")
	if unknown < wrong/3 {
		t.Fatalf("an unknown phone takes %v, a wrong password %v", unknown, wrong)
	}
}

func TestCreateUser(t *testing.T) {
	e := newEnv(t)
	learner := e.mustRegister(t, "081234567890").AccessToken
	admin := e.Token(t, lontar.Caller{UserID: "uadmin", Name: "Admin", Role: lontar.RoleAdmin})
	trainerTok := e.Token(t, lontar.Caller{UserID: "utrainer", Role: lontar.RoleTrainer, Institution: "pnk"})
	agencyTok := e.Token(t, lontar.Caller{UserID: "uagency", Role: lontar.RoleAgency, Scope: []string{"5371"}})
	trainer := map[string]any{"phone": "0813 0000 0002", "name": "Bu Dosen", "password": "politeknik-kupang", "role": "trainer", "institution": "Politeknik Negeri Kupang"}
	for _, tt := range []struct {
		name, token string
		body        map[string]any
		status      int
		fields      []string
		check       func(u userBody) bool
	}{
		{name: "without a token", body: trainer, status: 401},
		{name: "by a learner", token: learner, body: trainer, status: 403},
		{name: "by a trainer", token: trainerTok, body: trainer, status: 403},
		{name: "by an agency", token: agencyTok, body: trainer, status: 403},
		{name: "a trainer by the admin", token: admin, body: trainer, status: 201, check: func(u userBody) bool {
			return u.Role == "trainer" && u.Phone == "+6281300000002" && u.Institution == "Politeknik Negeri Kupang"
		}},
		{name: "the same phone again", token: admin, body: trainer, status: 409},
		{name: "an agency with its scope", token: admin, body: map[string]any{"phone": "081300000005", "name": "Dinas Koperasi", "password": "dinas-koperasi", "role": "agency", "scope": []string{"5371", "5303"}},
			status: 201, check: func(u userBody) bool { return u.Role == "agency" && strings.Join(u.Scope, ",") == "5371,5303" }},
		{name: "a trainer without an institution", token: admin, body: map[string]any{"phone": "081300000003", "name": "Pak Guru", "password": "politeknik-kupang", "role": "trainer", "institution": "  "},
			status: 422, fields: []string{"institution"}},
		{name: "an agency with an unknown region", token: admin, body: map[string]any{"phone": "081300000004", "name": "Dinas", "password": "dinas-koperasi", "role": "agency", "scope": []string{"5371", "0000"}},
			status: 422, fields: []string{"scope.1"}},
		{name: "an unknown role", token: admin, body: map[string]any{"phone": "081300000006", "name": "Siapa", "password": "politeknik-kupang", "role": "root"},
			status: 422, fields: []string{"role"}},
		{name: "bad phone and password", token: admin, body: map[string]any{"phone": "021 555 1234", "name": "Siapa", "password": "x", "role": "admin"},
			status: 422, fields: []string{"phone", "password"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := e.Do(t, "POST", "/api/v1/users", tt.token, tt.body)
			if r.Status != tt.status {
				t.Fatalf("got %d %s", r.Status, r.Body)
			}
			b := decodeError(t, r)
			for _, f := range tt.fields {
				if b.Error.Fields[f] == "" {
					t.Errorf("no message for %s: %s", f, r.Body)
				}
			}
			if tt.check != nil {
				noSecrets(t, r.Body)
				var u userBody
				r.JSON(t, &u)
				if !tt.check(u) {
					t.Errorf("user %s", r.Body)
				}
			}
		})
	}
	if n := e.count(t, "users"); n != 3 {
		t.Fatalf("%d users, want the learner, the trainer and the agency", n)
	}
	// The trainer logs in with the password the admin set, and the
	// institution travels in the access token.
	s := e.mustLogin(t, "081300000002", "politeknik-kupang")
	c, err := e.Tokens.Verify(s.AccessToken)
	if err != nil || c.Role != lontar.RoleTrainer || c.Institution != "Politeknik Negeri Kupang" || c.UserID != s.User.ID {
		t.Fatalf("trainer's token: %+v %v", c, err)
	}
}

func TestGetUser(t *testing.T) {
	e := newEnv(t)
	s := e.mustRegister(t, "081234567890")
	admin := e.Token(t, lontar.Caller{UserID: "uadmin", Role: lontar.RoleAdmin})
	trainer := e.Token(t, lontar.Caller{UserID: "utrainer", Role: lontar.RoleTrainer, Institution: "pnk"})
	for _, tt := range []struct {
		name, token, id string
		status          int
	}{
		{"admin", admin, s.User.ID, 200},
		{"admin, unknown id", admin, "unobody", 404},
		{"the learner themself", s.AccessToken, s.User.ID, 403},
		{"a trainer", trainer, s.User.ID, 403},
		{"without a token", "", s.User.ID, 401},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := e.Do(t, "GET", "/api/v1/users/"+tt.id, tt.token, nil)
			if r.Status != tt.status {
				t.Fatalf("got %d %s", r.Status, r.Body)
			}
			if tt.status == 200 {
				noSecrets(t, r.Body)
				var u userBody
				r.JSON(t, &u)
				if u.ID != s.User.ID || u.Phone != "+6281234567890" || u.Profile.Sector != "tenun" {
					t.Fatalf("user %s", r.Body)
				}
			}
		})
	}
}

func TestPatchMe(t *testing.T) {
	e := newEnv(t)
	s := e.mustRegister(t, "081234567890")
	patch := func(body string) *apitest.Response {
		return e.Do(t, "PATCH", "/api/v1/me", s.AccessToken, body)
	}
	r := patch(`{"name":" Yuli Ndun ","role":"admin","phone":"081399999999","id":"uother","institution":"x",
		"profile":{"business_name":"Dapur Yuli","sector":"kuliner","region":"5371030","birth_year":1990}}`)
	var u userBody
	r.JSON(t, &u)
	want := lontar.Profile{BusinessName: "Dapur Yuli", Sector: "kuliner", Region: "5371030", BirthYear: 1990}
	if r.Status != 200 || u.ID != s.User.ID || u.Name != "Yuli Ndun" || u.Role != "learner" || u.Phone != "+6281234567890" ||
		u.Institution != "" || u.Profile != want {
		t.Fatalf("patch: %d %s", r.Status, r.Body)
	}
	// Only the name: the profile stays.
	if r := patch(`{"name":"Yuliana"}`); r.Status != 200 {
		t.Fatalf("name only: %d %s", r.Status, r.Body)
	}
	for _, tt := range []struct {
		name, body string
		status     int
		field      string
	}{
		{"unknown region", `{"profile":{"sector":"kuliner","region":"0000"}}`, 422, "profile.region"},
		{"blank name", `{"name":"   "}`, 422, "name"},
		{"profile without sector", `{"profile":{"region":"5371030"}}`, 422, "profile.sector"},
		{"malformed", `{"name":`, 400, ""},
	} {
		r := patch(tt.body)
		if b := decodeError(t, r); r.Status != tt.status || (tt.field != "" && b.Error.Fields[tt.field] == "") {
			t.Errorf("%s: %d %s", tt.name, r.Status, r.Body)
		}
	}
	if r := e.Do(t, "PATCH", "/api/v1/me", "", `{"name":"Siapa Saja"}`); r.Status != 401 {
		t.Errorf("without a token: %d", r.Status)
	}
	me := e.Do(t, "GET", "/api/v1/me", s.AccessToken, nil)
	me.JSON(t, &u)
	if u.Name != "Yuliana" || u.Profile != want || u.Role != "learner" || u.Phone != "+6281234567890" {
		t.Fatalf("me after the patches: %s", me.Body)
	}
	if st := e.stored(t, s.User.ID); st.Role != "learner" || st.Phone != "+6281234567890" {
		t.Fatalf("stored: %+v", st)
	}
	// The phone still logs in; the one sent in the body does not exist.
	e.mustLogin(t, "081234567890", password)
	if n := e.count(t, "phones"); n != 1 {
		t.Fatalf("%d phones", n)
	}
}

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
