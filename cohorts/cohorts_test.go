package cohorts_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"lontar"
	"lontar/courses"
	"lontar/internal/coursetest"
)

// A region code that package regions knows (Kota Kupang).
const kupang = "5371"

type cohortJSON struct {
	ID           string   `json:"id"`
	Institution  string   `json:"institution"`
	CourseIDs    []string `json:"course_ids"`
	JoinCode     string   `json:"join_code"`
	JoinURL      string   `json:"join_url"`
	MembersCount int      `json:"members_count"`
	Ended        bool     `json:"ended"`
}

func newFixture(t testing.TB) *coursetest.Fixture { return coursetest.New(t, nil) }

func cohortBody(courseIDs []string, starts, ends string) map[string]any {
	return map[string]any{"name": "UMKM Oebobo Mei", "course_ids": courseIDs, "starts_on": starts, "ends_on": ends, "region": kupang}
}

func mustCohort(t testing.TB, f *coursetest.Fixture, token string, body map[string]any) cohortJSON {
	t.Helper()
	r := f.Env.Do(t, http.MethodPost, "/api/v1/cohorts", token, body)
	if r.Status != http.StatusCreated {
		t.Fatalf("create cohort: %d %s", r.Status, r.Body)
	}
	var c cohortJSON
	r.JSON(t, &c)
	return c
}

func today(days int) string { return time.Now().AddDate(0, 0, days).Format(time.DateOnly) }

func TestCreateCohortRights(t *testing.T) {
	f := newFixture(t)
	own := f.MustCourse(t, "jualan", "inst-a", "l1")
	other := f.MustCourse(t, "konten", "inst-b", "k1")
	shared := f.MustCourse(t, "pembukuan", courses.SeedInstitution, "p1")
	_, trainer := f.User(t, lontar.RoleTrainer, "inst-a")
	_, admin := f.User(t, lontar.RoleAdmin, "")
	_, learner := f.Learner(t)
	mixed := map[string]any{"name": "x", "course_ids": []string{own.ID, other.ID}, "starts_on": today(0), "ends_on": today(30), "region": kupang}

	tests := []struct {
		name       string
		token      string
		body       map[string]any
		wantStatus int
		wantField  string
	}{
		{"own course", trainer, cohortBody([]string{own.ID}, today(0), today(30)), http.StatusCreated, ""},
		{"other institution's course", trainer, cohortBody([]string{other.ID}, today(0), today(30)), http.StatusForbidden, ""},
		{"own and other institution's", trainer, mixed, http.StatusForbidden, ""},
		{"a shared (seeded) course, any institution", trainer, cohortBody([]string{shared.ID}, today(0), today(30)), http.StatusCreated, ""},
		{"own and shared", trainer, cohortBody([]string{own.ID, shared.ID}, today(0), today(30)), http.StatusCreated, ""},
		{"admin, one institution and shared", admin, cohortBody([]string{other.ID, shared.ID}, today(0), today(30)), http.StatusCreated, ""},
		{"learner", learner, cohortBody([]string{own.ID}, today(0), today(30)), http.StatusForbidden, ""},
		{"admin, any institution", admin, cohortBody([]string{other.ID}, today(0), today(30)), http.StatusCreated, ""},
		{"admin, two institutions", admin, mixed, http.StatusUnprocessableEntity, "course_ids"},
		{"unknown course", trainer, cohortBody([]string{"nope"}, today(0), today(30)), http.StatusUnprocessableEntity, "course_ids"},
		{"ends before it starts", trainer, cohortBody([]string{own.ID}, today(5), today(1)), http.StatusUnprocessableEntity, "ends_on"},
		{"bad date", trainer, cohortBody([]string{own.ID}, "1 Mei", today(1)), http.StatusUnprocessableEntity, "starts_on"},
		{"unknown region", trainer, map[string]any{"name": "x", "course_ids": []string{own.ID},
			"starts_on": today(0), "ends_on": today(1), "region": "zz"}, http.StatusUnprocessableEntity, "region"},
		{"no courses", trainer, cohortBody([]string{}, today(0), today(1)), http.StatusUnprocessableEntity, "course_ids"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.Env.Do(t, http.MethodPost, "/api/v1/cohorts", tt.token, tt.body, "Accept-Language: en")
			if r.Status != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", r.Status, tt.wantStatus, r.Body)
			}
			if tt.wantField != "" && !strings.Contains(string(r.Body), `"`+tt.wantField+`"`) {
				t.Fatalf("no message for %s: %s", tt.wantField, r.Body)
			}
			if r.Status == http.StatusCreated {
				var c cohortJSON
				r.JSON(t, &c)
				if !regexp.MustCompile(`^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$`).MatchString(c.JoinCode) {
					t.Fatalf("join code %q", c.JoinCode)
				}
				if c.JoinURL != "https://lontar.example/join/"+c.JoinCode {
					t.Fatalf("join url %q", c.JoinURL)
				}
			}
		})
	}

	// A trainer lists their institution's cohorts only (a class on a
	// shared course is the trainer's institution's); the admin's cohorts of
	// inst-b's course belong to inst-b.
	_, trainerB := f.User(t, lontar.RoleTrainer, "inst-b")
	_, trainerC := f.User(t, lontar.RoleTrainer, "inst-c")
	for token, want := range map[string]int{trainer: 3, trainerB: 2, trainerC: 0, admin: 5} {
		var list []cohortJSON
		f.Env.Do(t, http.MethodGet, "/api/v1/cohorts", token, nil).JSON(t, &list)
		if len(list) != want {
			t.Errorf("listed %d cohorts, want %d", len(list), want)
		}
	}
	if r := f.Env.Do(t, http.MethodGet, "/api/v1/cohorts", learner, nil); r.Status != http.StatusForbidden {
		t.Errorf("learner lists cohorts: %d", r.Status)
	}
}

func TestJoinCohortByCode(t *testing.T) {
	f := newFixture(t)
	c1 := f.MustCourse(t, "jualan", "inst-a", "l1,l2")
	c2 := f.MustCourse(t, "buku", "inst-a", "b1")
	_, trainer := f.User(t, lontar.RoleTrainer, "inst-a")
	cohort := mustCohort(t, f, trainer, cohortBody([]string{c1.ID, c2.ID}, today(0), today(30)))
	ended := mustCohort(t, f, trainer, cohortBody([]string{c1.ID}, today(-30), today(-1)))
	_, learner := f.Learner(t)
	_, trainer2 := f.User(t, lontar.RoleTrainer, "inst-a")

	typed := strings.ToLower(strings.ReplaceAll(cohort.JoinCode, "-", ""))
	tests := []struct {
		name, token, code string
		wantStatus        int
	}{
		{"lower case, no dash", learner, typed, http.StatusOK},
		{"again, as shown", learner, cohort.JoinCode, http.StatusOK},
		{"wrong code", learner, "ABCD-EFGH", http.StatusNotFound},
		{"not a code", learner, "0000-0000", http.StatusNotFound},
		{"ended cohort", learner, ended.JoinCode, http.StatusConflict},
		{"trainer", trainer2, cohort.JoinCode, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.Env.Do(t, http.MethodPost, "/api/v1/cohorts/join", tt.token, map[string]any{"code": tt.code}, "Accept-Language: en")
			if r.Status != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", r.Status, tt.wantStatus, r.Body)
			}
			if tt.wantStatus == http.StatusConflict && !strings.Contains(string(r.Body), "ended") {
				t.Fatalf("unclear message: %s", r.Body)
			}
			if r.Status != http.StatusOK {
				return
			}
			var out struct {
				Cohort      cohortJSON
				Enrollments []coursetest.EnrollmentJSON
			}
			r.JSON(t, &out)
			if out.Cohort.ID != cohort.ID || out.Cohort.MembersCount != 1 || len(out.Enrollments) != 2 {
				t.Fatalf("join: %+v", out)
			}
			for _, e := range out.Enrollments {
				if len(e.CohortIDs) != 1 || e.CohortIDs[0] != cohort.ID {
					t.Fatalf("enrollment %s cohorts %v", e.CourseID, e.CohortIDs)
				}
			}
		})
	}
	var mine []coursetest.EnrollmentJSON
	f.Env.Do(t, http.MethodGet, "/api/v1/me/enrollments", learner, nil).JSON(t, &mine)
	if len(mine) != 2 {
		t.Fatalf("learner has %d enrollments, want 2", len(mine))
	}
}

type rosterJSON struct {
	Status       string     `json:"status"`
	UserID       string     `json:"user_id"`
	Name         string     `json:"name"`
	Phone        string     `json:"phone"`
	BusinessName string     `json:"business_name"`
	Sector       string     `json:"sector"`
	Region       string     `json:"region"`
	LastSeenAt   *time.Time `json:"last_seen_at"`
	LastSyncAt   *time.Time `json:"last_sync_at"`
	Pending      int        `json:"pending_at_sync"`
	Courses      []struct {
		CourseID         string                       `json:"course_id"`
		Percent          int                          `json:"percent"`
		CompletedLessons map[string]time.Time         `json:"completed_lessons"`
		CompletedAt      *time.Time                   `json:"completed_at"`
		QuizResults      map[string]lontar.QuizResult `json:"quiz_results"`
	} `json:"courses"`
}

func TestRosterRights(t *testing.T) {
	f := newFixture(t)
	course := f.MustCourse(t, "jualan", "inst-a", "l1,l2")
	_, trainer := f.User(t, lontar.RoleTrainer, "inst-a")
	_, colleague := f.User(t, lontar.RoleTrainer, "inst-a")
	_, outsider := f.User(t, lontar.RoleTrainer, "inst-b")
	_, admin := f.User(t, lontar.RoleAdmin, "")
	_, agency := f.User(t, lontar.RoleAgency, "")
	learnerID, learner := f.Learner(t)
	cohort := mustCohort(t, f, trainer, cohortBody([]string{course.ID}, today(0), today(10)))
	if r := f.Env.Do(t, http.MethodPost, "/api/v1/cohorts/join", learner, map[string]any{"code": cohort.JoinCode}); r.Status != http.StatusOK {
		t.Fatal(r.Status, string(r.Body))
	}
	f.Complete(t, learner, course.ID, "l1")

	for _, path := range []string{"/api/v1/cohorts/" + cohort.ID + "/roster", "/api/v1/cohorts/" + cohort.ID} {
		tests := []struct {
			name       string
			token      string
			wantStatus int
		}{
			{"the trainer", trainer, http.StatusOK},
			{"a colleague", colleague, http.StatusOK},
			{"admin", admin, http.StatusOK},
			{"another institution's trainer", outsider, http.StatusForbidden},
			{"learner", learner, http.StatusForbidden},
			{"agency", agency, http.StatusForbidden},
			{"anonymous", "", http.StatusUnauthorized},
		}
		for _, tt := range tests {
			t.Run(path+" "+tt.name, func(t *testing.T) {
				if r := f.Env.Do(t, http.MethodGet, path, tt.token, nil); r.Status != tt.wantStatus {
					t.Fatalf("status %d, want %d: %s", r.Status, tt.wantStatus, r.Body)
				}
			})
		}
	}
	if r := f.Env.Do(t, http.MethodGet, "/api/v1/cohorts/nope/roster", trainer, nil); r.Status != http.StatusNotFound {
		t.Errorf("unknown cohort: %d", r.Status)
	}

	var roster []rosterJSON
	f.Env.Do(t, http.MethodGet, "/api/v1/cohorts/"+cohort.ID+"/roster", trainer, nil).JSON(t, &roster)
	if len(roster) != 1 || roster[0].UserID != learnerID || roster[0].Phone == "" || roster[0].Sector != "kuliner" ||
		len(roster[0].Courses) != 1 || roster[0].Courses[0].Percent != 50 || len(roster[0].Courses[0].CompletedLessons) != 1 {
		t.Fatalf("roster = %+v", roster)
	}
	if roster[0].LastSyncAt != nil || roster[0].LastSeenAt == nil {
		t.Fatalf("before any sync: last sync %v, last seen %v", roster[0].LastSyncAt, roster[0].LastSeenAt)
	}

	// The phone syncs one event while it says three were waiting: the
	// trainer sees when, and how much was still on the phone then.
	r := f.Env.Do(t, http.MethodPost, "/api/v1/sync", learner, map[string]any{"pending": 3, "events": []map[string]any{{
		"id": "0b9f5c1e-7d2a-4f61-9c3e-5a8b7c6d5e4f", "type": "lesson_completed", "occurred_at": time.Now().UTC().Format(time.RFC3339),
		"course_id": course.ID, "lesson_id": "l2"}}})
	if r.Status != http.StatusOK {
		t.Fatalf("sync: %d %s", r.Status, r.Body)
	}
	f.Env.Do(t, http.MethodGet, "/api/v1/cohorts/"+cohort.ID+"/roster", trainer, nil).JSON(t, &roster)
	if roster[0].LastSyncAt == nil || time.Since(*roster[0].LastSyncAt) > time.Minute || roster[0].Pending != 3 ||
		roster[0].LastSeenAt == nil || roster[0].LastSeenAt.Before(*roster[0].LastSyncAt) || roster[0].Courses[0].Percent != 100 {
		t.Fatalf("after a sync: %+v", roster[0])
	}
}

func TestImportParticipants(t *testing.T) {
	f := newFixture(t)
	course := f.MustCourse(t, "jualan", "inst-a", "l1,l2")
	_, trainer := f.User(t, lontar.RoleTrainer, "inst-a")
	_, outsider := f.User(t, lontar.RoleTrainer, "inst-b")
	cohort := mustCohort(t, f, trainer, cohortBody([]string{course.ID}, today(0), today(10)))
	existingID, _ := f.Learner(t)
	existing, _ := f.Users.Person(t.Context(), existingID)
	path := "/api/v1/cohorts/" + cohort.ID + "/participants/import"

	csv := "\ufeffName;Phone;Business_Name;Sector;Region;Gender\r\n" +
		"Maria Bria;0812-3456-7801;Tenun Ina;tenun;" + kupang + ";P\r\n" + // 2 created
		"Yakobus Lay;" + existing.Phone + ";Sei Babi;kuliner;" + kupang + ";\r\n" + // 3 invited (known phone)
		"Rina;12345;Kios;kuliner;" + kupang + ";\r\n" + // 4 bad phone
		"Dewi;081234567804;Kue;bakery;" + kupang + ";\r\n" + // 5 unknown sector
		"Ani;081234567805;Kue;kuliner;zz;\r\n" + // 6 unknown region
		";081234567806;Kue;kuliner;" + kupang + ";\r\n" + // 7 missing name
		"Maria B.;+62 812 3456 7801;Tenun;tenun;" + kupang + ";\r\n" + // 8 same phone as row 2
		";;;;;\r\n" + // blank: skipped
		"Stefanus;6281234567809;Bengkel;jasa;" + kupang + ";L\r\n" // 10 created

	r := f.Env.Do(t, http.MethodPost, path, trainer, csv, "Content-Type: text/csv", "Accept-Language: en")
	if r.Status != http.StatusOK {
		t.Fatalf("import: %d %s", r.Status, r.Body)
	}
	var out struct {
		Results []struct {
			Row            int    `json:"row"`
			Phone          string `json:"phone"`
			Status         string `json:"status"`
			ActivationCode string `json:"activation_code"`
			Error          string `json:"error"`
		} `json:"results"`
		Created, Enrolled, Invited, Errors int
	}
	r.JSON(t, &out)
	want := []struct {
		row       int
		status    string
		errorPart string
	}{
		{2, "created", ""}, {3, "invited", ""}, {4, "error", "mobile number"}, {5, "error", "sector"},
		{6, "error", "region"}, {7, "error", "name is required"}, {8, "error", "row 2"}, {10, "created", ""},
	}
	if len(out.Results) != len(want) {
		t.Fatalf("%d results, want %d: %s", len(out.Results), len(want), r.Body)
	}
	for i, w := range want {
		got := out.Results[i]
		if got.Row != w.row || got.Status != w.status || !strings.Contains(got.Error, w.errorPart) ||
			(w.status == "created") != (got.ActivationCode != "") {
			t.Errorf("result %d = %+v, want row %d %s %q", i, got, w.row, w.status, w.errorPart)
		}
	}
	if out.Results[0].Phone != "+6281234567801" || out.Created != 2 || out.Invited != 1 || out.Enrolled != 0 || out.Errors != 5 {
		t.Errorf("summary: %+v", out)
	}
	// Nothing about the existing account comes back.
	if strings.Contains(string(r.Body), existingID) || strings.Contains(string(r.Body), existing.Name) ||
		strings.Contains(string(r.Body), existing.Profile.BusinessName) {
		t.Errorf("the import answer reveals the existing account: %s", r.Body)
	}

	var roster []rosterJSON
	f.Env.Do(t, http.MethodGet, "/api/v1/cohorts/"+cohort.ID+"/roster", trainer, nil).JSON(t, &roster)
	if len(roster) != 3 {
		t.Fatalf("roster has %d learners, want 3", len(roster))
	}
	if roster[0].Name != "Maria Bria" || roster[0].Phone != "+6281234567801" || roster[0].BusinessName != "Tenun Ina" ||
		len(roster[0].Courses) != 1 || roster[0].Status != "member" {
		t.Fatalf("imported learner on roster: %+v", roster[0])
	}
	// The invited account shows only what the file said, marked invited.
	inv := roster[2]
	if inv.Status != "invited" || inv.UserID != "" || inv.Name != "Yakobus Lay" || inv.BusinessName != "Sei Babi" || len(inv.Courses) != 0 {
		t.Fatalf("invited account on roster: %+v", inv)
	}

	// Importing the same file again: the accounts it made are enrolled
	// already, the existing account stays invited once.
	r = f.Env.Do(t, http.MethodPost, path, trainer, csv, "Content-Type: text/csv")
	out.Results = nil
	r.JSON(t, &out)
	if out.Created != 0 || out.Enrolled != 2 || out.Invited != 1 {
		t.Fatalf("second import: %+v", out)
	}

	tests := []struct {
		name, token, body, contentType string
		wantStatus                     int
	}{
		{"comma separated, LF", trainer, "name,phone,business_name,sector,region\nYohana,081299990001,Ikat,tenun," + kupang + "\n", "text/csv", http.StatusOK},
		{"missing column", trainer, "name,phone,sector,region\nYohana,081299990002,tenun," + kupang + "\n", "text/csv", http.StatusUnprocessableEntity},
		{"empty file", trainer, "", "text/csv", http.StatusUnprocessableEntity},
		{"not CSV", trainer, `{"name":"x"}`, "application/json", http.StatusBadRequest},
		{"other institution", outsider, "name,phone,business_name,sector,region\n", "text/csv", http.StatusForbidden},
		{"too many rows", trainer, "name,phone,business_name,sector,region\n" +
			strings.Repeat("A,081299990003,B,jasa,"+kupang+"\n", 1001), "text/csv", http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.Env.Do(t, http.MethodPost, path, tt.token, tt.body, "Content-Type: "+tt.contentType)
			if r.Status != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", r.Status, tt.wantStatus, r.Body)
			}
		})
	}
}

// A join link says which class invites its holder before they sign up,
// and nothing about the class's people.
func TestInvitationPreview(t *testing.T) {
	f := newFixture(t)
	course := f.MustCourse(t, "jualan", "inst-a", "l1")
	_, trainer := f.User(t, lontar.RoleTrainer, "inst-a")
	cohort := mustCohort(t, f, trainer, cohortBody([]string{course.ID}, today(0), today(10)))
	r := f.Env.Do(t, http.MethodGet, "/api/v1/join/"+strings.ToLower(cohort.JoinCode), "", nil)
	var got struct {
		Name    string `json:"name"`
		Ended   bool   `json:"ended"`
		Courses []struct {
			ID, Title string
		} `json:"courses"`
	}
	r.JSON(t, &got)
	if r.Status != http.StatusOK || got.Name != "UMKM Oebobo Mei" || got.Ended || len(got.Courses) != 1 || got.Courses[0].ID != course.ID || got.Courses[0].Title == "" {
		t.Fatalf("preview: %d %s", r.Status, r.Body)
	}
	for _, secret := range []string{"join_code", "members", "created_by", cohort.JoinCode} {
		if strings.Contains(string(r.Body), secret) {
			t.Errorf("preview shows %s: %s", secret, r.Body)
		}
	}
	if r := f.Env.Do(t, http.MethodGet, "/api/v1/join/ZZZZ-ZZZZ", "", nil); r.Status != http.StatusNotFound {
		t.Errorf("unknown code: %d %s", r.Status, r.Body)
	}
}

// Who may not create or join a cohort hears that first, whatever the body:
// no token → 401, a role that may not → 403, never a 400 or 422 about a
// body they could not have sent usefully.
func TestCohortRightsBeforeBody(t *testing.T) {
	f := newFixture(t)
	_, learner := f.Learner(t)
	_, agency := f.User(t, lontar.RoleAgency, "")
	_, trainer := f.User(t, lontar.RoleTrainer, "inst-a")
	for _, tt := range []struct {
		name, path, token string
		body              any
		want              int
	}{
		{"create, no token, empty body", "/api/v1/cohorts", "", map[string]any{}, http.StatusUnauthorized},
		{"create, no token, broken JSON", "/api/v1/cohorts", "", `{"name":`, http.StatusUnauthorized},
		{"create, learner, broken JSON", "/api/v1/cohorts", learner, `{"name":`, http.StatusForbidden},
		{"create, agency, empty body", "/api/v1/cohorts", agency, map[string]any{}, http.StatusForbidden},
		{"join, no token, empty body", "/api/v1/cohorts/join", "", map[string]any{}, http.StatusUnauthorized},
		{"join, no token, broken JSON", "/api/v1/cohorts/join", "", `{"code":`, http.StatusUnauthorized},
		{"join, trainer, empty body", "/api/v1/cohorts/join", trainer, map[string]any{}, http.StatusForbidden},
		{"join, agency, broken JSON", "/api/v1/cohorts/join", agency, `{"code":`, http.StatusForbidden},
	} {
		if r := f.Env.Do(t, http.MethodPost, tt.path, tt.token, tt.body); r.Status != tt.want {
			t.Errorf("%s: %d, want %d: %s", tt.name, r.Status, tt.want, r.Body)
		}
	}
}

// Seeded (platform) courses may be used by any institution's cohort (the
// contract); the cohort is the trainer's institution's, which then issues
// the certificates.
func TestCohortOnSeededCourses(t *testing.T) {
	f := newFixture(t)
	seeded := f.MustCourse(t, "jualan-online", courses.SeedInstitution, "l1")
	own := f.MustCourse(t, "hpp", "inst-a", "h1")
	other := f.MustCourse(t, "konten", "inst-b", "k1")
	_, trainer := f.User(t, lontar.RoleTrainer, "inst-a")
	_, admin := f.User(t, lontar.RoleAdmin, "")
	for _, tt := range []struct {
		name, token string
		ids         []string
		want        int
		institution string
	}{
		{"another institution's trainer, seeded course", trainer, []string{seeded.ID}, http.StatusCreated, "inst-a"},
		{"seeded and own course", trainer, []string{seeded.ID, own.ID}, http.StatusCreated, "inst-a"},
		{"seeded and a third institution's course", trainer, []string{seeded.ID, other.ID}, http.StatusForbidden, ""},
		{"admin, seeded and inst-b's course", admin, []string{other.ID, seeded.ID}, http.StatusCreated, "inst-b"},
		{"admin, seeded only", admin, []string{seeded.ID}, http.StatusCreated, courses.SeedInstitution},
	} {
		r := f.Env.Do(t, http.MethodPost, "/api/v1/cohorts", tt.token, cohortBody(tt.ids, today(0), today(30)))
		if r.Status != tt.want {
			t.Errorf("%s: %d, want %d: %s", tt.name, r.Status, tt.want, r.Body)
			continue
		}
		if tt.want == http.StatusCreated {
			var c cohortJSON
			r.JSON(t, &c)
			if c.Institution != tt.institution {
				t.Errorf("%s: institution %q, want %q", tt.name, c.Institution, tt.institution)
			}
		}
	}
}
