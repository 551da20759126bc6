package certificates

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestVerifyJSONAndPage(t *testing.T) {
	e := newEnv(t)
	c := mustCertify(t, e, completion("u1"))
	body := strings.TrimPrefix(c.Code, "LNT-")
	typo := []byte(body)
	typo[0], typo[1] = typo[1], typo[0]
	if typo[0] == typo[1] {
		typo[0] = map[bool]byte{true: 'A', false: 'B'}[typo[0] != 'A']
	}
	unknown := NewCode()

	tests := []struct {
		name, path    string
		wantStatus    int
		want, wantNot []string
	}{
		{"valid json", "/api/v1/certificates/" + c.Code, 200,
			[]string{`"status":"valid"`, `"learner_name":"Maria Goreti Ndun"`, `"course_title":"Jualan Online untuk UMKM"`,
				`"institution":"Politeknik Negeri Kupang"`, `"hours":3`, `"final_score":85`, `"verify_url":"` + testPublicURL + `/verify/` + c.Code},
			[]string{"user_id", "revoked"}},
		{"english title", "/api/v1/certificates/" + c.Code + "?lang=en", 200,
			[]string{`"course_title":"Selling Online for Small Businesses"`}, nil},
		{"typed loosely", "/api/v1/certificates/" + strings.ToLower(body), 200, []string{`"code":"` + c.Code}, nil},
		{"typo json", "/api/v1/certificates/" + string(typo), 422, []string{"salah ketik", `"code":"validation_failed"`}, nil},
		{"unknown json", "/api/v1/certificates/" + unknown, 404, []string{`"code":"not_found"`}, nil},
		{"malformed json", "/api/v1/certificates/hello", 422, []string{"tidak lengkap"}, nil},
		{"valid page", "/verify/" + c.Code, 200,
			[]string{"ASLI dan berlaku", "Maria Goreti Ndun", "Jualan Online untuk UMKM", "Politeknik Negeri Kupang", "3 jam", c.Code,
				"/api/v1/certificates/" + c.Code + "/pdf"}, []string{"DICABUT", "<script"}},
		{"typo page", "/verify/" + string(typo), 404, []string{"salah ketik"}, []string{"tidak dikenal"}},
		{"unknown page", "/verify/" + unknown, 404, []string{"tidak dikenal"}, []string{"salah ketik"}},
		{"page escapes input", "/verify/%3Cscript%3E", 404, []string{"&lt;script&gt;", "bukan kode sertifikat"}, []string{"<script>"}},
		{"form", "/verify", 200, []string{`action="/verify"`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.Do(t, "GET", tt.path, "", nil)
			if r.Status != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", r.Status, tt.wantStatus, r.Body)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(r.Body), w) {
					t.Errorf("body lacks %q:\n%s", w, r.Body)
				}
			}
			for _, w := range tt.wantNot {
				if strings.Contains(string(r.Body), w) {
					t.Errorf("body has %q", w)
				}
			}
		})
	}
	r := e.Do(t, "GET", "/verify?code="+strings.ToLower(body), "", nil)
	if r.Status != 303 || r.Header.Get("Location") != "/verify/"+c.Code {
		t.Errorf("form redirect: %d %s", r.Status, r.Header.Get("Location"))
	}
	if csp := e.Do(t, "GET", "/verify/"+c.Code, "", nil).Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("CSP = %q", csp)
	}
}

func TestRevocationRightsAndEffects(t *testing.T) {
	e := newEnv(t)
	c := mustCertify(t, e, completion("u1"))
	learner := e.Token(t, lontarLearner)
	path := "/api/v1/certificates/" + c.Code + "/revoke"
	reason := map[string]string{"reason": "Peserta tidak mengikuti ujian sendiri"}

	for _, tt := range []struct {
		name, token string
		body        any
		want        int
	}{
		{"anonymous", "", reason, 401},
		{"the learner", learner, reason, 403},
		{"another institution's trainer", e.Token(t, otherTrainer), reason, 403},
		{"agency", e.Token(t, agency), reason, 403},
		// Who may not revoke hears so whatever they send.
		{"another institution's trainer, no reason", e.Token(t, otherTrainer), map[string]string{"reason": ""}, 403},
		{"no reason", e.Token(t, lontarTrainer), map[string]string{"reason": "  "}, 422},
		// The reason is shown on the public page and the PDF: no NUL, no
		// line breaks, no right-to-left override that turns its words around.
		{"control characters", e.Token(t, lontarTrainer), map[string]string{"reason": "Peserta\u0000 tidak hadir"}, 422},
		{"right-to-left override", e.Token(t, lontarTrainer), map[string]string{"reason": "Peserta \u202etidak hadir\u202c sendiri"}, 422},
		{"line break", e.Token(t, lontarTrainer), map[string]string{"reason": "Peserta\ntidak hadir"}, 422},
		{"not json", e.Token(t, lontarTrainer), "reason", 400},
	} {
		if r := e.Do(t, "POST", path, tt.token, tt.body); r.Status != tt.want {
			t.Errorf("%s: %d, want %d: %s", tt.name, r.Status, tt.want, r.Body)
		}
	}
	if got := e.Do(t, "GET", "/api/v1/certificates/"+c.Code, "", nil); !strings.Contains(string(got.Body), `"status":"valid"`) {
		t.Fatal("a refused revocation changed the certificate")
	}
	r := e.Do(t, "POST", path, e.Token(t, lontarTrainer), reason)
	if r.Status != 200 || !strings.Contains(string(r.Body), `"status":"revoked"`) {
		t.Fatalf("trainer revoking: %d %s", r.Status, r.Body)
	}
	if r := e.Do(t, "POST", path, e.Token(t, lontarAdmin), reason); r.Status != 409 {
		t.Errorf("revoking twice: %d", r.Status)
	}

	// Reflected everywhere: the JSON, the page, the learner's list, the
	// credential's revocation list, and the events.
	var v View
	e.Do(t, "GET", "/api/v1/certificates/"+c.Code, "", nil).JSON(t, &v)
	if v.Status != StatusRevoked || v.RevokedReason != reason["reason"] || v.RevokedAt == nil {
		t.Errorf("view = %+v", v)
	}
	page := string(e.Do(t, "GET", "/verify/"+c.Code, "", nil).Body)
	if !strings.Contains(page, "DICABUT") || !strings.Contains(page, reason["reason"]) || strings.Contains(page, "ASLI") {
		t.Errorf("page does not say revoked:\n%s", page)
	}
	var mine []View
	e.Do(t, "GET", "/api/v1/me/certificates", learner, nil).JSON(t, &mine)
	if len(mine) != 1 || mine[0].Status != StatusRevoked {
		t.Errorf("me/certificates = %+v", mine)
	}
	var list RevocationList
	e.Do(t, "GET", "/api/v1/certificates/"+c.Code+"/revocations", "", nil).JSON(t, &list)
	if len(list.RevokedCredentials) != 1 || list.RevokedCredentials[0].ID != testPublicURL+"/api/v1/certificates/"+c.Code+"/credential" ||
		list.RevokedCredentials[0].RevocationReason != reason["reason"] {
		t.Errorf("revocation list = %+v", list)
	}
	if got := e.events.kinds(); len(got) != 2 || got[1] != "revoked:"+c.Code {
		t.Errorf("events = %v", got)
	}
	// An admin may revoke any institution's certificate.
	other := mustCertify(t, e, completion("u2"))
	if r := e.Do(t, "POST", "/api/v1/certificates/"+other.Code+"/revoke", e.Token(t, lontarAdmin), reason); r.Status != 200 {
		t.Errorf("admin revoking: %d %s", r.Status, r.Body)
	}
}

func TestMyCertificates(t *testing.T) {
	e := newEnv(t)
	if r := e.Do(t, "GET", "/api/v1/me/certificates", "", nil); r.Status != 401 {
		t.Errorf("anonymous: %d", r.Status)
	}
	var mine []View
	e.Do(t, "GET", "/api/v1/me/certificates", e.Token(t, lontarLearner), nil).JSON(t, &mine)
	if mine == nil || len(mine) != 0 {
		t.Fatalf("before: %v", mine)
	}
	c := mustCertify(t, e, completion(lontarLearner.UserID))
	mustCertify(t, e, completion("someone-else"))
	e.Do(t, "GET", "/api/v1/me/certificates", e.Token(t, lontarLearner), nil).JSON(t, &mine)
	if len(mine) != 1 || mine[0].Code != c.Code || mine[0].PDFURL != testPublicURL+"/api/v1/certificates/"+c.Code+"/pdf" {
		t.Errorf("after: %+v", mine)
	}
}

func TestIssuerProfileAndJWKS(t *testing.T) {
	e := newEnv(t)
	// Before it issued anything, and for a name nobody issues under, there
	// is no issuer: Lontar's domain must not vouch for any name in a URL.
	for _, inst := range []string{"Politeknik%20Negeri%20Kupang", "Universitas%20Palsu", "%3Cscript%3E"} {
		if r := e.Do(t, "GET", "/api/v1/issuers/"+inst, "", nil); r.Status != 404 || !strings.Contains(string(r.Body), `"not_found"`) {
			t.Errorf("unknown issuer %s: %d %s", inst, r.Status, r.Body)
		}
	}
	if r := e.Do(t, "GET", "/api/v1/issuers/lontar", "", nil); r.Status != 200 || !strings.Contains(string(r.Body), `"Lontar"`) {
		t.Errorf("platform issuer: %d %s", r.Status, r.Body)
	}
	mustCertify(t, e, completion("u1"))
	var p map[string]any
	e.Do(t, "GET", "/api/v1/issuers/Politeknik%20Negeri%20Kupang", "", nil).JSON(t, &p)
	if p["name"] != "Politeknik Negeri Kupang" || p["id"] != testPublicURL+"/api/v1/issuers/Politeknik%20Negeri%20Kupang" {
		t.Errorf("profile = %v", p)
	}
	r := e.Do(t, "GET", "/.well-known/jwks.json", "", nil)
	var set map[string][]map[string]any
	if err := json.Unmarshal(r.Body, &set); err != nil || len(set["keys"]) != 1 {
		t.Fatalf("jwks = %s", r.Body)
	}
	k := set["keys"][0]
	if k["kty"] != "OKP" || k["crv"] != "Ed25519" || k["alg"] != "EdDSA" || k["d"] != nil {
		t.Errorf("key = %v", k)
	}
}
