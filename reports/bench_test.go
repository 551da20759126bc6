package reports

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"lontar"
)

// BenchmarkSummary100k answers the summary over 100,000 enrollments on the
// embedded store. Setting up writes the enrollments and rebuilds the
// aggregates from them; the rebuild's time is reported as rebuild-s.
//
//	go test -bench Summary100k -benchtime 50x ./reports/
func BenchmarkSummary100k(b *testing.B) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	s := newTestStore(b)
	people := genPopulation(rand.New(rand.NewPCG(11, 12)), 100_000)
	start := time.Now()
	mustSeedWorld(b, ctx, s.cells.Database(), people)
	b.Logf("writing %d enrollments: %v", len(people), time.Since(start))
	start = time.Now()
	res, err := s.Rebuild(ctx)
	if err != nil {
		b.Fatal(err)
	}
	rebuild := time.Since(start)
	if res.Enrollments != 100_000 {
		b.Fatalf("rebuilt %d enrollments", res.Enrollments)
	}
	// A fresh process loads the cells from the store once at start.
	start = time.Now()
	if err := s.reload(ctx); err != nil {
		b.Fatal(err)
	}
	load := time.Since(start)
	b.Logf("rebuild of %d enrollments into %d cells: %v; loading the cells at start: %v", res.Enrollments, res.Cells, rebuild, load)
	agency := &lontar.Caller{UserID: "a", Role: lontar.RoleAgency, Scope: []string{"5371", "5303"}}
	filters := []Filter{{}, mustFilter(b, "region=5371&sector=tenun&from=2026-04-01")}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		// Every call checks the version document in the store at most once a second;
		// force the check on each call, as if another instance might have written.
		s.tmu.Lock()
		s.checked = time.Time{}
		s.tmu.Unlock()
		sum, err := s.Summary(ctx, agency, filters[i%2], lontar.LangID)
		if err != nil {
			b.Fatal(err)
		}
		if *sum.Totals.Enrolled == 0 {
			b.Fatal("empty summary")
		}
	}
	b.ReportMetric(rebuild.Seconds(), "rebuild-s")
	b.ReportMetric(load.Seconds(), "load-s")
}
