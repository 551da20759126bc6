package reports

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"lontar"
)

// testNow is the clock of these tests: 2026-06-30 12:00 WITA.
var testNow = time.Date(2026, 6, 30, 4, 0, 0, 0, time.UTC)

// person is one generated enrollment with its known truth.
type person struct {
	user, course, region, sector, gender string
	cohorts                              []string
	created                              time.Time
	active, completed                    *time.Time
	cert                                 string
	pre, post, final                     float64 // -1 when absent
}

// The generated world: three courses (one with a posttest, one with only
// a pretest and a final, one without quizzes), cohorts of two
// institutions, and regions from busy Kota Kupang to a rare kecamatan.
var (
	testCourses = []string{"jualan", "konten", "buku"}
	testCohorts = map[string]string{"co-undana-1": "undana", "co-undana-2": "undana", "co-unkris-1": "unkris"}
	busyRegions = []string{"5371010", "5371020", "5371030", "5303100", "5303110", "5302", "5304", "5310"}
	rareRegion  = "5303192" // gets exactly 3 learners: always suppressed
)

func genPopulation(rng *rand.Rand, n int) []person {
	out := make([]person, 0, n)
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	score := func() float64 { return float64(rng.IntN(201)) / 2 } // 0, 0.5 … 100
	cohortIDs := []string{"co-undana-1", "co-undana-2", "co-unkris-1"}
	for i := range n {
		p := person{user: fmt.Sprintf("u%06d", i), course: pick(testCourses), region: pick(busyRegions),
			sector: pick(lontar.Sectors), gender: pick([]string{"f", "f", "m", ""}), pre: -1, post: -1, final: -1}
		if i < 3 {
			p.region = rareRegion
		}
		switch r := rng.IntN(10); {
		case r < 4:
		case r < 9:
			p.cohorts = []string{pick(cohortIDs)}
		default:
			p.cohorts = []string{"co-undana-1", "co-unkris-1"}
		}
		p.created = testNow.Add(-time.Duration(rng.IntN(120*24*60)) * time.Minute).Truncate(time.Millisecond)
		if rng.IntN(5) > 0 {
			a := p.created.Add(time.Duration(rng.Int64N(int64(testNow.Sub(p.created)) + 1))).Truncate(time.Millisecond)
			p.active = &a
			if rng.IntN(3) == 0 {
				p.completed = &a
				if rng.IntN(4) > 0 {
					p.cert = fmt.Sprintf("LNT-%06d", i)
				}
			}
		}
		if p.course != "buku" {
			if rng.IntN(4) > 0 {
				p.pre = score()
				if rng.IntN(10) == 0 {
					p.pre = 100
				}
			}
			if rng.IntN(3) > 0 {
				p.final = score()
			}
			if p.course == "jualan" && rng.IntN(3) > 0 {
				p.post = score()
			}
		}
		out = append(out, p)
	}
	return out
}

// enrollmentDoc writes p the way the enrollments feature stores it.
func (p *person) doc() bson.M {
	results := bson.M{}
	add := func(quiz, kind string, first, best float64) {
		results[quiz] = bson.M{"quiz_id": quiz, "kind": kind, "attempts": 2, "first_score": first, "best_score": best,
			"last_score": best, "passed": best >= 70, "updated_at": p.created}
	}
	if p.pre >= 0 {
		add(p.course+"-pre", "pretest", p.pre, p.pre)
	}
	if p.post >= 0 {
		add(p.course+"-post", "posttest", p.post, math.Max(p.post, 90))
	}
	if p.final >= 0 {
		// On the course without a posttest the final's first attempt is
		// the post score; its best score is the final score.
		add(p.course+"-final", "final", p.final, p.final)
	}
	d := bson.M{"_id": p.user + ":" + p.course, "user_id": p.user, "course_id": p.course, "version": 1,
		"learner":    bson.M{"name": "Peserta " + p.user, "region": p.region, "sector": p.sector, "gender": p.gender},
		"cohort_ids": nonNil(p.cohorts), "quiz_results": results, "created_at": p.created, "updated_at": p.created}
	if p.active != nil {
		d["active_at"] = *p.active
	}
	if p.completed != nil {
		d["completed_at"] = *p.completed
	}
	if p.cert != "" {
		d["certificate_code"] = p.cert
	}
	return d
}

// mustSeedWorld writes the courses' quiz indexes, quizzes, cohorts and the
// people's enrollments.
func mustSeedWorld(t testing.TB, ctx context.Context, db *mongo.Database, people []person) {
	t.Helper()
	for _, c := range testCourses {
		title := bson.M{"id": "Kursus " + c, "en": "Course " + c}
		if _, err := db.Collection("courses").InsertOne(ctx, bson.M{"_id": c, "title": title,
			"modules": bson.A{bson.M{"id": "m1", "lessons": bson.A{
				bson.M{"id": "l1", "title": bson.M{"id": "Materi 1", "en": "Lesson 1"}},
				bson.M{"id": "l2", "title": bson.M{"id": "Materi 2", "en": "Lesson 2"}}}}}}); err != nil {
			t.Fatal(err)
		}
	}
	quizzes := map[string][]string{"jualan": {"pretest", "posttest", "final"}, "konten": {"pretest", "final"}}
	for course, kinds := range quizzes {
		var ids []string
		for _, k := range kinds {
			id := course + "-" + map[string]string{"pretest": "pre", "posttest": "post", "final": "final"}[k]
			ids = append(ids, id)
			if _, err := db.Collection("quizzes").InsertOne(ctx, bson.M{"_id": id, "course_id": course, "kind": k,
				"title": bson.M{"id": "Kuis " + id, "en": "Quiz " + id}}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.Collection("course_quizzes").InsertOne(ctx, bson.M{"_id": course, "quiz_ids": ids,
			"final_quiz_id": course + "-final"}); err != nil {
			t.Fatal(err)
		}
	}
	byInst := map[string][]string{}
	for id, inst := range testCohorts {
		if _, err := db.Collection("cohorts").InsertOne(ctx, bson.M{"_id": id, "name": "Kelas " + id,
			"institution": inst, "course_ids": testCourses, "members": bson.A{}}); err != nil {
			t.Fatal(err)
		}
		byInst[inst] = append(byInst[inst], id)
	}
	for inst, ids := range byInst {
		if _, err := db.Collection("institution_cohorts").InsertOne(ctx, bson.M{"_id": inst, "cohort_ids": ids}); err != nil {
			t.Fatal(err)
		}
	}
	docs := make([]any, 0, 1000)
	flush := func() {
		if len(docs) > 0 {
			if _, err := db.Collection("enrollments").InsertMany(ctx, docs, options.InsertMany().SetOrdered(false)); err != nil {
				t.Fatal(err)
			}
			docs = docs[:0]
		}
	}
	for i := range people {
		docs = append(docs, people[i].doc())
		if len(docs) == cap(docs) {
			flush()
		}
	}
	flush()
}

// truth computes the expected totals straight from the people, with the
// definitions written out again independently of the aggregates.
type truthNums struct {
	enrolled, active, completed, certs int64
	finalSum                           float64
	finalN                             int64
	gainSum                            float64
	gainN                              int64
}

func truthOf(people []person, keep func(*person) bool) truthNums {
	var t truthNums
	today := dayOf(testNow)
	for i := range people {
		p := &people[i]
		if !keep(p) {
			continue
		}
		t.enrolled++
		if p.active != nil && dayOf(*p.active) > today-7 {
			t.active++
		}
		if p.completed != nil {
			t.completed++
		}
		if p.cert != "" {
			t.certs++
		}
		if p.final >= 0 {
			t.finalSum += p.final
			t.finalN++
		}
		post := p.post
		if p.course == "konten" {
			post = p.final
		}
		if p.pre >= 0 && p.pre < 100 && post >= 0 {
			t.gainSum += (post - p.pre) / (100 - p.pre)
			t.gainN++
		}
	}
	return t
}

func nilOr[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// checkNumbers compares a summary's numbers to the truth.
func checkNumbers(t *testing.T, what string, got Numbers, want truthNums) {
	t.Helper()
	eq := func(name string, g *int64, w int64) {
		if g == nil || *g != w {
			t.Errorf("%s: %s = %v, want %d", what, name, nilOr(g), w)
		}
	}
	eq("enrolled", got.Enrolled, want.enrolled)
	eq("active_7d", got.Active7d, want.active)
	eq("completed", got.Completed, want.completed)
	eq("certificates", got.Certificates, want.certs)
	eq("avg_score_n", got.AvgScoreN, want.finalN)
	eq("pre_post_gain_n", got.GainN, want.gainN)
	if want.enrolled > 0 {
		if w := round(float64(want.completed)*100/float64(want.enrolled), 1); got.CompletionRate == nil || *got.CompletionRate != w {
			t.Errorf("%s: completion_rate = %v, want %v", what, nilOr(got.CompletionRate), w)
		}
	}
	if want.finalN > 0 {
		if w := round(want.finalSum/float64(want.finalN), 1); got.AvgScore == nil || *got.AvgScore != w {
			t.Errorf("%s: avg_score = %v, want %v", what, nilOr(got.AvgScore), w)
		}
	}
	if want.gainN > 0 {
		if w := round(want.gainSum/float64(want.gainN), 3); got.Gain == nil || math.Abs(*got.Gain-w) > 0.0011 {
			t.Errorf("%s: pre_post_gain = %v, want %v", what, nilOr(got.Gain), w)
		}
	}
}
