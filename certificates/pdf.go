package certificates

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/go-pdf/fpdf"
	"github.com/skip2/go-qrcode"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"

	"lontar"
)

// PDF returns the certificate printed on one A4 landscape page: Indonesian
// with English subtitles, and a QR code to its public verification page.
// Go Regular and Bold are embedded (subset to the characters used; English
// is set in grey rather than italic, which would add 11 KB): they cover
// Latin with its accents and Latin Extended-A, so names such as "Maria
// Goreti Ndun" or "Ketut Ayu Sri Wahyuni" print as written. A printed
// PDF is cached until the certificate changes (revocation).
func (s *Service) PDF(ctx context.Context, typed string) ([]byte, *Certificate, error) {
	c, err := s.Get(ctx, typed)
	if err != nil {
		return nil, nil, err
	}
	key := c.Code + "|" + c.Status()
	if b, ok := s.pdfs.get(key); ok {
		return b, c, nil
	}
	b, err := renderPDF(c, s.verifyURL(c.Code))
	if err != nil {
		return nil, nil, err
	}
	s.pdfs.put(key, b)
	return b, c, nil
}

// Colours of the certificate: tenun indigo and a deep red.
var (
	indigo = [3]int{32, 42, 92}
	red    = [3]int{158, 27, 50}
	grey   = [3]int{95, 99, 110}
)

// renderPDF draws the certificate. Coordinates are millimetres on a
// 297 × 210 page.
func renderPDF(c *Certificate, verifyURL string) ([]byte, error) {
	pdf := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "L", UnitStr: "mm", SizeStr: "A4"})
	pdf.SetCreator("Lontar", true)
	pdf.SetTitle("Sertifikat "+c.Code, true)
	pdf.SetSubject(c.CourseTitle.In(lontar.LangID)+" — "+c.LearnerName, true)
	pdf.SetCreationDate(c.IssuedAt)
	pdf.SetModificationDate(c.IssuedAt)
	pdf.AddUTF8FontFromBytes("go", "", goregular.TTF)
	pdf.AddUTF8FontFromBytes("go", "B", gobold.TTF)
	pdf.SetAutoPageBreak(false, 0)
	pdf.AddPage()

	const W, H = 297.0, 210.0
	// Frame: a thick indigo border and a thin red one inside it.
	pdf.SetDrawColor(indigo[0], indigo[1], indigo[2])
	pdf.SetLineWidth(2.5)
	pdf.Rect(8, 8, W-16, H-16, "D")
	pdf.SetDrawColor(red[0], red[1], red[2])
	pdf.SetLineWidth(0.6)
	pdf.Rect(13, 13, W-26, H-26, "D")

	center := func(y float64, style string, size float64, color [3]int, text string, maxW float64) {
		text = printable(text)
		pdf.SetTextColor(color[0], color[1], color[2])
		for pdf.SetFont("go", style, size); size > 8 && pdf.GetStringWidth(text) > maxW; {
			size -= 0.5
			pdf.SetFont("go", style, size)
		}
		pdf.SetXY((W-maxW)/2, y)
		pdf.CellFormat(maxW, size*0.45, text, "", 0, "C", false, 0, "")
	}

	if c.Revocation != nil {
		pdf.SetFillColor(red[0], red[1], red[2])
		pdf.Rect(13, 17, W-26, 13, "F")
		center(19.5, "B", 13, [3]int{255, 255, 255},
			"DICABUT / REVOKED "+dateText(c.Revocation.At, lontar.LangID)+": "+c.Revocation.Reason, W-40)
	}

	center(34, "B", 15, indigo, c.InstitutionName(), 230)
	center(41, "", 9.5, grey, "bersama Lontar, pelatihan digital UMKM · with Lontar, digital skills for small businesses", 230)
	center(53, "B", 32, red, "SERTIFIKAT", 230)
	center(67, "", 12, grey, "Certificate of Completion", 230)
	center(80, "", 12, grey, "Diberikan kepada · Awarded to", 230)
	center(90, "B", 28, indigo, c.LearnerName, 240)
	center(106, "", 12, grey, "atas keberhasilan menyelesaikan kursus · for successfully completing the course", 240)
	center(116, "B", 19, indigo, c.CourseTitle.In(lontar.LangID), 240)
	next := 127.0
	if en := c.CourseTitle.EN; en != "" && en != c.CourseTitle.ID {
		center(next, "", 11.5, grey, en, 240)
		next += 8
	}
	facts := hoursText(c.Hours(), lontar.LangID) + " jam pelajaran · " + hoursText(c.Hours(), lontar.LangEN) + " study hours"
	if c.FinalScore != nil {
		score := strconv.FormatFloat(*c.FinalScore, 'f', 0, 64)
		facts += "   |   Nilai kuis akhir · Final quiz score: " + score
	}
	center(next+2, "", 11.5, indigo, facts, 240)
	if c.CohortName != "" {
		center(next+10, "", 10.5, grey, "Kelas · Class: "+c.CohortName, 240)
	}

	// Bottom left: date and code; bottom right: the QR code.
	pdf.SetTextColor(indigo[0], indigo[1], indigo[2])
	pdf.SetFont("go", "", 11)
	pdf.SetXY(24, 164)
	pdf.CellFormat(150, 6, "Diterbitkan "+dateText(c.IssuedAt, lontar.LangID), "", 2, "L", false, 0, "")
	pdf.SetFont("go", "", 9.5)
	pdf.SetTextColor(grey[0], grey[1], grey[2])
	pdf.CellFormat(150, 5, "Issued "+dateText(c.IssuedAt, lontar.LangEN), "", 2, "L", false, 0, "")
	pdf.SetFont("go", "B", 13)
	pdf.SetTextColor(indigo[0], indigo[1], indigo[2])
	pdf.CellFormat(150, 8, "Kode · Code: "+c.Code, "", 2, "L", false, 0, "")
	pdf.SetFont("go", "", 8.5)
	pdf.SetTextColor(grey[0], grey[1], grey[2])
	pdf.CellFormat(170, 4.5, "Periksa keaslian · Verify: "+verifyURL, "", 2, "L", false, 0, verifyURL)

	const qrSize, qrX, qrY = 36.0, W - 24 - 36.0, 152.0
	if err := drawQR(pdf, verifyURL, qrX, qrY, qrSize); err != nil {
		return nil, err
	}
	pdf.SetFont("go", "", 7.5)
	pdf.SetXY(qrX-10, qrY+qrSize+0.5)
	pdf.CellFormat(qrSize+20, 3.5, "Pindai untuk memeriksa · Scan to verify", "", 0, "C", false, 0, "")

	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("certificates: render pdf %s: %w", c.Code, err)
	}
	return buf.Bytes(), nil
}

// printable drops what the embedded fonts cannot draw beyond the Basic
// Multilingual Plane (emoji in names and titles typed on phones): fpdf's
// UTF-8 font tables end at U+FFFF and index past them. The stored snapshot,
// the JSON and the verify page keep the text as written.
func printable(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r > 0xFFFF }) {
		return s
	}
	s = strings.Map(func(r rune) rune {
		if r > 0xFFFF {
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// drawQR draws the QR code as vector squares (sharp when printed, smaller
// than an image), runs of dark modules merged into one rectangle, and
// makes it a link to the same address.
func drawQR(pdf *fpdf.Fpdf, target string, x, y, size float64) error {
	q, err := qrcode.New(target, qrcode.Medium)
	if err != nil {
		return fmt.Errorf("certificates: qr code: %w", err)
	}
	q.DisableBorder = true
	bits := q.Bitmap()
	m := size / float64(len(bits))
	pdf.SetFillColor(0, 0, 0)
	for row, line := range bits {
		for col := 0; col < len(line); {
			if !line[col] {
				col++
				continue
			}
			start := col
			for col < len(line) && line[col] {
				col++
			}
			pdf.Rect(x+float64(start)*m, y+float64(row)*m, float64(col-start)*m, m, "F")
		}
	}
	pdf.LinkString(x, y, size, size, target)
	return nil
}

// pdfCache keeps recently printed PDFs, bounded, oldest out first.
type pdfCache struct {
	mu    sync.Mutex
	max   int
	items map[string][]byte
	order []string
}

func newPDFCache(max int) *pdfCache { return &pdfCache{max: max, items: map[string][]byte{}} }

func (p *pdfCache) get(k string) ([]byte, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	b, ok := p.items[k]
	return b, ok
}

func (p *pdfCache) put(k string, b []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.items[k]; ok {
		return
	}
	if len(p.order) >= p.max {
		delete(p.items, p.order[0])
		p.order = p.order[1:]
	}
	p.items[k] = b
	p.order = append(p.order, k)
}
