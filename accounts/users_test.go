package accounts_test

import (
	"strings"
	"testing"

	"lontar"
	"lontar/internal/apitest"
)

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
	want := lontar.Profile{BusinessName: "Dapur Yuli", Sector: "kuliner", Region: "5371030", Gender: "f", BirthYear: 1990} // gender kept from registration
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
		{"sector cleared", `{"profile":{"sector":""}}`, 422, "profile.sector"},
		{"region cleared", `{"profile":{"region":""}}`, 422, "profile.region"},
		{"unknown gender", `{"profile":{"gender":"x"}}`, 422, "profile.gender"},
		{"short nib", `{"profile":{"nib":"12"}}`, 422, "profile.nib"},
		{"nib with letters", `{"profile":{"nib":"12345678901ab"}}`, 422, "profile.nib"},
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
	// A partial profile changes only the fields sent: the rest keep their
	// values; an empty string clears an optional field.
	if r := patch(`{"profile":{"gender":"f","nib":"1234567890123"}}`); r.Status != 200 {
		t.Fatalf("gender and nib: %d %s", r.Status, r.Body)
	}
	r = patch(`{"profile":{"sector":"tenun","region":"5371"}}`)
	r.JSON(t, &u)
	want = lontar.Profile{BusinessName: "Dapur Yuli", Sector: "tenun", Region: "5371", Gender: "f", BirthYear: 1990, NIB: "1234567890123"}
	if r.Status != 200 || u.Profile != want {
		t.Fatalf("sector and region only: %d %s", r.Status, r.Body)
	}
	r = patch(`{"profile":{"business_name":"","gender":"","nib":"","birth_year":0}}`)
	u = userBody{}
	r.JSON(t, &u)
	want = lontar.Profile{Sector: "tenun", Region: "5371"}
	if r.Status != 200 || u.Profile != want {
		t.Fatalf("optional fields cleared: %d %s", r.Status, r.Body)
	}
	if got := e.stored(t, s.User.ID); got.Name != "Yuliana" {
		t.Fatalf("stored after the patches: %+v", got)
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
