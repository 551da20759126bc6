package certificates

import (
	"sync"
	"testing"

	"lontar"
	"lontar/internal/mongotest"
)

func TestCertifyKeepsASnapshot(t *testing.T) {
	e := newEnv(t)
	c := mustCertify(t, e, completion("u1"))
	if c.LearnerName != "Maria Goreti Ndun" || c.CourseTitle.ID != "Jualan Online untuk UMKM" ||
		c.Institution != "Politeknik Negeri Kupang" || c.Minutes != 185 || *c.FinalScore != 85 {
		t.Errorf("snapshot = %+v", c)
	}
	if c.Hours() != 3 { // 185 minutes to the half hour
		t.Errorf("hours = %v, want 3", c.Hours())
	}
	if c.Status() != StatusValid || c.IssuedAt.IsZero() || c.ID != "u1:jualan-online" {
		t.Errorf("certificate = %+v", c)
	}
	// A later completion with other data (the course renamed, the learner
	// renamed) finds the certificate issued and changes nothing.
	later := completion("u1")
	later.LearnerName, later.CourseTitle = "Someone Else", lontar.T("Judul baru", "")
	code, err := e.svc.Certify(mongotest.Context(t), later)
	if err != nil || code != c.Code {
		t.Fatalf("second Certify = %q, %v; want %q", code, err, c.Code)
	}
	again, _ := e.svc.Get(mongotest.Context(t), code)
	if again.LearnerName != "Maria Goreti Ndun" || again.CourseTitle.ID != "Jualan Online untuk UMKM" {
		t.Errorf("snapshot changed: %+v", again)
	}
	if got := e.events.kinds(); len(got) != 1 || got[0] != "issued:"+c.Code {
		t.Errorf("events = %v, want one issued", got)
	}
}

func TestCertifyPlatformCourseInCohortNamesTheCohortsInstitution(t *testing.T) {
	e := newEnv(t)
	in := completion("u1")
	in.Institution, in.CohortIDs = PlatformInstitution, []string{"k1"}
	c := mustCertify(t, e, in)
	if c.Institution != "Universitas Nusa Cendana" || c.CohortName != "Kelas Tenun Oebobo" || c.CohortID != "k1" {
		t.Errorf("certificate = %+v", c)
	}
	alone := completion("u2")
	alone.Institution = PlatformInstitution
	if c := mustCertify(t, e, alone); c.InstitutionName() != "Lontar" || c.CohortName != "" {
		t.Errorf("without a cohort: %+v", c)
	}
	// An institution's own course stays in its name even in a cohort.
	own := completion("u3")
	own.CohortIDs = []string{"k1"}
	if c := mustCertify(t, e, own); c.Institution != "Politeknik Negeri Kupang" {
		t.Errorf("own course: %+v", c)
	}
}

// Twenty requests completing the same enrollment at once issue one
// certificate: every caller gets its code, one event is sent.
func TestCertifyOnceUnderConcurrency(t *testing.T) {
	e := newEnv(t)
	ctx := mongotest.Context(t)
	codes := make([]string, 20)
	var wg sync.WaitGroup
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, err := e.svc.Certify(ctx, completion("u1"))
			if err != nil {
				t.Error(err)
			}
			codes[i] = code
		}()
	}
	wg.Wait()
	for _, code := range codes[1:] {
		if code != codes[0] {
			t.Fatalf("codes differ: %v", codes)
		}
	}
	mine, err := e.svc.Mine(ctx, &lontar.Caller{UserID: "u1"})
	if err != nil || len(mine) != 1 || mine[0].Code != codes[0] {
		t.Fatalf("Mine = %v, %v", mine, err)
	}
	if n, _ := e.DB.Collection("certificates").CountDocuments(ctx, map[string]any{}); n != 1 {
		t.Errorf("%d certificates stored, want 1", n)
	}
	if got := e.events.kinds(); len(got) != 1 {
		t.Errorf("events = %v, want one", got)
	}
}

// A crash after the certificate was stored but before the learner's list
// was updated is repaired by the next Certify (the enrollment still has
// no code recorded, so it calls again).
func TestCertifyRepairsAnInterruptedIssue(t *testing.T) {
	e := newEnv(t)
	ctx := mongotest.Context(t)
	c := mustCertify(t, e, completion("u1"))
	if _, err := e.DB.Collection("certificate_holders").DeleteOne(ctx, map[string]any{"_id": "u1"}); err != nil {
		t.Fatal(err)
	}
	if mine, _ := e.svc.Mine(ctx, &lontar.Caller{UserID: "u1"}); len(mine) != 0 {
		t.Fatalf("setup: list not emptied")
	}
	code, err := e.svc.Certify(ctx, completion("u1"))
	if err != nil || code != c.Code {
		t.Fatalf("Certify = %q, %v", code, err)
	}
	if mine, _ := e.svc.Mine(ctx, &lontar.Caller{UserID: "u1"}); len(mine) != 1 {
		t.Errorf("list not repaired: %v", mine)
	}
}

// A code reserved by an issuance that crashed before storing its
// certificate is unknown, not a certificate.
func TestOrphanCodeIsUnknown(t *testing.T) {
	e := newEnv(t)
	ctx := mongotest.Context(t)
	code := NewCode()
	if err := e.svc.store.reserveCode(ctx, code, "u9:jualan-online"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Get(ctx, code); !lontar.IsCode(err, lontar.ENotFound) {
		t.Errorf("Get(orphan) err = %v, want not_found", err)
	}
}

func TestCertificateValid(t *testing.T) {
	e := newEnv(t)
	ctx := mongotest.Context(t)
	c := mustCertify(t, e, completion("u1"))
	if ok, err := e.svc.CertificateValid(ctx, c.Code); !ok || err != nil {
		t.Errorf("issued: %v, %v", ok, err)
	}
	if ok, err := e.svc.CertificateValid(ctx, NewCode()); ok || err != nil {
		t.Errorf("unknown: %v, %v", ok, err)
	}
	if _, err := e.svc.Revoke(ctx, &lontarAdmin, c.Code, RevokeInput{Reason: "Salah orang"}); err != nil {
		t.Fatal(err)
	}
	if ok, err := e.svc.CertificateValid(ctx, c.Code); ok || err != nil {
		t.Errorf("revoked: %v, %v", ok, err)
	}
}
