package reports

import "time"

// wita is Kupang's time zone (UTC+8, no daylight saving). Days and weeks in
// reports are WITA days, so a lesson done at 07:00 in Kupang counts on the
// day the learner lived it, not the UTC day before.
var wita = time.FixedZone("WITA", 8*60*60)

// day numbers WITA calendar days: 1970-01-01 is 0. Zero is never a real day
// in Lontar's data, so it also means "none".
type day int32

// dayOf returns the WITA day of t; the zero time gives 0 ("none").
func dayOf(t time.Time) day {
	if t.IsZero() {
		return 0
	}
	y, m, d := t.In(wita).Date()
	return day(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// date returns the day as a calendar date (midnight UTC of that date).
func (d day) date() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// String formats the day as YYYY-MM-DD.
func (d day) String() string { return d.date().Format(time.DateOnly) }

// week returns the Monday that starts d's week (ISO weeks).
func (d day) week() day {
	// 1970-01-01 was a Thursday: day 0 has weekday index 3 counting from Monday.
	return d - (d+3)%7
}

// parseDay reads a YYYY-MM-DD date.
func parseDay(s string) (day, bool) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0, false
	}
	return day(t.Unix() / 86400), true
}
