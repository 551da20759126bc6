package reports

import (
	"context"
	"go.mongodb.org/mongo-driver/v2/bson"
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

// BenchmarkMaintain is what keeping the aggregates up to date adds to one
// learner's write: re-reading the enrollment, deriving its fact and
// applying the difference to its cells (here the learner's last-active day
// moves, so two histogram entries change), journalled.
//
//	go test -bench Maintain -run XXX ./reports/
func BenchmarkMaintain(b *testing.B) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	s := newTestStore(b)
	people := genPopulation(rand.New(rand.NewPCG(13, 14)), 2000)
	mustSeedWorld(b, ctx, s.cells.Database(), people)
	if err := s.EnsureIndexes(ctx); err != nil {
		b.Fatal(err)
	}
	if _, err := s.Rebuild(ctx); err != nil {
		b.Fatal(err)
	}
	// The embedded store's _id index (database.idIndexer) is added to new
	// tables within two seconds; give it the time, as a running app has.
	time.Sleep(3 * time.Second)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		p := people[i%len(people)]
		b.StopTimer()
		at := testNow.Add(-time.Duration(i%5) * 24 * time.Hour)
		if _, err := s.cells.Database().Collection("enrollments").UpdateOne(ctx, bson.M{"_id": p.user + ":" + p.course},
			bson.M{"$set": bson.M{"active_at": at, "updated_at": testNow.Add(time.Duration(i) * time.Millisecond)}}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := s.Apply(ctx, p.user, p.course); err != nil {
			b.Fatal(err)
		}
	}
}
