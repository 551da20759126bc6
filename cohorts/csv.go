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

// Participants registers people a trainer imports; *accounts.Store
// satisfies it. A phone number not yet registered gets a learner account
// and a one-time activation code (created = true); a known one returns
// the existing user. The phone is normalized and validated there.
type Participants interface {
	EnsureParticipant(ctx context.Context, p lontar.Person) (userID, activationCode string, created bool, err error)
}

// MaxImportRows is the most participants one CSV import may carry.
const MaxImportRows = 1000

// Import row statuses.
const (
	ImportCreated  = "created"
	ImportEnrolled = "enrolled"
	ImportError    = "error"
)

// ImportResult is what happened to one row of a participant import.
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
func parseParticipants(body []byte) ([]participantRow, error) {
	body = bytes.TrimPrefix(body, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(body) {
		return nil, lontar.FieldErrors(map[string]lontar.Text{"file": lontar.T(
			"Simpan berkas sebagai CSV UTF-8.", "Save the file as CSV UTF-8.")})
	}
	firstLine, _, _ := bytes.Cut(body, []byte("\n"))
	r := csv.NewReader(bytes.NewReader(body))
	if bytes.Count(firstLine, []byte(";")) > bytes.Count(firstLine, []byte(",")) {
		r.Comma = ';'
	}
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	r.LazyQuotes = true

	header, err := r.Read()
	if err != nil {
		return nil, lontar.FieldErrors(map[string]lontar.Text{"file": lontar.T(
			"Berkas kosong atau tidak dapat dibaca sebagai CSV.", "The file is empty or not readable as CSV.")})
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
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var perr *csv.ParseError
		if errors.As(err, &perr) {
			if len(rows) == MaxImportRows {
				return nil, errTooManyRows
			}
			rows = append(rows, participantRow{Row: perr.StartLine, Problems: []lontar.Text{lontar.T(
				"Baris ini bukan CSV yang benar.", "This row is not valid CSV.")}})
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("cohorts: read participants CSV: %w", err)
		}
		line, _ := r.FieldPos(0)
		if blank(rec) {
			continue
		}
		if len(rows) == MaxImportRows {
			return nil, errTooManyRows
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
	switch n := utf8.RuneCountInString(p.Name); {
	case n == 0:
		problem("Nama wajib diisi.", "Name is required.")
	case n > 100:
		problem("Nama terlalu panjang (maksimal 100 karakter).", "Name is too long (100 characters at most).")
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

// Import registers each valid row's person through participants and puts
// them in the cohort. A failing row is reported and the next one goes on.
func (s *Store) Import(ctx context.Context, c *Cohort, rows []participantRow, participants Participants) []ImportResult {
	results := make([]ImportResult, 0, len(rows))
	for _, row := range rows {
		r := ImportResult{Row: row.Row, Phone: row.Person.Phone, Name: row.Person.Name}
		if r.Phone == "" {
			r.Phone = row.RawPhone
		}
		if len(row.Problems) > 0 {
			r.Status, r.Error = ImportError, joinTexts(row.Problems)
			results = append(results, r)
			continue
		}
		userID, code, created, err := participants.EnsureParticipant(ctx, row.Person)
		if err == nil {
			p := row.Person
			p.UserID = userID
			if !created && s.people != nil {
				// A known learner: their own profile, not the trainer's sheet,
				// is what reports and the roster should show.
				var known lontar.Person
				known, err = s.person(ctx, userID)
				if err == nil {
					p = known
				}
			}
			if err == nil {
				_, err = s.Join(ctx, c, p, "import")
			}
		}
		switch {
		case err != nil:
			r.Status, r.Error = ImportError, errorText(err)
		case created:
			r.Status, r.UserID, r.ActivationCode = ImportCreated, userID, code
		default:
			r.Status, r.UserID = ImportEnrolled, userID
		}
		results = append(results, r)
	}
	return results
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
