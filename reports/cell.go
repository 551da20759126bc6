package reports

import (
	"strconv"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"

	"lontar/regions"
)

// A cell holds the counters of the enrollments that share a course, a
// region, a sector, a gender, a set of cohorts and the month they enrolled
// in, split by the day they enrolled on (the month bounds a document's
// size). Every filter and breakdown of a
// report is a sum over whole cells and days, so a summary never reads an
// enrollment. The cell's _id is its key.
type cell struct {
	course, region, sector, gender string
	cohorts                        []string
	kab                            string // the region's kabupaten/kota
	days                           map[day]*counts
}

// counts are the counters of one cell's enrollments of one day.
type counts struct {
	N      int64         // enrolled
	Cert   int64         // with a valid certificate
	Done   map[day]int64 // completions by the day they completed
	Active map[day]int64 // learners by the day they were last active
	// Sums are in the Fact's units; each has its count of learners.
	FinalSum, FinalN int64
	PreSum, PreN     int64
	PostSum, PostN   int64
	GainSum, GainN   int64 // millionths
}

// cellKey is the _id of the cell a fact falls in.
func cellKey(f *Fact) string {
	return strings.Join([]string{f.Course, f.Region, f.Sector, f.Gender, cohortKey(f.Cohorts),
		f.Enrolled.String()[:7]}, "|")
}

// contribution is what one fact adds to its cell and day (sign +1), or
// takes away (sign -1).
func contribution(f *Fact, sign int64) counts {
	c := counts{N: sign}
	if f.Certified {
		c.Cert = sign
	}
	if f.Completed != 0 {
		c.Done = map[day]int64{f.Completed: sign}
	}
	if f.Active != 0 {
		c.Active = map[day]int64{f.Active: sign}
	}
	if f.Final >= 0 {
		c.FinalSum, c.FinalN = sign*f.Final, sign
	}
	if f.Pre >= 0 {
		c.PreSum, c.PreN = sign*f.Pre, sign
	}
	if f.Post >= 0 {
		c.PostSum, c.PostN = sign*f.Post, sign
	}
	if g, ok := f.gain(); ok {
		c.GainSum, c.GainN = sign*g, sign
	}
	return c
}

// add adds o to c.
func (c *counts) add(o *counts) {
	c.N += o.N
	c.Cert += o.Cert
	c.FinalSum += o.FinalSum
	c.FinalN += o.FinalN
	c.PreSum += o.PreSum
	c.PreN += o.PreN
	c.PostSum += o.PostSum
	c.PostN += o.PostN
	c.GainSum += o.GainSum
	c.GainN += o.GainN
	c.Done = addDays(c.Done, o.Done)
	c.Active = addDays(c.Active, o.Active)
}

func addDays(m, o map[day]int64) map[day]int64 {
	for d, v := range o {
		if m == nil {
			m = map[day]int64{}
		}
		m[d] += v
		if m[d] == 0 {
			delete(m, d)
		}
	}
	return m
}

// zero reports whether c changes nothing.
func (c *counts) zero() bool {
	return c.N == 0 && c.Cert == 0 && c.FinalSum == 0 && c.FinalN == 0 && c.PreSum == 0 && c.PreN == 0 &&
		c.PostSum == 0 && c.PostN == 0 && c.GainSum == 0 && c.GainN == 0 && len(c.Done) == 0 && len(c.Active) == 0
}

// change is one cell update: add Counts to the cell Key on Day.
type change struct {
	Key    string
	Fact   *Fact // names the cell's dimensions when it is created
	Day    day
	Counts counts
}

// changes returns the cell updates that replace old's contribution by
// new's. old or new may be nil (not contributed / no longer contributing).
func changes(old, new *Fact) []change {
	var out []change
	if old != nil {
		out = append(out, change{Key: cellKey(old), Fact: old, Day: old.Enrolled, Counts: contribution(old, -1)})
	}
	if new != nil {
		c := change{Key: cellKey(new), Fact: new, Day: new.Enrolled, Counts: contribution(new, 1)}
		if len(out) == 1 && out[0].Key == c.Key && out[0].Day == c.Day {
			out[0].Counts.add(&c.Counts)
			out[0].Fact = new
		} else {
			out = append(out, c)
		}
	}
	kept := out[:0]
	for _, c := range out {
		if !c.Counts.zero() {
			kept = append(kept, c)
		}
	}
	return kept
}

// dayField is the stored field name of a day: field names must not be
// plain numbers for dotted paths to mean map keys everywhere.
func dayField(d day) string { return "D" + strconv.Itoa(int(d)) }

func parseDayField(s string) (day, bool) {
	if !strings.HasPrefix(s, "D") {
		return 0, false
	}
	n, err := strconv.Atoi(s[1:])
	return day(n), err == nil
}

// incDoc is the $inc of a change.
func (c *change) incDoc() bson.M {
	p := "d." + dayField(c.Day) + "."
	inc := bson.M{}
	put := func(name string, v int64) {
		if v != 0 {
			inc[p+name] = v
		}
	}
	put("n", c.Counts.N)
	put("cert", c.Counts.Cert)
	put("fs", c.Counts.FinalSum)
	put("fn", c.Counts.FinalN)
	put("pres", c.Counts.PreSum)
	put("pren", c.Counts.PreN)
	put("posts", c.Counts.PostSum)
	put("postn", c.Counts.PostN)
	put("gs", c.Counts.GainSum)
	put("gn", c.Counts.GainN)
	for d, v := range c.Counts.Done {
		put("c."+dayField(d), v)
	}
	for d, v := range c.Counts.Active {
		put("a."+dayField(d), v)
	}
	return inc
}

// cellDoc is a cell as stored.
type cellDoc struct {
	ID      string               `bson:"_id"`
	Course  string               `bson:"course"`
	Region  string               `bson:"region"`
	Sector  string               `bson:"sector"`
	Gender  string               `bson:"gender"`
	Cohorts []string             `bson:"cohorts"`
	Days    map[string]countsDoc `bson:"d"`
}

type countsDoc struct {
	N      int64            `bson:"n"`
	Cert   int64            `bson:"cert"`
	FS     int64            `bson:"fs"`
	FN     int64            `bson:"fn"`
	PreS   int64            `bson:"pres"`
	PreN   int64            `bson:"pren"`
	PostS  int64            `bson:"posts"`
	PostN  int64            `bson:"postn"`
	GS     int64            `bson:"gs"`
	GN     int64            `bson:"gn"`
	Done   map[string]int64 `bson:"c"`
	Active map[string]int64 `bson:"a"`
}

// cellOf turns a stored cell into its in-memory form.
func cellOf(d *cellDoc) *cell {
	c := &cell{course: d.Course, region: d.Region, sector: d.Sector, gender: d.Gender,
		cohorts: d.Cohorts, kab: regions.Kabupaten(d.Region), days: make(map[day]*counts, len(d.Days))}
	for k, v := range d.Days {
		dd, ok := parseDayField(k)
		if !ok {
			continue
		}
		cs := &counts{N: v.N, Cert: v.Cert, FinalSum: v.FS, FinalN: v.FN, PreSum: v.PreS, PreN: v.PreN,
			PostSum: v.PostS, PostN: v.PostN, GainSum: v.GS, GainN: v.GN}
		cs.Done = daysOf(v.Done)
		cs.Active = daysOf(v.Active)
		c.days[dd] = cs
	}
	return c
}

func daysOf(m map[string]int64) map[day]int64 {
	var out map[day]int64
	for k, v := range m {
		if d, ok := parseDayField(k); ok && v != 0 {
			if out == nil {
				out = map[day]int64{}
			}
			out[d] = v
		}
	}
	return out
}

// newCell returns an empty in-memory cell for a fact's dimensions.
func newCell(f *Fact) *cell {
	return &cell{course: f.Course, region: f.Region, sector: f.Sector, gender: f.Gender,
		cohorts: f.Cohorts, kab: regions.Kabupaten(f.Region), days: map[day]*counts{}}
}

// table is the in-memory copy of every cell, by key.
type table map[string]*cell

// apply adds a change to the table.
func (t table) apply(ch *change) {
	c := t[ch.Key]
	if c == nil {
		c = newCell(ch.Fact)
		t[ch.Key] = c
	}
	cs := c.days[ch.Day]
	if cs == nil {
		cs = &counts{}
		c.days[ch.Day] = cs
	}
	cs.add(&ch.Counts)
	if cs.zero() {
		delete(c.days, ch.Day)
	}
	if len(c.days) == 0 {
		delete(t, ch.Key)
	}
}
