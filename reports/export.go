package reports

import (
	"io"
	"strconv"

	"lontar/csvexport"
)

// ExportColumns are the columns of the export, CSV and JSON alike.
var ExportColumns = []string{"dimension", "key", "label", "enrolled", "active_7d", "completed", "completion_rate",
	"certificates", "avg_score", "avg_score_n", "avg_pretest", "avg_posttest", "pre_post_gain", "pre_post_gain_n", "suppressed"}

// ExportRow is one line of the export: the totals, one breakdown cell or
// one week. Numbers are null where the summary has null (no data, or a
// suppressed cell).
type ExportRow struct {
	Dimension      string   `json:"dimension"`
	Key            string   `json:"key"`
	Label          string   `json:"label"`
	Enrolled       *int64   `json:"enrolled"`
	Active7d       *int64   `json:"active_7d"`
	Completed      *int64   `json:"completed"`
	CompletionRate *float64 `json:"completion_rate"`
	Certificates   *int64   `json:"certificates"`
	AvgScore       *float64 `json:"avg_score"`
	AvgScoreN      *int64   `json:"avg_score_n"`
	AvgPre         *float64 `json:"avg_pretest"`
	AvgPost        *float64 `json:"avg_posttest"`
	Gain           *float64 `json:"pre_post_gain"`
	GainN          *int64   `json:"pre_post_gain_n"`
	Suppressed     bool     `json:"suppressed"`
}

func exportRow(dim, key, label string, n Numbers) ExportRow {
	return ExportRow{Dimension: dim, Key: key, Label: label, Enrolled: n.Enrolled, Active7d: n.Active7d,
		Completed: n.Completed, CompletionRate: n.CompletionRate, Certificates: n.Certificates,
		AvgScore: n.AvgScore, AvgScoreN: n.AvgScoreN, AvgPre: n.AvgPre, AvgPost: n.AvgPost,
		Gain: n.Gain, GainN: n.GainN, Suppressed: n.Suppressed}
}

// Export flattens a summary into rows: the totals first, then every
// breakdown cell, then the weeks.
func Export(s *Summary) []ExportRow {
	rows := []ExportRow{exportRow("total", "", "", s.Totals)}
	for _, dim := range Dimensions {
		for _, r := range s.Breakdowns[dim] {
			rows = append(rows, exportRow(dim, r.Key, r.Label, r.Numbers))
		}
	}
	for _, w := range s.Weekly {
		rows = append(rows, ExportRow{Dimension: "week", Key: w.Week, Label: w.Week,
			Enrolled: w.Enrolled, Completed: w.Completed, Suppressed: w.Suppressed})
	}
	return rows
}

// WriteCSV writes rows as CSV with a header row, through csvexport, so no
// cell can run as a spreadsheet formula.
func WriteCSV(w io.Writer, rows []ExportRow) error {
	cw := csvexport.NewWriter(w)
	if err := cw.Write(ExportColumns...); err != nil {
		return err
	}
	for _, r := range rows {
		err := cw.Write(r.Dimension, r.Key, r.Label, intCell(r.Enrolled), intCell(r.Active7d), intCell(r.Completed),
			floatCell(r.CompletionRate), intCell(r.Certificates), floatCell(r.AvgScore), intCell(r.AvgScoreN),
			floatCell(r.AvgPre), floatCell(r.AvgPost), floatCell(r.Gain), intCell(r.GainN), strconv.FormatBool(r.Suppressed))
		if err != nil {
			return err
		}
	}
	return cw.Flush()
}

func intCell(v *int64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatInt(*v, 10)
}

func floatCell(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}
