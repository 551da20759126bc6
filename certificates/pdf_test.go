package certificates

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/skip2/go-qrcode"

	"lontar"
)

func TestPDFIsValidA4WithTheQRCodeToTheVerifyPage(t *testing.T) {
	e := newEnv(t)
	in := completion("u1")
	in.LearnerName = "Ni Ketut Śri Wahyuni Ndun-Lodo" // Latin Extended-A must print
	c := mustCertify(t, e, in)
	r := e.Do(t, "GET", "/api/v1/certificates/"+strings.ToLower(c.Code)+"/pdf?download=1", "", nil)
	if r.Status != 200 || r.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("pdf: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	if cd := r.Header.Get("Content-Disposition"); cd != `attachment; filename="sertifikat-`+c.Code+`.pdf"` {
		t.Errorf("Content-Disposition = %s", cd)
	}
	pdf := r.Body
	checkPDFStructure(t, pdf)
	// A4 landscape: 841.89 × 595.28 points.
	if !bytes.Contains(pdf, []byte("/MediaBox [0 0 841.89 595.28]")) {
		t.Error("page is not A4 landscape")
	}
	if !bytes.Contains(pdf, []byte("/FontFile2")) {
		t.Error("no embedded TrueType font")
	}
	target := testPublicURL + "/verify/" + c.Code
	if !bytes.Contains(pdf, []byte("/URI ("+target+")")) {
		t.Errorf("no link to %s", target)
	}
	// The QR code drawn on the page is the QR code of the verify address.
	want, _ := qrcode.New(target, qrcode.Medium)
	want.DisableBorder = true
	if got := qrModules(t, pageContent(t, pdf), len(want.Bitmap())); !equalBits(got, want.Bitmap()) {
		t.Error("the QR code on the page does not encode the verify address")
	}
	// Cached: the same bytes, with an ETag a phone can revalidate.
	r2 := e.Do(t, "GET", "/api/v1/certificates/"+c.Code+"/pdf", "", nil, "If-None-Match: "+r.Header.Get("ETag"))
	if r2.Status != 304 {
		t.Errorf("revalidation: %d", r2.Status)
	}
}

// checkPDFStructure checks what a reader needs to open the file: the
// header, the trailer, and a cross-reference table whose every offset
// lands on the object it names.
func checkPDFStructure(t *testing.T, pdf []byte) {
	t.Helper()
	if !bytes.HasPrefix(pdf, []byte("%PDF-1.")) || !bytes.HasSuffix(bytes.TrimSpace(pdf), []byte("%%EOF")) {
		t.Fatal("missing the PDF header or the EOF marker")
	}
	m := regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`).FindSubmatch(pdf)
	if m == nil {
		t.Fatal("no startxref")
	}
	off, _ := strconv.Atoi(string(m[1]))
	if !bytes.HasPrefix(pdf[off:], []byte("xref")) {
		t.Fatal("startxref does not point at the xref table")
	}
	lines := strings.Split(string(pdf[off:]), "\n")
	var first, count int
	if _, err := fmt.Sscanf(lines[1], "%d %d", &first, &count); err != nil || count < 5 {
		t.Fatalf("xref subsection %q", lines[1])
	}
	for i := 1; i < count; i++ {
		var o, gen int
		var kind string
		if _, err := fmt.Sscanf(lines[2+i], "%d %d %s", &o, &gen, &kind); err != nil {
			t.Fatalf("xref entry %q", lines[2+i])
		}
		if kind == "n" && !bytes.HasPrefix(pdf[o:], []byte(strconv.Itoa(first+i)+" 0 obj")) {
			t.Errorf("xref entry %d points at %q", first+i, pdf[o:min(o+12, len(pdf))])
		}
	}
}

// pageContent inflates the page's content stream (the first stream).
func pageContent(t *testing.T, pdf []byte) string {
	t.Helper()
	i := bytes.Index(pdf, []byte("stream\n"))
	j := bytes.Index(pdf, []byte("\nendstream"))
	if i < 0 || j < i {
		t.Fatal("no content stream")
	}
	zr, err := zlib.NewReader(bytes.NewReader(pdf[i+len("stream\n") : j]))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// qrModules rebuilds the module grid from the filled rectangles of the
// QR area (the square whose side is the widest run of rectangles).
func qrModules(t *testing.T, content string, n int) [][]bool {
	t.Helper()
	re := regexp.MustCompile(`([\d.]+) ([\d.]+) ([\d.]+) ([\d.-]+) re f`)
	type rect struct{ x, y, w, h float64 }
	var rects []rect
	minX, maxY := 1e9, 0.0
	for _, m := range re.FindAllStringSubmatch(content, -1) {
		var r rect
		r.x, _ = strconv.ParseFloat(m[1], 64)
		r.y, _ = strconv.ParseFloat(m[2], 64)
		r.w, _ = strconv.ParseFloat(m[3], 64)
		r.h, _ = strconv.ParseFloat(m[4], 64)
		// The QR modules are the small squares low on the right.
		if r.x < 600 || r.y > 300 {
			continue
		}
		rects = append(rects, r)
		minX = min(minX, r.x)
		maxY = max(maxY, r.y)
	}
	if len(rects) == 0 {
		t.Fatal("no QR rectangles on the page")
	}
	side := 36.0 / 25.4 * 72 // 36 mm in points
	m := side / float64(n)
	grid := make([][]bool, n)
	for i := range grid {
		grid[i] = make([]bool, n)
	}
	for _, r := range rects {
		row := int((maxY-r.y)/m + 0.5)
		col := int((r.x-minX)/m + 0.5)
		for k := 0; k < int(r.w/m+0.5); k++ {
			if row < n && col+k < n {
				grid[row][col+k] = true
			}
		}
	}
	return grid
}

func equalBits(a, b [][]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return false
			}
		}
	}
	return true
}

func TestPDFShowsRevocation(t *testing.T) {
	e := newEnv(t)
	c := mustCertify(t, e, completion("u1"))
	valid := e.Do(t, "GET", "/api/v1/certificates/"+c.Code+"/pdf", "", nil).Body
	if _, err := e.svc.Revoke(t.Context(), &lontarAdmin, c.Code, RevokeInput{Reason: "Data peserta keliru"}); err != nil {
		t.Fatal(err)
	}
	revoked := e.Do(t, "GET", "/api/v1/certificates/"+c.Code+"/pdf", "", nil).Body
	if bytes.Equal(valid, revoked) || len(revoked) < len(valid) {
		t.Error("the PDF did not change on revocation (a cached copy was served)")
	}
	checkPDFStructure(t, revoked)
}

// Names, titles and reasons typed on phones carry emoji; the embedded fonts
// (and fpdf's UTF-8 tables) stop at U+FFFF, where an emoji used to make
// the PDF a 500. The PDF prints the rest of the text.
func TestPDFWithEmoji(t *testing.T) {
	e := newEnv(t)
	in := completion("u1")
	in.LearnerName = "Ina 😀 Sei"
	in.CourseTitle = lontar.T("Jualan Online 🛒", "Selling Online 🛒")
	c := mustCertify(t, e, in)
	r := e.Do(t, "GET", "/api/v1/certificates/"+c.Code+"/pdf", "", nil)
	if r.Status != 200 {
		t.Fatalf("pdf: %d %s", r.Status, r.Body)
	}
	checkPDFStructure(t, r.Body)
	if _, err := e.svc.Revoke(t.Context(), &lontarAdmin, c.Code, RevokeInput{Reason: "Salah nama 🙏 maaf"}); err != nil {
		t.Fatal(err)
	}
	if r := e.Do(t, "GET", "/api/v1/certificates/"+c.Code+"/pdf", "", nil); r.Status != 200 {
		t.Fatalf("revoked pdf: %d %s", r.Status, r.Body)
	}
	if v := e.Do(t, "GET", "/api/v1/certificates/"+c.Code, "", nil); !strings.Contains(string(v.Body), "Ina 😀 Sei") {
		t.Errorf("the verify JSON should keep the name as written: %s", v.Body)
	}
}

// BenchmarkRenderPDF measures printing one certificate, without the cache.
func BenchmarkRenderPDF(b *testing.B) {
	c := &Certificate{Code: "LNT-7KQ2-9XW4", UserID: "u1", CourseID: "jualan-online", LearnerName: "Maria Goreti Ndun",
		CourseTitle: lontar.T("Jualan Online untuk UMKM", "Selling Online for Small Businesses"),
		Institution: "Politeknik Negeri Kupang", Minutes: 185, FinalScore: score(85), CohortName: "Kelas Tenun Oebobo",
		CompletedAt: time.Now(), IssuedAt: time.Now()}
	var size int
	for b.Loop() {
		pdf, err := renderPDF(c, "https://lontar.example/verify/LNT-7KQ2-9XW4")
		if err != nil {
			b.Fatal(err)
		}
		size = len(pdf)
	}
	b.ReportMetric(float64(size), "bytes/pdf")
}

// The PDF opens in poppler (an independent reader) and the QR code on the
// rendered page, read by zbar, is the verify address. Skipped, with a
// message, where the tools are not installed (.ci/run installs them).
func TestPDFRendersAndItsQRCodeScans(t *testing.T) {
	pdftoppm, err1 := exec.LookPath("pdftoppm")
	zbarimg, err2 := exec.LookPath("zbarimg")
	if err1 != nil || err2 != nil {
		t.Skip("pdftoppm or zbarimg not installed: QR scan test skipped (apt-get install poppler-utils zbar-tools)")
	}
	e := newEnv(t)
	c := mustCertify(t, e, completion("u1"))
	pdf := e.Do(t, "GET", "/api/v1/certificates/"+c.Code+"/pdf", "", nil).Body
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "c.pdf"), pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pdftoppm, "-r", "150", "-png", "-singlefile", filepath.Join(dir, "c.pdf"), filepath.Join(dir, "page")).CombinedOutput()
	if err != nil {
		t.Fatalf("poppler cannot render the PDF: %v\n%s", err, out)
	}
	out, err = exec.Command(zbarimg, "-q", "--raw", filepath.Join(dir, "page.png")).Output()
	if err != nil {
		t.Fatalf("no QR code found on the rendered page: %v", err)
	}
	if got := strings.TrimSpace(string(out)); got != testPublicURL+"/verify/"+c.Code {
		t.Errorf("the QR code reads %q, want %q", got, testPublicURL+"/verify/"+c.Code)
	}
}

// BenchmarkPDFOverHTTP measures GET /certificates/{code}/pdf once printed:
// the code lookups by _id and the cached bytes.
func BenchmarkPDFOverHTTP(b *testing.B) {
	e := newEnv(b)
	code, err := e.svc.Certify(b.Context(), completion("u1"))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if r := e.Do(b, "GET", "/api/v1/certificates/"+code+"/pdf", "", nil); r.Status != 200 {
			b.Fatal(r.Status)
		}
	}
}
