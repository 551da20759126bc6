package certificates

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// verifyJWS checks a compact JWS against a JWKS the way any holder can:
// standard library only, none of the code that signed it.
func verifyJWS(jws string, jwks []byte) (header, payload map[string]any, err error) {
	parts := strings.Split(jws, ".")
	if len(parts) != 3 {
		return nil, nil, errors.New("not a compact JWS")
	}
	dec := base64.RawURLEncoding
	h, err := dec.DecodeString(parts[0])
	if err != nil {
		return nil, nil, err
	}
	if err := json.Unmarshal(h, &header); err != nil {
		return nil, nil, err
	}
	if header["alg"] != "EdDSA" {
		return nil, nil, errors.New("alg is not EdDSA")
	}
	var set struct {
		Keys []struct{ Kty, Crv, X, Kid string }
	}
	if err := json.Unmarshal(jwks, &set); err != nil {
		return nil, nil, err
	}
	var pub ed25519.PublicKey
	for _, k := range set.Keys {
		if k.Kid == header["kid"] && k.Kty == "OKP" && k.Crv == "Ed25519" {
			if pub, err = dec.DecodeString(k.X); err != nil {
				return nil, nil, err
			}
		}
	}
	if len(pub) != ed25519.PublicKeySize {
		return nil, nil, errors.New("kid not in the JWKS")
	}
	sig, err := dec.DecodeString(parts[2])
	if err != nil {
		return nil, nil, err
	}
	if !ed25519.Verify(pub, []byte(parts[0]+"."+parts[1]), sig) {
		return nil, nil, errors.New("signature does not verify")
	}
	p, err := dec.DecodeString(parts[1])
	if err != nil {
		return nil, nil, err
	}
	return header, payload, json.Unmarshal(p, &payload)
}

func (e *env) credential(t *testing.T, code string) string {
	t.Helper()
	r := e.Do(t, "GET", "/api/v1/certificates/"+code+"/credential", "", nil)
	if r.Status != 200 || r.Header.Get("Content-Type") != "application/vc+jwt" {
		t.Fatalf("credential: %d %s %s", r.Status, r.Header.Get("Content-Type"), r.Body)
	}
	return string(r.Body)
}

func (e *env) jwks(t *testing.T) []byte {
	t.Helper()
	r := e.Do(t, "GET", "/.well-known/jwks.json", "", nil)
	if r.Status != 200 {
		t.Fatalf("jwks: %d %s", r.Status, r.Body)
	}
	return r.Body
}

func TestCredentialIsAnOpenBadgeVerifiedWithTheJWKS(t *testing.T) {
	e := newEnv(t)
	c := mustCertify(t, e, completion("u1"))
	jws := e.credential(t, c.Code)
	header, p, err := verifyJWS(jws, e.jwks(t))
	if err != nil {
		t.Fatal(err)
	}
	if header["typ"] != "JWT" || !strings.HasPrefix(header["kid"].(string), testPublicURL+"/.well-known/jwks.json#") {
		t.Errorf("header = %v", header)
	}
	for k := range header {
		if k != "alg" && k != "kid" && k != "typ" {
			t.Errorf("header has %q; OB 3.0 allows no other JOSE headers", k)
		}
	}
	ctx, _ := json.Marshal(p["@context"])
	if string(ctx) != `["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]` {
		t.Errorf("@context = %s", ctx)
	}
	types, _ := json.Marshal(p["type"])
	if string(types) != `["VerifiableCredential","OpenBadgeCredential"]` {
		t.Errorf("type = %s", types)
	}
	issuer := p["issuer"].(map[string]any)
	subject := p["credentialSubject"].(map[string]any)
	achievement := subject["achievement"].(map[string]any)
	criteria := achievement["criteria"].(map[string]any)
	if issuer["name"] != "Politeknik Negeri Kupang" || issuer["id"] != testPublicURL+"/api/v1/issuers/Politeknik%20Negeri%20Kupang" {
		t.Errorf("issuer = %v", issuer)
	}
	if st, _ := json.Marshal(subject["type"]); string(st) != `["AchievementSubject"]` {
		t.Errorf("credentialSubject.type = %s", st)
	}
	if achievement["name"] != "Jualan Online untuk UMKM" || achievement["description"] != "Berjualan di marketplace dan WhatsApp." ||
		!strings.Contains(criteria["narrative"].(string), "kuis akhir") || achievement["id"] != testPublicURL+"/api/v1/courses/jualan-online" {
		t.Errorf("achievement = %v", achievement)
	}
	ids, _ := json.Marshal(subject["identifier"])
	if !strings.Contains(string(ids), `"identityHash":"Maria Goreti Ndun"`) {
		t.Errorf("identifier = %s", ids)
	}
	// The JWT claims mirror the credential (OB 3.0 §8.2.4.1).
	if p["iss"] != issuer["id"] || p["sub"] != subject["id"] || p["jti"] != p["id"] ||
		p["id"] != testPublicURL+"/api/v1/certificates/"+c.Code+"/credential" {
		t.Errorf("claims iss=%v sub=%v jti=%v id=%v", p["iss"], p["sub"], p["jti"], p["id"])
	}
	validFrom, err := time.Parse(time.RFC3339, p["validFrom"].(string))
	if err != nil || int64(p["nbf"].(float64)) != validFrom.Unix() || validFrom.Unix() != c.IssuedAt.Unix() {
		t.Errorf("nbf %v, validFrom %v, issued %v", p["nbf"], p["validFrom"], c.IssuedAt)
	}
	status := p["credentialStatus"].(map[string]any)
	if status["type"] != "1EdTechRevocationList" || status["id"] != testPublicURL+"/api/v1/certificates/"+c.Code+"/revocations" {
		t.Errorf("credentialStatus = %v", status)
	}
	// The same credential on every request.
	if again := e.credential(t, c.Code); again != jws {
		t.Error("credential differs between requests")
	}
}

func TestCredentialTamperedOrWrongKeyIsRejected(t *testing.T) {
	e := newEnv(t)
	c := mustCertify(t, e, completion("u1"))
	jws := e.credential(t, c.Code)
	jwks := e.jwks(t)
	parts := strings.Split(jws, ".")

	// Change the learner's name in the payload, keep the signature.
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	forged := strings.Replace(string(payload), "Maria Goreti Ndun", "Mario Goreti Ndun", 1)
	if forged == string(payload) {
		t.Fatal("name not in the payload")
	}
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(forged)) + "." + parts[2]
	if _, _, err := verifyJWS(tampered, jwks); err == nil {
		t.Error("a tampered payload verified")
	}
	// Sign the forged payload with another key under the same kid.
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	sig := ed25519.Sign(other, []byte(parts[0]+"."+base64.RawURLEncoding.EncodeToString([]byte(forged))))
	wrongKey := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(forged)) + "." + base64.RawURLEncoding.EncodeToString(sig)
	if _, _, err := verifyJWS(wrongKey, jwks); err == nil {
		t.Error("a credential signed with another key verified")
	}
	// The untouched one still does.
	if _, _, err := verifyJWS(jws, jwks); err != nil {
		t.Error(err)
	}
}

func TestKeyRotationKeepsOldCredentialsVerifying(t *testing.T) {
	e := newEnv(t)
	c := mustCertify(t, e, completion("u1"))
	before := e.credential(t, c.Code)

	admin := e.Token(t, lontarAdmin)
	if r := e.Do(t, "POST", "/api/v1/signing-keys/rotate", e.Token(t, lontarTrainer), nil); r.Status != 403 {
		t.Errorf("trainer rotating: %d", r.Status)
	}
	r := e.Do(t, "POST", "/api/v1/signing-keys/rotate", admin, nil)
	if r.Status != 201 {
		t.Fatalf("rotate: %d %s", r.Status, r.Body)
	}
	after := e.credential(t, c.Code)
	jwks := e.jwks(t)
	var set JWKS
	_ = json.Unmarshal(jwks, &set)
	if len(set.Keys) != 2 {
		t.Fatalf("JWKS has %d keys after a rotation, want 2", len(set.Keys))
	}
	hb, _, err := verifyJWS(before, jwks)
	if err != nil {
		t.Fatalf("credential signed before the rotation: %v", err)
	}
	ha, _, err := verifyJWS(after, jwks)
	if err != nil {
		t.Fatalf("credential signed after the rotation: %v", err)
	}
	if hb["kid"] == ha["kid"] {
		t.Error("the new credential is signed with the old key")
	}
	// Both keys are files only their owner can read.
	files, _ := filepath.Glob(filepath.Join(e.svc.keys.dir, "*.pem"))
	for _, f := range files {
		if st, err := os.Stat(f); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, %v; want 0600", f, st.Mode().Perm(), err)
		}
	}
	if len(files) != 2 {
		t.Errorf("%d key files, want 2", len(files))
	}
	// A restart loads both keys and signs with the newest.
	keys, err := LoadKeys(t.Context(), e.DB, e.svc.keys.dir)
	if err != nil {
		t.Fatal(err)
	}
	if e.svc.kid(keys.signer().thumb) != ha["kid"] || len(keys.local) != 2 {
		t.Errorf("after a restart the signing key is %s, want %s", keys.signer().thumb, ha["kid"])
	}
}

// BenchmarkCredentialOverHTTP measures GET /certificates/{code}/credential:
// the lookups by _id, building the credential and signing it.
func BenchmarkCredentialOverHTTP(b *testing.B) {
	e := newEnv(b)
	c := mustCertify(b, e, completion("u1"))
	for b.Loop() {
		if r := e.Do(b, "GET", "/api/v1/certificates/"+c.Code+"/credential", "", nil); r.Status != 200 {
			b.Fatal(r.Status)
		}
	}
}

// BenchmarkCertify measures issuing a certificate: the existence check,
// the code reservation, the insert and the learner's list.
func BenchmarkCertify(b *testing.B) {
	e := newEnv(b)
	for i := 0; b.Loop(); i++ {
		if _, err := e.svc.Certify(b.Context(), completion(fmt.Sprintf("u%d", i))); err != nil {
			b.Fatal(err)
		}
	}
}
