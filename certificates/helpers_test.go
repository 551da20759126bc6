package certificates

import (
	"context"
	"sync"
	"testing"
	"time"

	"lontar"
	"lontar/internal/apitest"
	"lontar/internal/mongotest"
)

const testPublicURL = "https://lontar.example"

// env is one test's service over a fresh database, with its HTTP routes.
type env struct {
	*apitest.Env
	svc    *Service
	events *eventLog
}

type eventLog struct {
	mu   sync.Mutex
	list []Event
}

func (l *eventLog) add(_ context.Context, e Event) {
	l.mu.Lock()
	l.list = append(l.list, e)
	l.mu.Unlock()
}

func (l *eventLog) kinds() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var k []string
	for _, e := range l.list {
		k = append(k, e.Kind+":"+e.Certificate.Code)
	}
	return k
}

// fakeCohorts names cohorts for the tests; the real adapter is in server.
type fakeCohorts map[string][2]string

func (f fakeCohorts) CohortIssuer(_ context.Context, id string) (string, string, error) {
	c, ok := f[id]
	if !ok {
		return "", "", lontar.NotFound("Kelas", "Cohort")
	}
	return c[0], c[1], nil
}

func newEnv(t testing.TB) *env {
	t.Helper()
	e := &env{Env: apitest.New(t), events: &eventLog{}}
	ctx := mongotest.Context(t)
	keys, err := LoadKeys(ctx, e.DB, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	store := NewStore(e.DB)
	if err := store.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	e.svc = NewService(store, keys, Config{PublicURL: testPublicURL + "/",
		Cohorts: fakeCohorts{"k1": {"Kelas Tenun Oebobo", "Universitas Nusa Cendana"}}, OnEvent: e.events.add})
	h := NewHandler(e.svc)
	h.Register(e.API())
	h.RegisterPublic(e.App)
	return e
}

func score(v float64) *float64 { return &v }

// completion is a finished seeded-style course of a learner.
func completion(userID string) lontar.Completion {
	return lontar.Completion{
		UserID: userID, CourseID: "jualan-online", LearnerName: "Maria Goreti Ndun",
		CourseTitle:   lontar.T("Jualan Online untuk UMKM", "Selling Online for Small Businesses"),
		CourseSummary: lontar.T("Berjualan di marketplace dan WhatsApp.", "Selling on marketplaces and WhatsApp."),
		Institution:   "Politeknik Negeri Kupang", Minutes: 185, FinalScore: score(85),
		CompletedAt: time.Date(2026, 11, 20, 3, 4, 5, 0, time.UTC),
	}
}

func mustCertify(t testing.TB, e *env, in lontar.Completion) *Certificate {
	t.Helper()
	code, err := e.svc.Certify(mongotest.Context(t), in)
	if err != nil {
		t.Fatal(err)
	}
	c, err := e.svc.Get(mongotest.Context(t), code)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var (
	lontarAdmin   = lontar.Caller{UserID: "admin1", Name: "Admin", Role: lontar.RoleAdmin}
	lontarTrainer = lontar.Caller{UserID: "tr1", Name: "Yohanes", Role: lontar.RoleTrainer, Institution: "Politeknik Negeri Kupang"}
	otherTrainer  = lontar.Caller{UserID: "tr2", Name: "Agnes", Role: lontar.RoleTrainer, Institution: "Universitas Nusa Cendana"}
)

var (
	lontarLearner = lontar.Caller{UserID: "u1", Name: "Maria", Role: lontar.RoleLearner}
	agency        = lontar.Caller{UserID: "ag1", Name: "Dinas", Role: lontar.RoleAgency}
)
