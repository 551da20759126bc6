package reports

import (
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

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

// cellDoc is a cell as stored. Its counters are one binary field (see
// encodeDays): the embedded store converts every field of a document on
// each read and write, so cells of a few hundred numeric fields made
// loading them at start take seconds per thousand documents.
type cellDoc struct {
	ID      string   `bson:"_id"`
	Course  string   `bson:"course"`
	Region  string   `bson:"region"`
	Sector  string   `bson:"sector"`
	Gender  string   `bson:"gender"`
	Cohorts []string `bson:"cohorts"`
	B       []byte   `bson:"b"`
	V       int64    `bson:"v"`   // bumped by every write, for optimistic updates on a shared MongoDB
	Ops     []string `bson:"ops"` // the last changes applied, so a replay is a no-op
}

// cellOf turns a stored cell into its in-memory form.
func cellOf(d *cellDoc) (*cell, error) {
	days, err := decodeDays(d.B)
	if err != nil {
		return nil, fmt.Errorf("reports: cell %s: %w", d.ID, err)
	}
	return &cell{course: d.Course, region: d.Region, sector: d.Sector, gender: d.Gender,
		cohorts: d.Cohorts, kab: regions.Kabupaten(d.Region), days: days}, nil
}

// doc returns the cell as stored.
func (c *cell) doc(key string) *cellDoc {
	return &cellDoc{ID: key, Course: c.course, Region: c.region, Sector: c.sector, Gender: c.gender,
		Cohorts: c.cohorts, B: encodeDays(c.days), Ops: []string{}}
}

// encodeDays writes the counters as varints, days in order: the day, the
// ten sums, then the completion and the last-active histograms (number of
// entries, then day and value of each).
func encodeDays(days map[day]*counts) []byte {
	var b []byte
	for _, d := range slices.Sorted(maps.Keys(days)) {
		c := days[d]
		b = binary.AppendVarint(b, int64(d))
		for _, v := range []int64{c.N, c.Cert, c.FinalSum, c.FinalN, c.PreSum, c.PreN, c.PostSum, c.PostN, c.GainSum, c.GainN} {
			b = binary.AppendVarint(b, v)
		}
		for _, h := range []map[day]int64{c.Done, c.Active} {
			b = binary.AppendUvarint(b, uint64(len(h)))
			for _, hd := range slices.Sorted(maps.Keys(h)) {
				b = binary.AppendVarint(b, int64(hd))
				b = binary.AppendVarint(b, h[hd])
			}
		}
	}
	return b
}

var errBadCell = errors.New("malformed counters")

// decodeDays reads what encodeDays wrote.
func decodeDays(b []byte) (map[day]*counts, error) {
	days := map[day]*counts{}
	next := func() (int64, error) {
		v, n := binary.Varint(b)
		if n <= 0 {
			return 0, errBadCell
		}
		b = b[n:]
		return v, nil
	}
	for len(b) > 0 {
		d, err := next()
		if err != nil {
			return nil, err
		}
		c := &counts{}
		for _, p := range []*int64{&c.N, &c.Cert, &c.FinalSum, &c.FinalN, &c.PreSum, &c.PreN, &c.PostSum, &c.PostN, &c.GainSum, &c.GainN} {
			if *p, err = next(); err != nil {
				return nil, err
			}
		}
		for _, h := range []*map[day]int64{&c.Done, &c.Active} {
			n, k := binary.Uvarint(b)
			if k <= 0 || n > uint64(len(b)) {
				return nil, errBadCell
			}
			b = b[k:]
			for range n {
				hd, err := next()
				if err != nil {
					return nil, err
				}
				v, err := next()
				if err != nil {
					return nil, err
				}
				if *h == nil {
					*h = map[day]int64{}
				}
				(*h)[day(hd)] = v
			}
		}
		if !c.zero() {
			days[day(d)] = c
		}
	}
	return days, nil
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
	c.add(ch)
	if len(c.days) == 0 {
		delete(t, ch.Key)
	}
}

// add applies a change to the cell's days.
func (c *cell) add(ch *change) {
	cs := c.days[ch.Day]
	if cs == nil {
		cs = &counts{}
		c.days[ch.Day] = cs
	}
	cs.add(&ch.Counts)
	if cs.zero() {
		delete(c.days, ch.Day)
	}
}
