package cohorts_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"lontar"
	"lontar/accounts"
	"lontar/internal/coursetest"
)

type importJSON struct {
	Results []struct {
		Row            int    `json:"row"`
		Phone          string `json:"phone"`
		Status         string `json:"status"`
		UserID         string `json:"user_id"`
		ActivationCode string `json:"activation_code"`
		Error          string `json:"error"`
	} `json:"results"`
	Created, Enrolled, Invited, Skipped, Errors int
}

func importCSV(t *testing.T, f *coursetest.Fixture, token, cohortID, csv string) importJSON {
	t.Helper()
	r := f.Env.Do(t, http.MethodPost, "/api/v1/cohorts/"+cohortID+"/participants/import", token, csv,
		"Content-Type: text/csv", "Accept-Language: en")
	if r.Status != http.StatusOK {
		t.Fatalf("import: %d %s", r.Status, r.Body)
	}
	var out importJSON
	r.JSON(t, &out)
	return out
}

type invitationJSON struct {
	CohortID   string `json:"cohort_id"`
	CohortName string `json:"cohort_name"`
	Courses    []struct{ ID, Title string }
}

// An existing account is asked, not enrolled: it sees the invitation and
// is enrolled only on accepting; declining takes it off the roster.
func TestImportInvitesExistingAccounts(t *testing.T) {
	f := newFixture(t)
	course := f.MustCourse(t, "jualan", "inst-a", "l1,l2")
	_, trainer := f.User(t, lontar.RoleTrainer, "inst-a")
	cohort := mustCohort(t, f, trainer, cohortBody([]string{course.ID}, today(0), today(10)))
	second := mustCohort(t, f, trainer, cohortBody([]string{course.ID}, today(0), today(10)))
	yuli, yuliTok := f.Learner(t)
	beni, beniTok := f.Learner(t)
	pYuli, _ := f.Users.Person(t.Context(), yuli)
	pBeni, _ := f.Users.Person(t.Context(), beni)
	csv := "name,phone,business_name,sector,region\n" +
		"Yuli dari CSV," + pYuli.Phone + ",Sei CSV,kuliner," + kupang + "\n" +
		"Beni," + pBeni.Phone + ",Tenun,tenun," + kupang + "\n"
	out := importCSV(t, f, trainer, cohort.ID, csv)
	if out.Invited != 2 || out.Results[0].UserID != "" || out.Results[0].Status != "invited" {
		t.Fatalf("import: %+v", out)
	}
	importCSV(t, f, trainer, second.ID, csv)

	// Not enrolled until they say yes.
	if r := f.Env.Do(t, http.MethodGet, "/api/v1/me/enrollments/"+course.ID, yuliTok, nil); r.Status != http.StatusNotFound {
		t.Fatalf("enrolled without accepting: %d %s", r.Status, r.Body)
	}
	var list []invitationJSON
	r := f.Env.Do(t, http.MethodGet, "/api/v1/me/invitations", yuliTok, nil, "Accept-Language: en")
	r.JSON(t, &list)
	if r.Status != 200 || len(list) != 2 || list[0].CohortName != "UMKM Oebobo Mei" || len(list[0].Courses) != 1 ||
		list[0].Courses[0].Title != "Course jualan" {
		t.Fatalf("invitations: %d %s", r.Status, r.Body)
	}
	// Nobody else's invitation can be answered.
	if r := f.Env.Do(t, http.MethodPost, "/api/v1/me/invitations/"+cohort.ID+"/accept", f.Env.Token(t, lontar.Caller{UserID: "uother", Role: lontar.RoleLearner}), nil); r.Status != http.StatusNotFound {
		t.Fatalf("a stranger accepts: %d %s", r.Status, r.Body)
	}

	// Yuli accepts: enrolled, with her own profile on the roster.
	for range 2 { // accepting twice changes nothing
		r = f.Env.Do(t, http.MethodPost, "/api/v1/me/invitations/"+cohort.ID+"/accept", yuliTok, nil)
		if r.Status != http.StatusOK || !strings.Contains(string(r.Body), `"enrollments"`) || strings.Contains(string(r.Body), "join_code") {
			t.Fatalf("accept: %d %s", r.Status, r.Body)
		}
	}
	e := f.MyEnrollment(t, yuliTok, course.ID)
	if len(e.CohortIDs) != 1 || e.CohortIDs[0] != cohort.ID {
		t.Fatalf("enrollment after accepting: %+v", e)
	}
	// Beni declines the first class.
	if r := f.Env.Do(t, http.MethodPost, "/api/v1/me/invitations/"+cohort.ID+"/decline", beniTok, nil); r.Status != http.StatusNoContent {
		t.Fatalf("decline: %d %s", r.Status, r.Body)
	}
	if r := f.Env.Do(t, http.MethodPost, "/api/v1/me/invitations/"+cohort.ID+"/accept", beniTok, nil); r.Status != http.StatusConflict {
		t.Fatalf("accept after declining: %d %s", r.Status, r.Body)
	}
	if r := f.Env.Do(t, http.MethodGet, "/api/v1/me/enrollments/"+course.ID, beniTok, nil); r.Status != http.StatusNotFound {
		t.Fatalf("enrolled after declining: %d", r.Status)
	}
	list = nil
	f.Env.Do(t, http.MethodGet, "/api/v1/me/invitations", beniTok, nil).JSON(t, &list)
	if len(list) != 1 || list[0].CohortID != second.ID {
		t.Fatalf("Beni's invitations after declining one: %+v", list)
	}

	var roster []rosterJSON
	f.Env.Do(t, http.MethodGet, "/api/v1/cohorts/"+cohort.ID+"/roster", trainer, nil).JSON(t, &roster)
	if len(roster) != 1 || roster[0].Status != "member" || roster[0].UserID != yuli || roster[0].Name != pYuli.Name ||
		roster[0].BusinessName != pYuli.Profile.BusinessName {
		t.Fatalf("roster after accept and decline: %+v", roster)
	}
	roster = nil
	f.Env.Do(t, http.MethodGet, "/api/v1/cohorts/"+second.ID+"/roster", trainer, nil).JSON(t, &roster)
	if len(roster) != 2 || roster[0].Status != "invited" || roster[0].Name != "Yuli dari CSV" || roster[0].UserID != "" {
		t.Fatalf("roster of the second class: %+v", roster)
	}
}

func TestImportNeverEnrollsStaff(t *testing.T) {
	f := newFixture(t)
	course := f.MustCourse(t, "jualan", "inst-a", "l1")
	_, trainer := f.User(t, lontar.RoleTrainer, "inst-a")
	cohort := mustCohort(t, f, trainer, cohortBody([]string{course.ID}, today(0), today(10)))
	var csv strings.Builder
	csv.WriteString("name,phone,business_name,sector,region\n")
	for i, role := range []lontar.Role{lontar.RoleTrainer, lontar.RoleAgency, lontar.RoleAdmin} {
		phone := fmt.Sprintf("08139999000%d", i)
		if _, err := f.Users.CreateUser(t.Context(), accounts.CreateUserInput{Phone: phone, Name: "Staf",
			Password: "tenun-amarasi", Role: role, Institution: "inst-b"}); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&csv, "Staf,%s,Kantor,jasa,%s\n", phone, kupang)
	}
	out := importCSV(t, f, trainer, cohort.ID, csv.String())
	if out.Skipped != 3 || out.Invited+out.Enrolled+out.Created != 0 {
		t.Fatalf("staff rows: %+v", out)
	}
	for _, r := range out.Results {
		if r.Status != "skipped" || !strings.Contains(r.Error, "staff") || r.UserID != "" {
			t.Errorf("row %d: %+v", r.Row, r)
		}
	}
	var roster []rosterJSON
	f.Env.Do(t, http.MethodGet, "/api/v1/cohorts/"+cohort.ID+"/roster", trainer, nil).JSON(t, &roster)
	if len(roster) != 0 {
		t.Fatalf("staff on the roster: %+v", roster)
	}
}

// An unclosed quote reports its own row; the rows after it are read.
func TestImportUnclosedQuoteReportsItsRow(t *testing.T) {
	f := newFixture(t)
	course := f.MustCourse(t, "jualan", "inst-a", "l1")
	_, trainer := f.User(t, lontar.RoleTrainer, "inst-a")
	cohort := mustCohort(t, f, trainer, cohortBody([]string{course.ID}, today(0), today(10)))
	csv := "name,phone,business_name,sector,region\n" +
		"Maria,081255550001,Tenun,tenun," + kupang + "\n" +
		"\"Yakobus,081255550002,Sei,kuliner," + kupang + "\n" + // the quote never closes
		"Dewi,081255550003,Kue \"Oma\",kuliner," + kupang + "\n" +
		"Ani,081255550004,=HYPERLINK(\"http://x\"),kuliner," + kupang + "\n" +
		"Yosef," + strings.Repeat("9", 200_000) + ",Sasando,kerajinan," + kupang + "\n" // not a phone, and huge
	out := importCSV(t, f, trainer, cohort.ID, csv)
	if r := out.Results[len(out.Results)-1]; r.Status != "error" || len(r.Phone) > 100 {
		t.Fatalf("row with a 200,000-character phone cell: status %q, phone of %d bytes sent back", r.Status, len(r.Phone))
	}
	out.Results = out.Results[:len(out.Results)-1]
	if len(out.Results) != 4 {
		t.Fatalf("%d results: %+v", len(out.Results), out)
	}
	if r := out.Results[1]; r.Row != 3 || r.Status != "error" || !strings.Contains(r.Error, "quote") {
		t.Fatalf("row with the open quote: %+v", r)
	}
	for _, i := range []int{0, 2, 3} {
		if r := out.Results[i]; r.Status != "created" {
			t.Errorf("row %d after the open quote: %+v", r.Row, r)
		}
	}
	// The formula-like cell is stored as the text it is.
	var roster []rosterJSON
	f.Env.Do(t, http.MethodGet, "/api/v1/cohorts/"+cohort.ID+"/roster", trainer, nil).JSON(t, &roster)
	found := false
	for _, e := range roster {
		found = found || e.BusinessName == `=HYPERLINK("http://x")`
	}
	if !found || roster[1].BusinessName != `Kue "Oma"` {
		t.Fatalf("stored cells: %+v", roster)
	}
}

// A trainer of the class gives a participant a new code: activation if
// they never activated (the first was lost), reset if they forgot their
// password. Only for the class's learners.
func TestTrainerIssuesParticipantCodes(t *testing.T) {
	f := newFixture(t)
	course := f.MustCourse(t, "jualan", "inst-a", "l1")
	_, trainer := f.User(t, lontar.RoleTrainer, "inst-a")
	_, otherTrainer := f.User(t, lontar.RoleTrainer, "inst-b")
	cohort := mustCohort(t, f, trainer, cohortBody([]string{course.ID}, today(0), today(10)))
	out := importCSV(t, f, trainer, cohort.ID, "name,phone,business_name,sector,region\nMaria,081255550001,Tenun,tenun,"+kupang+"\n")
	id := out.Results[0].UserID
	path := "/api/v1/cohorts/" + cohort.ID + "/participants/" + id + "/code"
	r := f.Env.Do(t, http.MethodPost, path, trainer, nil)
	var code lontar.OneTimeCode
	r.JSON(t, &code)
	if r.Status != http.StatusCreated || code.Kind != "activation" || code.Code == "" || code.Code == out.Results[0].ActivationCode {
		t.Fatalf("new activation code: %d %s", r.Status, r.Body)
	}
	phone := out.Results[0].Phone
	if _, _, err := f.Users.Activate(t.Context(), accounts.ActivateInput{Phone: phone, Code: code.Code, Password: "tenun-amarasi"}); err != nil {
		t.Fatal(err)
	}
	r = f.Env.Do(t, http.MethodPost, path, trainer, nil)
	r.JSON(t, &code)
	if r.Status != http.StatusCreated || code.Kind != "reset" {
		t.Fatalf("reset code: %d %s", r.Status, r.Body)
	}
	outsider, _ := f.Learner(t)
	for name, tt := range map[string]struct {
		token, path string
		want        int
	}{
		"another institution's trainer": {otherTrainer, path, http.StatusForbidden},
		"not in this class":             {trainer, "/api/v1/cohorts/" + cohort.ID + "/participants/" + outsider + "/code", http.StatusNotFound},
		"the learner":                   {f.Env.Token(t, lontar.Caller{UserID: id, Role: lontar.RoleLearner}), path, http.StatusForbidden},
	} {
		if r := f.Env.Do(t, http.MethodPost, tt.path, tt.token, nil); r.Status != tt.want {
			t.Errorf("%s: %d, want %d: %s", name, r.Status, tt.want, r.Body)
		}
	}
}

// The roster as CSV neutralises cells a spreadsheet would run, and keeps
// the rest as typed.
func TestRosterCSVNeutralisesFormulas(t *testing.T) {
	f := newFixture(t)
	course := f.MustCourse(t, "jualan", "inst-a", "l1")
	_, trainer := f.User(t, lontar.RoleTrainer, "inst-a")
	_, other := f.User(t, lontar.RoleTrainer, "inst-b")
	cohort := mustCohort(t, f, trainer, cohortBody([]string{course.ID}, today(0), today(10)))
	importCSV(t, f, trainer, cohort.ID, "name,phone,business_name,sector,region\n"+
		"Maria,081255550001,\"=HYPERLINK(\"\"http://x\"\",\"\"klik\"\")\",tenun,"+kupang+"\n"+
		"Ani,081255550002,@SUM(A1),kuliner,"+kupang+"\n"+
		"Dewi,081255550003,-2+3,kuliner,"+kupang+"\n"+
		"Sari,081255550004,Kue Sari,kuliner,"+kupang+"\n")
	r := f.Env.Do(t, http.MethodGet, "/api/v1/cohorts/"+cohort.ID+"/roster.csv", trainer, nil)
	if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") ||
		r.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("roster.csv: %d %v", r.Status, r.Header)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Body, []byte("\xEF\xBB\xBF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	cells := map[string]bool{}
	for _, rec := range recs[1:] {
		cells[rec[3]] = true
		for _, cell := range rec {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) && cell != "+6281255550001" && !strings.HasPrefix(cell, "+62") {
				t.Errorf("a cell a spreadsheet would run: %q", cell)
			}
		}
	}
	for _, want := range []string{`'=HYPERLINK("http://x","klik")`, "'@SUM(A1)", "'-2+3", "Kue Sari"} {
		if !cells[want] {
			t.Errorf("business names %v lack %q", cells, want)
		}
	}
	if r := f.Env.Do(t, http.MethodGet, "/api/v1/cohorts/"+cohort.ID+"/roster.csv", other, nil); r.Status != http.StatusForbidden {
		t.Fatalf("another institution's trainer: %d", r.Status)
	}
}

// Importing someone who joined by code leaves their roster entry (their
// own profile) as it is.
func TestImportOfAMemberChangesNothing(t *testing.T) {
	f := newFixture(t)
	course := f.MustCourse(t, "jualan", "inst-a", "l1")
	_, trainer := f.User(t, lontar.RoleTrainer, "inst-a")
	cohort := mustCohort(t, f, trainer, cohortBody([]string{course.ID}, today(0), today(10)))
	id, token := f.Learner(t)
	if r := f.Env.Do(t, http.MethodPost, "/api/v1/cohorts/join", token, map[string]string{"code": cohort.JoinCode}); r.Status != http.StatusOK {
		t.Fatalf("join: %d %s", r.Status, r.Body)
	}
	p, _ := f.Users.Person(t.Context(), id)
	out := importCSV(t, f, trainer, cohort.ID, "name,phone,business_name,sector,region\nNama Lain,"+p.Phone+",Usaha Lain,jasa,"+kupang+"\n")
	if out.Enrolled != 1 || out.Invited != 0 {
		t.Fatalf("import of a member: %+v", out)
	}
	var roster []rosterJSON
	f.Env.Do(t, http.MethodGet, "/api/v1/cohorts/"+cohort.ID+"/roster", trainer, nil).JSON(t, &roster)
	if len(roster) != 1 || roster[0].Name != p.Name || roster[0].BusinessName != p.Profile.BusinessName {
		t.Fatalf("roster after importing a member: %+v", roster)
	}
}

func TestCohortNamesAreCleaned(t *testing.T) {
	f := newFixture(t)
	course := f.MustCourse(t, "jualan", "inst-a", "l1")
	_, trainer := f.User(t, lontar.RoleTrainer, "inst-a")
	for _, bad := range []string{"\u200b\u200b", "Kelas\u202eA", "Kelas\nA", "Kelas\x00"} {
		body := cohortBody([]string{course.ID}, today(0), today(10))
		body["name"] = bad
		r := f.Env.Do(t, http.MethodPost, "/api/v1/cohorts", trainer, body)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `"name"`) {
			t.Errorf("%q: %d %s", bad, r.Status, r.Body)
		}
	}
}

// An ended class cannot be joined, so importing into it is refused as a
// whole: it used to answer "invited" for an invitation the person could
// never see or accept, and to enroll new accounts in a class that was over.
func TestImportIntoAnEndedCohortIsRefused(t *testing.T) {
	f := newFixture(t)
	course := f.MustCourse(t, "jualan", "inst-a", "l1")
	_, trainer := f.User(t, lontar.RoleTrainer, "inst-a")
	ended := mustCohort(t, f, trainer, cohortBody([]string{course.ID}, today(-40), today(-10)))
	yuli, _ := f.Learner(t)
	pYuli, _ := f.Users.Person(t.Context(), yuli)
	csv := "name,phone,business_name,sector,region\n" +
		"Yuli," + pYuli.Phone + ",Sei,kuliner," + kupang + "\n" +
		"Orang Baru,081299887766,Tenun,tenun," + kupang + "\n"
	r := f.Env.Do(t, http.MethodPost, "/api/v1/cohorts/"+ended.ID+"/participants/import", trainer, csv, "Content-Type: text/csv")
	if r.Status != http.StatusConflict || !strings.Contains(string(r.Body), "berakhir") {
		t.Fatalf("import into an ended class: %d %s", r.Status, r.Body)
	}
	roster := f.Env.Do(t, http.MethodGet, "/api/v1/cohorts/"+ended.ID+"/roster", trainer, nil)
	if roster.Status != 200 || strings.Contains(string(roster.Body), "Orang Baru") || strings.Contains(string(roster.Body), pYuli.Phone) {
		t.Fatalf("roster after a refused import: %d %s", roster.Status, roster.Body)
	}
}
