package reports

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"lontar"
	"lontar/internal/apitest"
	"lontar/internal/mongotest"
)

// newReportsAPI serves the reports routes over a generated population.
func newReportsAPI(t *testing.T, n int) (*apitest.Env, *Store, []person) {
	t.Helper()
	env := apitest.New(t)
	s := NewStore(env.DB, nil)
	s.now = func() time.Time { return testNow }
	people := genPopulation(rand.New(rand.NewPCG(7, 8)), n)
	ctx := mongotest.Context(t)
	mustSeedWorld(t, ctx, env.DB, people)
	if _, err := s.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	x := NewXAPI(s, "https://lontar.example", []byte("test-key"))
	NewHandler(s, x, NewTrainer(s, nil)).Register(env.API())
	return env, s, people
}

func TestReportRoutesEnforceRolesAndScope(t *testing.T) {
	env, _, people := newReportsAPI(t, 600)
	tok := func(c lontar.Caller) string { return env.Token(t, c) }
	kupang := tok(lontar.Caller{UserID: "a1", Role: lontar.RoleAgency, Scope: []string{"5371"}})
	everywhere := tok(lontar.Caller{UserID: "a2", Role: lontar.RoleAgency})
	learner := tok(lontar.Caller{UserID: "l1", Role: lontar.RoleLearner})
	undana := tok(lontar.Caller{UserID: "t1", Role: lontar.RoleTrainer, Institution: "undana"})
	adminTok := tok(lontar.Caller{UserID: "ad", Role: lontar.RoleAdmin})

	inKupang := truthOf(people, func(p *person) bool { return strings.HasPrefix(p.region, "5371") })
	undanaN := truthOf(people, func(p *person) bool {
		return slices.ContainsFunc(p.cohorts, func(c string) bool { return strings.HasPrefix(c, "co-undana") })
	})
	cases := []struct {
		name, path, token string
		status            int
		enrolled          int64 // checked when > 0
		code              string
	}{
		{"anonymous", "/api/v1/reports/summary", "", 401, 0, "unauthenticated"},
		{"learner never", "/api/v1/reports/summary", learner, 403, 0, "forbidden"},
		{"learner no csv", "/api/v1/reports/export.csv", learner, 403, 0, "forbidden"},
		{"agency sees only its scope", "/api/v1/reports/summary", kupang, 200, inKupang.enrolled, ""},
		{"agency kecamatan inside scope", "/api/v1/reports/summary?region=5371010", kupang, 200, 0, ""},
		{"agency region outside scope is 403", "/api/v1/reports/summary?region=5303", kupang, 403, 0, "forbidden"},
		{"agency kecamatan outside scope is 403", "/api/v1/reports/summary?region=5303110", kupang, 403, 0, "forbidden"},
		{"agency outside scope csv is 403", "/api/v1/reports/export.csv?region=5302", kupang, 403, 0, "forbidden"},
		{"agency without scope sees all", "/api/v1/reports/summary", everywhere, 200, int64(len(people)), ""},
		{"trainer sees their institution's cohorts", "/api/v1/reports/summary", undana, 200, undanaN.enrolled, ""},
		{"trainer other institution's cohort is 403", "/api/v1/reports/summary?cohort_id=co-unkris-1", undana, 403, 0, "forbidden"},
		{"admin sees all", "/api/v1/reports/summary", adminTok, 200, int64(len(people)), ""},
		{"unknown parameter", "/api/v1/reports/summary?colour=red", adminTok, 400, 0, "bad_request"},
		{"unknown region", "/api/v1/reports/summary?region=9999", adminTok, 400, 0, "bad_request"},
		{"bad date", "/api/v1/reports/summary?from=30-06-2026", adminTok, 400, 0, "bad_request"},
		{"reversed range", "/api/v1/reports/summary?from=2026-06-30&to=2026-06-01", adminTok, 400, 0, "bad_request"},
		{"rebuild is admin only", "/api/v1/reports/rebuild", everywhere, 403, 0, "forbidden"},
		{"xapi not for trainers", "/api/v1/reports/xapi", undana, 403, 0, "forbidden"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			method := "GET"
			if strings.HasSuffix(tc.path, "/rebuild") {
				method = "POST"
			}
			r := env.Do(t, method, tc.path, tc.token, nil)
			if r.Status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.Status, tc.status, r.Body)
			}
			if tc.code != "" && r.ErrorCode() != tc.code {
				t.Errorf("code %q, want %q", r.ErrorCode(), tc.code)
			}
			if tc.enrolled > 0 {
				var s Summary
				r.JSON(t, &s)
				if *s.Totals.Enrolled != tc.enrolled {
					t.Errorf("enrolled %d, want %d", *s.Totals.Enrolled, tc.enrolled)
				}
				if tc.token == kupang {
					for _, row := range s.Breakdowns["region"] {
						if row.Key != "5371" {
							t.Errorf("a Kota Kupang agency sees region %s", row.Key)
						}
					}
				}
				if tc.token == undana {
					for _, row := range s.Breakdowns["cohort"] {
						if !strings.HasPrefix(row.Key, "co-undana") {
							t.Errorf("an undana trainer sees cohort %s", row.Key)
						}
					}
				}
			}
		})
	}
	// English labels and messages.
	r := env.Do(t, "GET", "/api/v1/reports/summary", adminTok, nil, "Accept-Language: en")
	if !bytes.Contains(r.Body, []byte(`"label":"Women"`)) || !bytes.Contains(r.Body, []byte("Learning gain")) {
		t.Errorf("English summary lacks English labels or definitions: %.300s", r.Body)
	}
}

func TestCSVEqualsJSONAndIsNeutralised(t *testing.T) {
	env, s, _ := newReportsAPI(t, 500)
	ctx := mongotest.Context(t)
	// A trainer named a cohort like a formula: it must never run.
	if _, err := env.DB.Collection("cohorts").UpdateOne(ctx, bson.M{"_id": "co-undana-2"},
		bson.M{"$set": bson.M{"name": "=HYPERLINK(\"http://evil.example\",\"klik\")"}}); err != nil {
		t.Fatal(err)
	}
	_ = s
	adminTok := env.Token(t, lontar.Caller{UserID: "ad", Role: lontar.RoleAdmin})
	for _, q := range []string{"", "?region=5303", "?sector=tenun&from=2026-04-01"} {
		rc := env.Do(t, "GET", "/api/v1/reports/export.csv"+q, adminTok, nil)
		if rc.Status != 200 || !strings.HasPrefix(rc.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("csv: %d %s", rc.Status, rc.Header.Get("Content-Type"))
		}
		rj := env.Do(t, "GET", "/api/v1/reports/export.json"+q, adminTok, nil)
		var rows []ExportRow
		rj.JSON(t, &rows)
		recs, err := csv.NewReader(bytes.NewReader(rc.Body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(recs[0], ExportColumns) {
			t.Fatalf("header %v", recs[0])
		}
		if len(recs)-1 != len(rows) {
			t.Fatalf("csv has %d rows, json %d", len(recs)-1, len(rows))
		}
		suppressed := 0
		for i, row := range rows {
			rec := recs[i+1]
			for _, cell := range rec {
				if _, num := strconv.ParseFloat(cell, 64); cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) && num != nil {
					t.Errorf("cell %q can run as a formula", cell)
				}
			}
			want := []string{row.Dimension, row.Key, row.Label, intCell(row.Enrolled), intCell(row.Active7d),
				intCell(row.Completed), floatCell(row.CompletionRate), intCell(row.Certificates), floatCell(row.AvgScore),
				intCell(row.AvgScoreN), floatCell(row.AvgPre), floatCell(row.AvgPost), floatCell(row.Gain), intCell(row.GainN),
				strconv.FormatBool(row.Suppressed)}
			for j := range want {
				if got := strings.TrimPrefix(rec[j], "'"); got != want[j] {
					t.Errorf("row %d (%s %s) column %s: csv %q, json %q", i, row.Dimension, row.Key, ExportColumns[j], rec[j], want[j])
				}
			}
			if row.Suppressed {
				suppressed++
				if row.Enrolled != nil || rec[3] != "" {
					t.Errorf("suppressed row %s %s shows a number", row.Dimension, row.Key)
				}
			}
		}
		if q == "" {
			if suppressed == 0 {
				t.Error("no suppressed row in the whole population; the rare kecamatan should be one")
			}
			if !bytes.Contains(rc.Body, []byte(`'=HYPERLINK`)) {
				t.Error("the formula cohort name is not neutralised with a leading apostrophe")
			}
		}
		// The JSON summary holds the same totals.
		rs := env.Do(t, "GET", "/api/v1/reports/summary"+q, adminTok, nil)
		var sum Summary
		rs.JSON(t, &sum)
		if rows[0].Dimension != "total" || *rows[0].Enrolled != *sum.Totals.Enrolled || *rows[0].Completed != *sum.Totals.Completed {
			t.Errorf("export totals %+v differ from the summary's %+v", rows[0], sum.Totals)
		}
	}
}

func decodeList(t *testing.T, body []byte) []map[string]any {
	t.Helper()
	var list []map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&list); err != nil {
		t.Fatalf("not a JSON array: %v\n%.300s", err, body)
	}
	return list
}

var _ = http.StatusOK
