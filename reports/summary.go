package reports

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"lontar"
	"lontar/regions"
)

// MinCell is the smallest number of learners a breakdown cell shows;
// cells of 1 to MinCell-1 learners are suppressed so nobody in a small
// place or group can be singled out. Totals are always exact.
const MinCell = 5

// Filter narrows a report. Zero values mean "all".
type Filter struct {
	Course string `json:"course_id,omitempty"`
	Region string `json:"region,omitempty"` // a kabupaten/kota includes its kecamatan
	Sector string `json:"sector,omitempty"`
	Cohort string `json:"cohort_id,omitempty"`
	From   string `json:"from,omitempty"` // enrolled on or after (YYYY-MM-DD, WITA)
	To     string `json:"to,omitempty"`   // enrolled on or before
	from   day
	to     day
}

var filterParams = []string{"course_id", "region", "sector", "cohort_id", "from", "to", "lang"}

// ParseFilter reads a filter from query parameters; an unknown parameter
// or value is a bad_request error naming it.
func ParseFilter(q url.Values) (Filter, error) {
	fields := map[string]lontar.Text{}
	for k := range q {
		if !slices.Contains(filterParams, k) {
			fields[k] = lontar.T("Parameter tidak dikenal.", "Unknown parameter.")
		}
	}
	f := Filter{Course: q.Get("course_id"), Region: q.Get("region"), Sector: q.Get("sector"),
		Cohort: q.Get("cohort_id"), From: q.Get("from"), To: q.Get("to")}
	if f.Region != "" && !regions.Valid(f.Region) {
		fields["region"] = lontar.T("Kode wilayah tidak dikenal.", "Unknown region code.")
	}
	if f.Sector != "" && !slices.Contains(lontar.Sectors, f.Sector) {
		fields["sector"] = lontar.T("Sektor tidak dikenal.", "Unknown sector.")
	}
	var ok bool
	if f.From != "" {
		if f.from, ok = parseDay(f.From); !ok {
			fields["from"] = lontar.T("Tanggal harus YYYY-MM-DD.", "The date must be YYYY-MM-DD.")
		}
	}
	if f.To != "" {
		if f.to, ok = parseDay(f.To); !ok {
			fields["to"] = lontar.T("Tanggal harus YYYY-MM-DD.", "The date must be YYYY-MM-DD.")
		}
	}
	if f.from != 0 && f.to != 0 && f.to < f.from {
		fields["to"] = lontar.T("Tanggal akhir sebelum tanggal awal.", "The end date is before the start date.")
	}
	if len(fields) > 0 {
		e := lontar.NewError(lontar.EBadRequest, "Filter laporan tidak dikenal.", "Unknown report filter.")
		e.Fields = fields
		return Filter{}, e
	}
	return f, nil
}

// inRegion reports whether code lies in region (BPS codes nest by prefix).
func inRegion(code, region string) bool { return strings.HasPrefix(code, region) }

// scopeAllows reports whether an agency caller may read a learner of the
// region; other roles are checked before reading.
func scopeAllows(c *lontar.Caller, region string) bool {
	if c.Role != lontar.RoleAgency || len(c.Scope) == 0 {
		return true
	}
	for _, s := range c.Scope {
		if inRegion(region, s) {
			return true
		}
	}
	return false
}

// errOutOfScope is a request for data the caller may not see: 403, not an
// empty answer, so a user never mistakes "not yours" for "nobody".
var errOutOfScope = lontar.NewError(lontar.EForbidden,
	"Wilayah atau kelompok ini di luar cakupan Anda.", "This region or cohort is outside your scope.")

// access is what a caller may read of the aggregates.
type access struct {
	caller  *lontar.Caller
	cohorts map[string]bool // trainers: their institution's cohorts
}

// accessFor checks the caller's right to the filter: learners never read
// reports; an agency only within its scope; a trainer only their
// institution's cohorts.
func (s *Store) accessFor(ctx context.Context, c *lontar.Caller, f *Filter) (*access, error) {
	a := &access{caller: c}
	switch c.Role {
	case lontar.RoleAdmin:
	case lontar.RoleAgency:
		if f.Region != "" && !scopeAllows(c, f.Region) {
			return nil, errOutOfScope
		}
	case lontar.RoleTrainer:
		ids, err := s.institutionCohorts(ctx, c.Institution)
		if err != nil {
			return nil, err
		}
		a.cohorts = map[string]bool{}
		for _, id := range ids {
			a.cohorts[id] = true
		}
		if f.Cohort != "" && !a.cohorts[f.Cohort] {
			return nil, errOutOfScope
		}
	default:
		return nil, lontar.ErrForbidden
	}
	return a, nil
}

// institutionCohorts lists the ids of an institution's cohorts.
func (s *Store) institutionCohorts(ctx context.Context, institution string) ([]string, error) {
	if institution == "" {
		return nil, nil
	}
	var idx struct {
		CohortIDs []string `bson:"cohort_ids"`
	}
	err := s.cohorts.Database().Collection("institution_cohorts").FindOne(ctx, bson.M{"_id": institution}).Decode(&idx)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return nil, fmt.Errorf("reports: cohorts of %s: %w", institution, err)
	}
	return idx.CohortIDs, nil
}

// matches reports whether a cell is in the filter and the caller's scope.
func (a *access) matches(c *cell, f *Filter) bool {
	if f.Course != "" && c.course != f.Course || f.Sector != "" && c.sector != f.Sector ||
		f.Region != "" && !inRegion(c.region, f.Region) || !scopeAllows(a.caller, c.region) {
		return false
	}
	if f.Cohort != "" && !slices.Contains(c.cohorts, f.Cohort) {
		return false
	}
	if a.cohorts != nil && !slices.ContainsFunc(c.cohorts, func(id string) bool { return a.cohorts[id] }) {
		return false
	}
	return true
}

// acc sums counters over cells and days.
type acc struct {
	n, active, done, cert            int64
	fs, fn, pres, pren, posts, postn int64
	gs, gn                           int64
}

func (x *acc) add(o *acc) {
	x.n += o.n
	x.active += o.active
	x.done += o.done
	x.cert += o.cert
	x.fs += o.fs
	x.fn += o.fn
	x.pres += o.pres
	x.pren += o.pren
	x.posts += o.posts
	x.postn += o.postn
	x.gs += o.gs
	x.gn += o.gn
}

// Numbers are the measures of a report's totals or of one breakdown cell.
// In a suppressed cell every number is null and Suppressed is true.
type Numbers struct {
	Enrolled       *int64   `json:"enrolled"`
	Active7d       *int64   `json:"active_7d"`
	Completed      *int64   `json:"completed"`
	CompletionRate *float64 `json:"completion_rate"` // percent of enrolled
	Certificates   *int64   `json:"certificates"`
	AvgScore       *float64 `json:"avg_score"` // percent; null without final attempts
	AvgScoreN      *int64   `json:"avg_score_n"`
	AvgPre         *float64 `json:"avg_pretest"`
	AvgPost        *float64 `json:"avg_posttest"`
	Gain           *float64 `json:"pre_post_gain"` // mean normalised gain
	GainN          *int64   `json:"pre_post_gain_n"`
	Suppressed     bool     `json:"suppressed,omitempty"`
}

func numbersOf(x *acc) Numbers {
	n := Numbers{Enrolled: ptr(x.n), Active7d: ptr(x.active), Completed: ptr(x.done), Certificates: ptr(x.cert),
		AvgScoreN: ptr(x.fn), GainN: ptr(x.gn)}
	if x.n > 0 {
		n.CompletionRate = ptr(round(float64(x.done)*100/float64(x.n), 1))
	}
	if x.fn > 0 {
		n.AvgScore = ptr(round(float64(x.fs)/100/float64(x.fn), 1))
	}
	if x.pren > 0 {
		n.AvgPre = ptr(round(float64(x.pres)/100/float64(x.pren), 1))
	}
	if x.postn > 0 {
		n.AvgPost = ptr(round(float64(x.posts)/100/float64(x.postn), 1))
	}
	if x.gn > 0 {
		n.Gain = ptr(round(float64(x.gs)/1e6/float64(x.gn), 3))
	}
	return n
}

func ptr[T any](v T) *T { return &v }

func round(v float64, places int) float64 {
	p := math.Pow10(places)
	return math.Round(v*p) / p
}

// Row is one breakdown cell.
type Row struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Numbers
}

// Week is one week of the series: enrollments made and completions
// reached in the week starting Monday Week (suppressed like a cell).
type Week struct {
	Week       string `json:"week"`
	Enrolled   *int64 `json:"enrolled"`
	Completed  *int64 `json:"completed"`
	Suppressed bool   `json:"suppressed,omitempty"`
}

// Summary is a report.
type Summary struct {
	Filter      Filter           `json:"filter"`
	AsOf        string           `json:"as_of"` // the WITA day "last 7 days" ends on
	MinCell     int              `json:"min_cell"`
	Totals      Numbers          `json:"totals"`
	Breakdowns  map[string][]Row `json:"breakdowns"`
	Weekly      []Week           `json:"weekly"`
	Definitions string           `json:"definitions"`
}

// Breakdown dimensions, in the order reports show them.
var Dimensions = []string{"region", "kecamatan", "sector", "gender", "cohort", "course"}

// Summary computes the report for the caller from the maintained cells.
func (s *Store) Summary(ctx context.Context, c *lontar.Caller, f Filter, lang lontar.Lang) (*Summary, error) {
	a, err := s.accessFor(ctx, c, &f)
	if err != nil {
		return nil, err
	}
	t, release, err := s.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	today := dayOf(s.now())
	var total acc
	rows := map[string]map[string]*acc{}
	for _, d := range Dimensions {
		rows[d] = map[string]*acc{}
	}
	weeks := map[day]*[2]int64{}
	addRow := func(dim, key string, x *acc) {
		r := rows[dim][key]
		if r == nil {
			r = &acc{}
			rows[dim][key] = r
		}
		r.add(x)
	}
	for _, cl := range t {
		if !a.matches(cl, &f) {
			continue
		}
		var x acc
		for d, cs := range cl.days {
			if f.from != 0 && d < f.from || f.to != 0 && d > f.to {
				continue
			}
			x.n += cs.N
			x.cert += cs.Cert
			x.fs += cs.FinalSum
			x.fn += cs.FinalN
			x.pres += cs.PreSum
			x.pren += cs.PreN
			x.posts += cs.PostSum
			x.postn += cs.PostN
			x.gs += cs.GainSum
			x.gn += cs.GainN
			w := weeks[d.week()]
			if w == nil {
				w = &[2]int64{}
				weeks[d.week()] = w
			}
			w[0] += cs.N
			for cd, v := range cs.Done {
				x.done += v
				w := weeks[cd.week()]
				if w == nil {
					w = &[2]int64{}
					weeks[cd.week()] = w
				}
				w[1] += v
			}
			for ad, v := range cs.Active {
				if ad > today-7 && ad <= today {
					x.active += v
				}
			}
		}
		if x.n == 0 {
			continue
		}
		total.add(&x)
		addRow("region", cl.kab, &x)
		if r, ok := regions.Get(cl.region); ok && r.Level == regions.LevelKecamatan {
			addRow("kecamatan", cl.region, &x)
		}
		addRow("sector", cl.sector, &x)
		addRow("gender", cl.gender, &x)
		addRow("course", cl.course, &x)
		for _, id := range cl.cohorts {
			if a.cohorts == nil || a.cohorts[id] {
				addRow("cohort", id, &x)
			}
		}
	}
	release()

	sum := &Summary{Filter: f, AsOf: today.String(), MinCell: MinCell, Totals: numbersOf(&total),
		Breakdowns: map[string][]Row{}, Definitions: Definitions(lang)}
	labels, err := s.labels(ctx, rows, lang)
	if err != nil {
		return nil, err
	}
	for _, dim := range Dimensions {
		list := []Row{}
		for key, x := range rows[dim] {
			list = append(list, Row{Key: key, Label: labels[dim+"\x00"+key], Numbers: suppress(x)})
		}
		slices.SortFunc(list, func(a, b Row) int { return cmp.Compare(order(dim, a.Key), order(dim, b.Key)) })
		sum.Breakdowns[dim] = list
	}
	sum.Weekly = series(weeks, f)
	return sum, nil
}

// suppress returns a cell's numbers, or only the marker for 1–4 learners.
func suppress(x *acc) Numbers {
	if x.n > 0 && x.n < MinCell {
		return Numbers{Suppressed: true}
	}
	return numbersOf(x)
}

// series lists every week from the first to the last with data or in the
// filter's range, empty weeks included so a chart's axis is even.
func series(weeks map[day]*[2]int64, f Filter) []Week {
	out := []Week{}
	var first, last day
	if f.from != 0 {
		first = f.from.week()
	}
	if f.to != 0 {
		last = f.to.week()
	}
	for w := range weeks {
		if first == 0 || w < first {
			first = w
		}
		if w > last {
			last = w
		}
	}
	if first == 0 || last < first {
		return out
	}
	for w := first; w <= last; w += 7 {
		v := weeks[w]
		if v == nil {
			v = &[2]int64{}
		}
		wk := Week{Week: w.String(), Enrolled: ptr(v[0]), Completed: ptr(v[1])}
		if v[0] > 0 && v[0] < MinCell || v[1] > 0 && v[1] < MinCell {
			wk = Week{Week: w.String(), Suppressed: true}
		}
		out = append(out, wk)
		if len(out) > 53*10 {
			break // a decade is more than any chart shows
		}
	}
	return out
}

// order sorts a breakdown's keys: regions by code, sectors and genders in
// their usual order, the rest by key.
func order(dim, key string) string {
	switch dim {
	case "sector":
		if i := slices.Index(lontar.Sectors, key); i >= 0 {
			return fmt.Sprintf("%02d", i)
		}
		return "99" + key
	case "gender":
		return map[string]string{"f": "0", "m": "1"}[key] + "2" + key
	}
	if key == "" {
		return "\xff"
	}
	return key
}

var sectorNames = map[string]lontar.Text{
	"kuliner":   lontar.T("Kuliner", "Food"),
	"tenun":     lontar.T("Tenun", "Weaving"),
	"kerajinan": lontar.T("Kerajinan", "Crafts"),
	"fesyen":    lontar.T("Fesyen", "Fashion"),
	"jasa":      lontar.T("Jasa", "Services"),
	"lainnya":   lontar.T("Lainnya", "Other"),
}

var genderNames = map[string]lontar.Text{
	"f": lontar.T("Perempuan", "Women"),
	"m": lontar.T("Laki-laki", "Men"),
	"":  lontar.T("Tidak disebut", "Not stated"),
}

var unknown = lontar.T("Tidak diketahui", "Unknown")

// labels names every row key in lang.
func (s *Store) labels(ctx context.Context, rows map[string]map[string]*acc, lang lontar.Lang) (map[string]string, error) {
	out := map[string]string{}
	for dim, m := range rows {
		for key := range m {
			var label string
			switch dim {
			case "region", "kecamatan":
				if r, ok := regions.Get(key); ok {
					label = r.Name
				} else {
					label = unknown.In(lang)
				}
			case "sector":
				label = cmp.Or(sectorNames[key].In(lang), key, unknown.In(lang))
			case "gender":
				label = cmp.Or(genderNames[key].In(lang), key)
			case "course":
				var doc struct {
					Title lontar.Text `bson:"title"`
				}
				err := s.courses.FindOne(ctx, bson.M{"_id": key}, options.FindOne().SetProjection(bson.M{"title": 1})).Decode(&doc)
				if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
					return nil, fmt.Errorf("reports: course title %s: %w", key, err)
				}
				label = cmp.Or(doc.Title.In(lang), key)
			case "cohort":
				var doc struct {
					Name string `bson:"name"`
				}
				err := s.cohorts.FindOne(ctx, bson.M{"_id": key}, options.FindOne().SetProjection(bson.M{"name": 1})).Decode(&doc)
				if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
					return nil, fmt.Errorf("reports: cohort name %s: %w", key, err)
				}
				label = cmp.Or(doc.Name, key)
			}
			out[dim+"\x00"+key] = label
		}
	}
	return out, nil
}

// Definitions says what each number means, in lang; the README and the
// OpenAPI description say the same.
func Definitions(lang lontar.Lang) string {
	return definitions.In(lang)
}

var definitions = lontar.T(
	"Terdaftar: pendaftaran kursus yang dibuat pada rentang tanggal (WITA). Aktif 7 hari: yang ada kemajuan atau percobaan kuis dalam 7 hari terakhir s.d. as_of. "+
		"Selesai: semua materi selesai dan kuis akhir lulus (bila ada). Tingkat penyelesaian: selesai ÷ terdaftar (%). Sertifikat: sertifikat yang sah (tidak dicabut). "+
		"Nilai akhir rata-rata: rata-rata nilai terbaik kuis akhir, dari yang sudah mencobanya. "+
		"Peningkatan belajar: rata-rata (post − pre) ÷ (100 − pre) dari peserta yang punya nilai pretes pertama dan percobaan PERTAMA postes (atau kuis akhir bila kursus tanpa postes); pre = 100 tidak dihitung; jumlahnya di pre_post_gain_n. "+
		"Sel rincian dengan 1–4 peserta disembunyikan (suppressed); total selalu tepat.",
	"Enrolled: course enrollments made in the date range (WITA days). Active 7 days: those with progress or a quiz attempt in the 7 days up to as_of. "+
		"Completed: every lesson done and the final quiz passed (when there is one). Completion rate: completed ÷ enrolled (%). Certificates: valid (not revoked) certificates. "+
		"Average final score: mean of each learner's best score on the final quiz, over those who attempted it. "+
		"Learning gain: mean of (post − pre) ÷ (100 − pre) over learners with a first pretest score and a FIRST posttest attempt (or the final when the course has no posttest); pre = 100 is excluded; the count is pre_post_gain_n. "+
		"Breakdown cells of 1–4 learners are suppressed; totals are always exact.")
