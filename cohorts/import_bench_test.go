package cohorts_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"lontar"
	"lontar/accounts"
	"lontar/cohorts"
	"lontar/courses"
	"lontar/database"
	"lontar/enrollments"
	"lontar/internal/apitest"
	"lontar/internal/coursetest"
)

// realImport is the import route wired as the server wires it: the real
// accounts store for participants, people and codes.
type realImport struct {
	env     *apitest.Env
	users   *accounts.Store
	cohorts *cohorts.Store
	trainer string
	cohort  string
}

func newRealImport(tb testing.TB, db *mongo.Database) *realImport {
	tb.Helper()
	env := apitest.New(tb)
	if db != nil {
		env.DB = db
	}
	_, catalog, publish := coursetest.NewCatalog(env.DB)
	users := accounts.NewStore(env.DB)
	enr := enrollments.NewStore(env.DB, catalog, users, nil, nil, nil)
	cs := cohorts.NewStore(env.DB, catalog, enr, users, "https://lontar.example/")
	ctx := context.Background()
	for _, ensure := range []func(context.Context) error{users.EnsureIndexes, enr.EnsureIndexes, cs.EnsureIndexes} {
		if err := ensure(ctx); err != nil {
			tb.Fatal(err)
		}
	}
	enrollments.NewHandler(enr, nil).Register(env.API())
	cohorts.NewHandler(cs, enr, users, users).Register(env.API())
	course := publishCourse(tb, publish)
	ri := &realImport{env: env, users: users, cohorts: cs,
		trainer: env.Token(tb, lontar.Caller{UserID: "utrainer", Role: lontar.RoleTrainer, Institution: "inst-a"})}
	r := env.Do(tb, http.MethodPost, "/api/v1/cohorts", ri.trainer, cohortBody([]string{course}, today(0), today(30)))
	if r.Status != http.StatusCreated {
		tb.Fatalf("cohort: %d %s", r.Status, r.Body)
	}
	var c cohortJSON
	r.JSON(tb, &c)
	ri.cohort = c.ID
	return ri
}

func (ri *realImport) importCSV(tb testing.TB, csv string) importJSON {
	tb.Helper()
	r := ri.env.Do(tb, http.MethodPost, "/api/v1/cohorts/"+ri.cohort+"/participants/import", ri.trainer, csv, "Content-Type: text/csv")
	if r.Status != http.StatusOK {
		tb.Fatalf("import: %d %.500s", r.Status, r.Body)
	}
	var out importJSON
	r.JSON(tb, &out)
	return out
}

func participantsCSV(n, from int) string {
	var b strings.Builder
	b.WriteString("name,phone,business_name,sector,region,gender\n")
	for i := range n {
		fmt.Fprintf(&b, "Peserta %d,0812%08d,Sei Ina %d,kuliner,%s,P\n", from+i, 40000000+from+i, i, kupang)
	}
	return b.String()
}

// BenchmarkImport1000 imports a file of 1,000 new participants in one
// request, on an embedded store with the production durability
// (synchronous=full): go test -bench Import1000 -benchtime 3x ./cohorts/
func BenchmarkImport1000(b *testing.B) {
	dir := b.TempDir()
	uri, stop, err := database.StartEmbedded(context.Background(), dir, "full", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	defer stop()
	client, err := mongo.Connect(options.Client().ApplyURI(uri).SetMaxPoolSize(1))
	if err != nil {
		b.Fatal(err)
	}
	defer client.Disconnect(context.Background())
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		ri := newRealImport(b, client.Database(fmt.Sprintf("bench%d", i)))
		csv := participantsCSV(1000, i*1000)
		b.StartTimer()
		out := ri.importCSV(b, csv)
		if out.Created != 1000 {
			b.Fatalf("created %d of 1000: %+v", out.Created, out.Results[0])
		}
	}
}

func publishCourse(tb testing.TB, publish func(testing.TB, *courses.Course) *courses.Course) string {
	c := &courses.Course{ID: "jualan", Institution: "inst-a", Topic: "other",
		Title: lontar.T("Jualan", "Selling"), Summary: lontar.T("Ringkasan", "Summary"),
		Modules: []courses.Module{{ID: "m1", Title: lontar.T("Modul", "Module"), Lessons: []courses.Lesson{
			{ID: "l1", Title: lontar.T("Materi", "Lesson"), Body: lontar.T("Isi.", "Body."), EstMinutes: 5}}}}}
	return publish(tb, c).ID
}

// A crash after an import created the accounts and before it enrolled
// them: importing the same file again enrolls them (they are the
// import's own until someone activates them), and their codes can be
// issued again.
func TestImportResumesAfterACrash(t *testing.T) {
	ri := newRealImport(t, nil)
	ctx := context.Background()
	csv := participantsCSV(3, 0)
	// The first run got as far as creating the accounts.
	people := []lontar.Person{}
	for i := range 3 {
		people = append(people, lontar.Person{Name: fmt.Sprintf("Peserta %d", i), Phone: fmt.Sprintf("0812%08d", 40000000+i),
			Profile: lontar.Profile{Sector: "kuliner", Region: kupang}})
	}
	first := ri.users.EnsureParticipants(ctx, people, "cohort:"+ri.cohort)
	out := ri.importCSV(t, csv)
	if out.Enrolled != 3 || out.Invited != 0 {
		t.Fatalf("the replayed import: %+v", out)
	}
	var roster []rosterJSON
	ri.env.Do(t, http.MethodGet, "/api/v1/cohorts/"+ri.cohort+"/roster", ri.trainer, nil).JSON(t, &roster)
	if len(roster) != 3 || roster[0].Status != "member" || roster[0].UserID != first[0].UserID || len(roster[0].Courses) != 1 ||
		roster[0].Courses[0].CourseID != "jualan" {
		t.Fatalf("roster after the replay: %+v", roster)
	}
	// The lost activation code is replaced.
	r := ri.env.Do(t, http.MethodPost, "/api/v1/cohorts/"+ri.cohort+"/participants/"+first[0].UserID+"/code", ri.trainer, nil)
	var code lontar.OneTimeCode
	r.JSON(t, &code)
	if r.Status != http.StatusCreated || code.Kind != "activation" {
		t.Fatalf("new code: %d %s", r.Status, r.Body)
	}
	// Once the owner activated, the account is theirs: another class's
	// import invites it instead.
	if _, _, err := ri.users.Activate(ctx, accounts.ActivateInput{Phone: people[0].Phone, Code: code.Code, Password: "tenun-amarasi"}); err != nil {
		t.Fatal(err)
	}
	other := newRealImport(t, ri.env.DB)
	if out := other.importCSV(t, participantsCSV(1, 0)); out.Invited != 1 {
		t.Fatalf("another class imports an activated account: %+v", out)
	}
}
