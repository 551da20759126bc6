package cohorts

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"lontar"
	"lontar/accounts"
	"lontar/regions"
)

// Participants finds or creates the accounts of people a trainer
// imports; *accounts.Store satisfies it. A phone number not yet registered
// gets a learner account and a one-time activation code (Created); a
// known one is only named, with its role. Phones are normalized and
// validated there.
type Participants interface {
	EnsureParticipants(ctx context.Context, people []lontar.Person, origin string) []lontar.Participant
}

// MaxImportRows is the most participants one CSV import may carry.
const MaxImportRows = 1000

// Import row statuses.
const (
	ImportCreated  = "created"  // a new account, enrolled; its activation code is in the row
	ImportEnrolled = "enrolled" // already in this class (or an account this class's import made earlier)
	ImportInvited  = "invited"  // an existing account: asked, enrolled only if they accept
	ImportSkipped  = "skipped"  // a staff account: never enrolled by an import
	ImportError    = "error"
)

// ImportResult is what happened to one row of a participant import. For
// an existing account it says nothing the file did not: no id, no name.
type ImportResult struct {
	// Row is the row's line in the file, as a spreadsheet numbers it
	// (the header is row 1).
	Row            int
	Phone          string
	Name           string
	Status         string
	UserID         string
	ActivationCode string
	Error          *lontar.Text
}

// participantRow is one parsed row: the person, or why it is unusable.
type participantRow struct {
	Row      int
	Person   lontar.Person
	RawPhone string
	Problems []lontar.Text
}

// csvColumns maps accepted header names (lower case) to the field they
// fill; the Indonesian names are what trainers' own sheets tend to use.
var csvColumns = map[string]string{
	"name": "name", "nama": "name", "nama_lengkap": "name",
	"phone": "phone", "telepon": "phone", "no_hp": "phone", "nomor_hp": "phone", "hp": "phone", "whatsapp": "phone",
	"business_name": "business_name", "nama_usaha": "business_name", "usaha": "business_name",
	"sector": "sector", "sektor": "sector",
	"region": "region", "wilayah": "region", "kode_wilayah": "region",
	"gender": "gender", "jenis_kelamin": "gender",
}

// errTooManyRows is a too_large error (413), like a body over the limit:
// the remedy is the same, send less at once.
var errTooManyRows = lontar.NewError(lontar.ETooLarge,
	fmt.Sprintf("Paling banyak %d peserta per impor; bagi berkasnya.", MaxImportRows),
	fmt.Sprintf("At most %d participants per import; split the file.", MaxImportRows))

var requiredColumns = []string{"name", "phone", "business_name", "sector", "region"}

// parseParticipants reads a CSV of participants: header row first (names
// in any case; "," or ";" separated; UTF-8 with or without a BOM; CRLF or
// LF). A problem with the file as a whole is an error; a problem with a
// row is reported in that row, and never stops the others.
//
// Each line is one row, read on its own: no participant field may hold a
// line break, so a quote left open reports its own row instead of
// swallowing every row after it into one field.
func parseParticipants(body []byte) ([]participantRow, error) {
	body = bytes.TrimPrefix(body, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(body) {
		return nil, lontar.FieldErrors(map[string]lontar.Text{"file": lontar.T(
			"Simpan berkas sebagai CSV UTF-8.", "Save the file as CSV UTF-8.")})
	}
	lines := strings.Split(strings.ReplaceAll(string(body), "\r\n", "\n"), "\n")
	first := 0
	for first < len(lines) && strings.TrimSpace(lines[first]) == "" {
		first++
	}
	errEmpty := lontar.FieldErrors(map[string]lontar.Text{"file": lontar.T(
		"Berkas kosong atau tidak dapat dibaca sebagai CSV.", "The file is empty or not readable as CSV.")})
	if first == len(lines) {
		return nil, errEmpty
	}
	comma := ','
	if strings.Count(lines[first], ";") > strings.Count(lines[first], ",") {
		comma = ';'
	}
	header, perr := parseLine(lines[first], comma)
	if perr != nil {
		return nil, errEmpty
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ReplaceAll(strings.ToLower(strings.TrimSpace(h)), " ", "_")
		if f, ok := csvColumns[h]; ok {
			if _, dup := col[f]; !dup {
				col[f] = i
			}
		}
	}
	var missing []string
	for _, f := range requiredColumns {
		if _, ok := col[f]; !ok {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		m := strings.Join(missing, ", ")
		return nil, lontar.FieldErrors(map[string]lontar.Text{"header": lontar.T(
			"Kolom wajib tidak ada: "+m+". Baris pertama harus: name,phone,business_name,sector,region",
			"Missing columns: "+m+". The first row must be: name,phone,business_name,sector,region")})
	}

	var rows []participantRow
	firstRow := map[string]int{} // normalized phone → row it first appeared in
	for i := first + 1; i < len(lines); i++ {
		line := i + 1 // as a spreadsheet numbers rows
		if strings.TrimSpace(lines[i]) == "" {
			continue
		}
		rec, perr := parseLine(lines[i], comma)
		if perr == nil && blank(rec) {
			continue
		}
		if len(rows) == MaxImportRows {
			return nil, errTooManyRows
		}
		if perr != nil {
			rows = append(rows, participantRow{Row: line, Problems: []lontar.Text{*perr}})
			continue
		}
		get := func(f string) string {
			if i, ok := col[f]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		row := checkParticipant(line, get)
		if phone := row.Person.Phone; phone != "" {
			if first, dup := firstRow[phone]; dup {
				row.Problems = append(row.Problems, lontar.T(
					fmt.Sprintf("Nomor HP ini sudah ada di baris %d.", first),
					fmt.Sprintf("This phone number is already in row %d.", first)))
			} else {
				firstRow[phone] = line
			}
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// parseLine reads one line as one CSV record. Quotes inside a field that
// does not start with one are taken as text (Sei "Oma"); a quote that
// opens a field and is never closed is the row's problem.
func parseLine(line string, comma rune) ([]string, *lontar.Text) {
	read := func(lazy bool) ([]string, error) {
		r := csv.NewReader(strings.NewReader(line))
		r.Comma, r.FieldsPerRecord, r.TrimLeadingSpace, r.LazyQuotes = comma, -1, true, lazy
		return r.Read()
	}
	rec, err := read(false)
	if errors.Is(err, csv.ErrBareQuote) {
		rec, err = read(true)
	}
	if errors.Is(err, io.EOF) {
		return []string{}, nil
	}
	if err != nil {
		if errors.Is(err, csv.ErrQuote) {
			return nil, &lontar.Text{
				ID: "Tanda kutip (\") di baris ini dibuka tetapi tidak ditutup. Tutup kutipnya atau hapus.",
				EN: "A quote (\") in this row is opened but never closed. Close it or remove it."}
		}
		return nil, &lontar.Text{ID: "Baris ini bukan CSV yang benar.", EN: "This row is not valid CSV."}
	}
	return rec, nil
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// checkParticipant validates one row's fields.
func checkParticipant(line int, get func(string) string) participantRow {
	row := participantRow{Row: line, RawPhone: get("phone")}
	p := lontar.Person{Name: get("name"), Profile: lontar.Profile{
		BusinessName: get("business_name"),
		Sector:       strings.ToLower(get("sector")),
		Region:       get("region"),
	}}
	problem := func(id, en string) { row.Problems = append(row.Problems, lontar.T(id, en)) }
	// Names follow the same rules as everywhere (lontar.CleanName). Other
	// text is stored as typed: a cell like "=SUM(…)" is neutralized when a
	// CSV is written (package csvexport), not altered here.
	if name, msg := lontar.CleanName(p.Name); msg != nil {
		problem(msg.ID, msg.EN)
	} else {
		p.Name = name
	}
	if n := utf8.RuneCountInString(p.Name); n > 100 {
		problem("Nama terlalu panjang (maksimal 100 karakter).", "Name is too long (100 characters at most).")
	}
	if business, msg := lontar.CleanNameField(p.Profile.BusinessName); msg != nil {
		problem("Nama usaha: "+msg.ID, "Business name: "+msg.EN)
	} else {
		p.Profile.BusinessName = business
	}
	if phone, ok := csvPhone(row.RawPhone); ok {
		p.Phone = phone
	} else {
		problem("Nomor HP tidak valid (contoh: 081234567890).", "Invalid mobile number (e.g. 081234567890).")
	}
	if utf8.RuneCountInString(p.Profile.BusinessName) > 120 {
		problem("Nama usaha terlalu panjang (maksimal 120 karakter).", "Business name is too long (120 characters at most).")
	}
	if !slices.Contains(lontar.Sectors, p.Profile.Sector) {
		problem("Sektor tidak dikenal (pilih: "+strings.Join(lontar.Sectors, ", ")+").",
			"Unknown sector (choose: "+strings.Join(lontar.Sectors, ", ")+").")
	}
	if !regions.Valid(p.Profile.Region) {
		problem("Kode wilayah tidak dikenal.", "Unknown region code.")
	}
	if g, ok := normalizeGender(get("gender")); ok {
		p.Profile.Gender = g
	} else {
		problem("Jenis kelamin harus f/m (atau P/L).", "Gender must be f/m (or P/L).")
	}
	row.Person = p
	return row
}

// csvPhone normalizes a phone cell with accounts.NormalizePhone, the one
// rule for phone numbers, after giving back the leading 0 a spreadsheet
// drops from a number stored as a number (0812… becomes 812…).
func csvPhone(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "8") {
		s = "0" + s
	}
	phone, err := accounts.NormalizePhone(s)
	return phone, err == nil
}

// normalizeGender accepts f/m and the Indonesian P(erempuan)/L(aki-laki).
func normalizeGender(s string) (string, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return "", true
	case "f", "p", "perempuan", "wanita", "female", "w":
		return "f", true
	case "m", "l", "laki-laki", "laki", "pria", "male":
		return "m", true
	}
	return "", false
}

func joinTexts(ts []lontar.Text) *lontar.Text {
	var id, en []string
	for _, t := range ts {
		id, en = append(id, t.ID), append(en, t.In(lontar.LangEN))
	}
	return &lontar.Text{ID: strings.Join(id, " "), EN: strings.Join(en, " ")}
}

// errorText is what a row's error may say: a lontar error's message and
// field messages, or a generic message for anything internal.
func errorText(err error) *lontar.Text {
	var le *lontar.Error
	if !errors.As(err, &le) || le.Code == lontar.EInternal {
		return &lontar.Text{ID: "Terjadi kesalahan di server; coba impor baris ini lagi.",
			EN: "Something went wrong on the server; import this row again."}
	}
	texts := []lontar.Text{le.Message}
	keys := make([]string, 0, len(le.Fields))
	for k := range le.Fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		f := le.Fields[k]
		texts = append(texts, lontar.Text{ID: k + ": " + f.ID, EN: k + ": " + f.In(lontar.LangEN)})
	}
	return joinTexts(texts)
}
