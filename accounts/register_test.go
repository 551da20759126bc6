package accounts_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"lontar"
	"lontar/internal/mongotest"
)

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
		{name: "blank name", body: registrationWith("081234567890", map[string]any{"name": "    "}), status: 422, code: "validation_failed", fields: map[string]string{"name": "Nama wajib diisi."}},
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
