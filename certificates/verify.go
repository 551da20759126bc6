package certificates

import (
	"bytes"
	"html/template"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"lontar"
)

// verifyCSP lets the verification page use its own inline styles and
// nothing else: no scripts at all.
const verifyCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// verifyPage is what a person sees after scanning the QR code or typing a
// code: valid, revoked (when and why), unknown, or mistyped, in
// Indonesian with English beneath, readable on a small phone.
var verifyTmpl = template.Must(template.New("verify").Parse(`<!doctype html>
<html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex">
<title>{{.Title}} · Lontar</title>
<style>
body{font:16px/1.45 system-ui,sans-serif;margin:0;background:#f4f2ee;color:#1d2340}
main{max-width:34rem;margin:0 auto;padding:1rem}
.card{background:#fff;border-radius:12px;padding:1rem 1.1rem;box-shadow:0 1px 3px #0002}
.status{border-radius:10px;padding:.8rem 1rem;margin-bottom:1rem;font-weight:700;font-size:1.15rem}
.status small{display:block;font-weight:400;font-size:.9rem}
.valid{background:#dff3e4;color:#11552a}.revoked{background:#fbe0e3;color:#8e1328}
.unknown{background:#ececec;color:#333}.typo{background:#fff1d6;color:#6b4500}
dl{margin:0}dt{font-size:.8rem;color:#5f636e;margin-top:.7rem}dd{margin:0;font-size:1.05rem}
.name{font-size:1.35rem;font-weight:700}
a.btn,button{display:block;text-align:center;padding:.8rem;border-radius:10px;margin-top:.7rem;font-size:1rem;
text-decoration:none;border:0;width:100%;box-sizing:border-box}
a.btn{background:#202a5c;color:#fff}a.alt{background:#e7e8f0;color:#202a5c}
button{background:#202a5c;color:#fff}
input{font-size:1.1rem;padding:.7rem;width:100%;box-sizing:border-box;border:1px solid #999;border-radius:8px;text-transform:uppercase}
.en{color:#5f636e;font-size:.85rem}
footer{font-size:.8rem;color:#5f636e;margin-top:1rem}
</style></head>
<body><main>
<h1 style="font-size:1.2rem">Periksa sertifikat <span class="en">· Verify a certificate</span></h1>
{{if .Cert}}<div class="card">
<div class="status {{.Cert.Status}}">{{if eq .Cert.Status "valid"}}✔ Sertifikat ASLI dan berlaku<small>Genuine and valid</small>{{else}}✖ Sertifikat ini DICABUT<small>This certificate was revoked</small>{{end}}</div>
{{if .Cert.RevokedAt}}<p><b>Dicabut pada · Revoked on:</b> {{.RevokedOn}}<br><b>Alasan · Reason:</b> {{.Cert.RevokedReason}}</p>{{end}}
<dl>
<dt>Nama peserta · Learner</dt><dd class="name">{{.Cert.LearnerName}}</dd>
<dt>Kursus · Course</dt><dd>{{.Cert.CourseTitle}}</dd>
<dt>Penerbit · Issued by</dt><dd>{{.Cert.Institution}}</dd>
<dt>Lama belajar · Study time</dt><dd>{{.Hours}} jam · hours</dd>
{{if .Score}}<dt>Nilai kuis akhir · Final quiz score</dt><dd>{{.Score}}</dd>{{end}}
{{if .Cert.CohortName}}<dt>Kelas · Class</dt><dd>{{.Cert.CohortName}}</dd>{{end}}
<dt>Tanggal terbit · Issued on</dt><dd>{{.IssuedOn}}</dd>
<dt>Kode · Code</dt><dd><b>{{.Cert.Code}}</b></dd>
</dl>
<a class="btn" href="{{.Cert.PDFURL}}">Unduh PDF · Download PDF</a>
<a class="btn alt" href="{{.Cert.CredentialURL}}">Kredensial digital (Open Badges 3.0)</a>
</div>{{else}}<div class="card">
<div class="status {{.Kind}}">{{.Headline}}<small>{{.HeadlineEN}}</small></div>
{{if .Typed}}<p>Kode yang diperiksa · Code checked: <b>{{.Typed}}</b></p>{{end}}
</div>{{end}}
<form class="card" style="margin-top:1rem" method="get" action="/verify">
<label for="code">Ketik kode dari sertifikat <span class="en">· Type the code on the certificate</span></label>
<input id="code" name="code" placeholder="LNT-7KQ2-9XW4" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="20" required>
<button>Periksa · Verify</button>
</form>
<footer>Lontar · pelatihan digital untuk UMKM NTT. Tanda tangan digital dapat diperiksa dengan kunci di <a href="/.well-known/jwks.json">/.well-known/jwks.json</a>.</footer>
</main></body></html>
`))

type verifyData struct {
	Title, Kind, Headline, HeadlineEN, Typed string
	Cert                                     *View
	Hours, Score, IssuedOn, RevokedOn        string
}

// verifyForm sends a typed code to its page.
func (h *Handler) verifyForm(c *fiber.Ctx) error {
	typed := strings.TrimSpace(c.Query("code"))
	if typed == "" {
		return h.renderVerify(c, fiber.StatusOK, verifyData{Title: "Periksa sertifikat", Kind: "unknown",
			Headline: "Ketik kode sertifikat di bawah.", HeadlineEN: "Type the certificate code below."})
	}
	if code, err := ParseCode(typed); err == nil {
		typed = code
	}
	return c.Redirect("/verify/"+url.PathEscape(typed), fiber.StatusSeeOther)
}

func (h *Handler) verifyPage(c *fiber.Ctx) error {
	typed, _ := url.PathUnescape(c.Params("code"))
	if len(typed) > 40 {
		typed = strings.ToValidUTF8(typed[:40], "")
	}
	cert, err := h.svc.Get(c.UserContext(), typed)
	switch {
	case err == nil:
		v := h.svc.view(cert, lontar.LangID)
		d := verifyData{Title: "Sertifikat " + cert.Code, Cert: &v,
			Hours: hoursText(cert.Hours(), lontar.LangID), IssuedOn: dateText(cert.IssuedAt, lontar.LangID)}
		if cert.FinalScore != nil {
			d.Score = strconv.FormatFloat(*cert.FinalScore, 'f', 0, 64)
		}
		if r := cert.Revocation; r != nil {
			d.RevokedOn = dateText(r.At, lontar.LangID)
		}
		return h.renderVerify(c, fiber.StatusOK, d)
	case IsTypo(err):
		return h.renderVerify(c, fiber.StatusNotFound, verifyData{Title: "Kode salah ketik", Kind: "typo", Typed: typed,
			Headline:   "Kode ini salah ketik: ada huruf yang keliru atau tertukar.",
			HeadlineEN: "This code has a typo: a character is wrong or two are swapped."})
	case lontar.IsCode(err, lontar.EInvalid):
		return h.renderVerify(c, fiber.StatusNotFound, verifyData{Title: "Kode tidak lengkap", Kind: "typo", Typed: typed,
			Headline:   "Ini bukan kode sertifikat Lontar. Contohnya: LNT-7KQ2-9XW4.",
			HeadlineEN: "This is not a Lontar certificate code. It looks like LNT-7KQ2-9XW4."})
	case lontar.IsCode(err, lontar.ENotFound):
		return h.renderVerify(c, fiber.StatusNotFound, verifyData{Title: "Sertifikat tidak dikenal", Kind: "unknown", Typed: typed,
			Headline:   "Sertifikat dengan kode ini tidak dikenal Lontar.",
			HeadlineEN: "Lontar knows no certificate with this code."})
	default:
		return err
	}
}

func (h *Handler) renderVerify(c *fiber.Ctx, status int, d verifyData) error {
	var buf bytes.Buffer
	if err := verifyTmpl.Execute(&buf, d); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentSecurityPolicy, verifyCSP)
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)

	return c.Status(status).Send(buf.Bytes())
}
