package reports

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"lontar"
	"lontar/internal/mongotest"
	"lontar/regions"
)

func newTestStore(t testing.TB) *Store {
	t.Helper()
	s := NewStore(mongotest.NewDatabase(t), nil)
	s.now = func() time.Time { return testNow }
	return s
}

var admin = &lontar.Caller{UserID: "admin", Role: lontar.RoleAdmin}

func TestSummaryIsExactOnAGeneratedPopulation(t *testing.T) {
	ctx := mongotest.Context(t)
	s := newTestStore(t)
	people := genPopulation(rand.New(rand.NewPCG(1, 2)), 1500)
	mustSeedWorld(t, ctx, s.cells.Database(), people)
	res, err := s.Rebuild(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Enrollments != len(people) {
		t.Fatalf("rebuild saw %d enrollments, want %d", res.Enrollments, len(people))
	}

	cases := []struct {
		name   string
		filter string
		keep   func(*person) bool
	}{
		{"all", "", func(*person) bool { return true }},
		{"kabupaten includes its kecamatan", "region=5371", func(p *person) bool { return strings.HasPrefix(p.region, "5371") }},
		{"kecamatan", "region=5303110", func(p *person) bool { return p.region == "5303110" }},
		{"sector", "sector=tenun", func(p *person) bool { return p.sector == "tenun" }},
		{"course", "course_id=konten", func(p *person) bool { return p.course == "konten" }},
		{"cohort", "cohort_id=co-unkris-1", func(p *person) bool { return slices.Contains(p.cohorts, "co-unkris-1") }},
		{"date range", "from=2026-05-01&to=2026-05-31", func(p *person) bool {
			d := dayOf(p.created).String()
			return d >= "2026-05-01" && d <= "2026-05-31"
		}},
		{"combined", "region=5303&sector=kuliner&from=2026-04-01", func(p *person) bool {
			return strings.HasPrefix(p.region, "5303") && p.sector == "kuliner" && dayOf(p.created).String() >= "2026-04-01"
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := mustFilter(t, tc.filter)
			sum, err := s.Summary(ctx, admin, f, lontar.LangID)
			if err != nil {
				t.Fatal(err)
			}
			want := truthOf(people, tc.keep)
			if want.enrolled == 0 {
				t.Fatal("the case selects nobody; the test would prove nothing")
			}
			checkNumbers(t, "totals", sum.Totals, want)
			// Every breakdown cell of 5 or more is exact; smaller ones are
			// suppressed and show no number.
			for _, row := range sum.Breakdowns["region"] {
				w := truthOf(people, func(p *person) bool { return tc.keep(p) && regions.Kabupaten(p.region) == row.Key })
				if w.enrolled < MinCell {
					if !row.Suppressed || row.Enrolled != nil {
						t.Errorf("region %s with %d learners is not suppressed: %+v", row.Key, w.enrolled, row.Numbers)
					}
					continue
				}
				checkNumbers(t, "region "+row.Key, row.Numbers, w)
			}
			for _, row := range sum.Breakdowns["gender"] {
				w := truthOf(people, func(p *person) bool { return tc.keep(p) && p.gender == row.Key })
				if w.enrolled >= MinCell {
					checkNumbers(t, "gender "+row.Key, row.Numbers, w)
				}
			}
			var weekly int64
			for _, w := range sum.Weekly {
				if w.Enrolled != nil {
					weekly += *w.Enrolled
				}
			}
			if !slices.ContainsFunc(sum.Weekly, func(w Week) bool { return w.Suppressed }) && weekly != want.enrolled {
				t.Errorf("weekly enrollments add up to %d, want %d", weekly, want.enrolled)
			}
		})
	}
}

func TestSmallCellsAreSuppressedButTotalsStayExact(t *testing.T) {
	ctx := mongotest.Context(t)
	s := newTestStore(t)
	people := genPopulation(rand.New(rand.NewPCG(3, 4)), 400)
	mustSeedWorld(t, ctx, s.cells.Database(), people)
	if _, err := s.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	sum, err := s.Summary(ctx, admin, Filter{}, lontar.LangEN)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(sum.Breakdowns["kecamatan"], func(r Row) bool { return r.Key == rareRegion })
	if i < 0 {
		t.Fatalf("the rare kecamatan has no row: %+v", sum.Breakdowns["kecamatan"])
	}
	row := sum.Breakdowns["kecamatan"][i]
	if !row.Suppressed || row.Enrolled != nil || row.Completed != nil || row.AvgScore != nil {
		t.Errorf("a kecamatan of 3 learners shows numbers: %+v", row.Numbers)
	}
	if row.Label != "Kupang Tengah" && row.Label == "" {
		t.Errorf("row has no label: %+v", row)
	}
	if *sum.Totals.Enrolled != int64(len(people)) {
		t.Errorf("total enrolled = %d, want %d (suppression must not touch totals)", *sum.Totals.Enrolled, len(people))
	}
	// Filtering to the rare kecamatan: the total is exact, every breakdown cell suppressed.
	sum, err = s.Summary(ctx, admin, mustFilter(t, "region="+rareRegion), lontar.LangEN)
	if err != nil {
		t.Fatal(err)
	}
	if *sum.Totals.Enrolled != 3 {
		t.Errorf("total enrolled in the rare kecamatan = %d, want 3", *sum.Totals.Enrolled)
	}
	for dim, rows := range sum.Breakdowns {
		for _, r := range rows {
			if !r.Suppressed {
				t.Errorf("%s %s shows numbers for at most 3 learners: %+v", dim, r.Key, r.Numbers)
			}
		}
	}
}

func TestMaintainedEqualsRebuiltForTheSamePopulation(t *testing.T) {
	ctx := mongotest.Context(t)
	s := newTestStore(t)
	people := genPopulation(rand.New(rand.NewPCG(5, 6)), 300)
	mustSeedWorld(t, ctx, s.cells.Database(), people)
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	for _, p := range people {
		if err := s.Apply(ctx, p.user, p.course); err != nil {
			t.Fatal(err)
		}
	}
	// A second pass changes nothing: maintenance is idempotent.
	for _, p := range people[:50] {
		if err := s.Apply(ctx, p.user, p.course); err != nil {
			t.Fatal(err)
		}
	}
	maintained := mustCells(t, s)
	if _, err := s.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	rebuilt := mustCells(t, s)
	if d := diffTables(maintained, rebuilt); d != "" {
		t.Fatalf("maintained cells differ from a rebuild:\n%s", d)
	}
	want := truthOf(people, func(*person) bool { return true })
	sum, err := s.Summary(ctx, admin, Filter{}, lontar.LangID)
	if err != nil {
		t.Fatal(err)
	}
	checkNumbers(t, "totals", sum.Totals, want)
}

func mustFilter(t testing.TB, q string) Filter {
	t.Helper()
	v, err := urlValues(q)
	if err != nil {
		t.Fatal(err)
	}
	f, err := ParseFilter(v)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// mustCells reads the stored cells afresh (not the in-memory copy).
func mustCells(t testing.TB, s *Store) table {
	t.Helper()
	tb, err := s.loadCells(mongotest.Context(t))
	if err != nil {
		t.Fatal(err)
	}
	return tb
}
