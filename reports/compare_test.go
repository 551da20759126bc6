package reports

import (
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strings"
)

func urlValues(q string) (url.Values, error) { return url.ParseQuery(q) }

// diffTables describes how two tables differ, "" when equal.
func diffTables(a, b table) string {
	var out []string
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	for k := range keys {
		ca, cb := a[k], b[k]
		switch {
		case ca == nil:
			out = append(out, fmt.Sprintf("only rebuilt: %s %v", k, dump(cb)))
		case cb == nil:
			out = append(out, fmt.Sprintf("only maintained: %s %v", k, dump(ca)))
		case !reflect.DeepEqual(dump(ca), dump(cb)):
			out = append(out, fmt.Sprintf("cell %s:\n  maintained %v\n  rebuilt    %v", k, dump(ca), dump(cb)))
		}
	}
	slices.Sort(out)
	if len(out) > 10 {
		out = append(out[:10], fmt.Sprintf("… %d more", len(out)-10))
	}
	return strings.Join(out, "\n")
}

func dump(c *cell) map[day]counts {
	m := map[day]counts{}
	for d, v := range c.days {
		if !v.zero() {
			cp := *v
			if len(cp.Done) == 0 {
				cp.Done = nil
			}
			if len(cp.Active) == 0 {
				cp.Active = nil
			}
			m[d] = cp
		}
	}
	return m
}
