// Package csvexport writes the CSV files Lontar serves (rosters, import
// results, agency reports) so that no cell can act as a spreadsheet
// formula. Every CSV the server writes goes through it.
package csvexport

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
)

// Neutralise returns cell as a spreadsheet will show it but never run it.
// A cell starting with =, +, -, @, a tab or a carriage return is taken as
// a formula by Excel, LibreOffice and Google Sheets (CSV injection: a
// participant named "=HYPERLINK(…)" would run in the trainer's sheet), so
// it is prefixed with an apostrophe, which spreadsheets hide. A plain
// number such as -5 or +62 stays a number. Data is stored as typed;
// neutralising happens only on the way out.
func Neutralise(cell string) string {
	if cell == "" || !strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return cell
	}
	if _, err := strconv.ParseFloat(cell, 64); err == nil && cell[0] != '\t' && cell[0] != '\r' {
		return cell
	}
	return "'" + cell
}

// Writer is a csv.Writer that neutralises every cell.
type Writer struct {
	w   *csv.Writer
	row []string
}

// NewWriter returns a Writer on w, with CRLF line ends (what spreadsheet
// programs expect).
func NewWriter(w io.Writer) *Writer {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	return &Writer{w: cw}
}

// Write writes one row.
func (w *Writer) Write(cells ...string) error {
	w.row = w.row[:0]
	for _, c := range cells {
		w.row = append(w.row, Neutralise(c))
	}
	return w.w.Write(w.row)
}

// Flush writes what is buffered and returns any error met so far.
func (w *Writer) Flush() error {
	w.w.Flush()
	return w.w.Error()
}
