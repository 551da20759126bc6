package main

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
)

// finalAnswers reads a quiz's authoring form as an admin and returns the
// answers that score 100 %.
func finalAnswers(t *testing.T, s *server, admin, quizID string) map[string]any {
	t.Helper()
	r := s.Do(t, "GET", "/api/v1/quizzes/"+quizID+"?lang=all", admin, nil)
	var q struct {
		Questions []struct {
			ID      string          `json:"id"`
			Type    string          `json:"type"`
			Answer  json.RawMessage `json:"answer"`
			Choices []struct {
				ID      string `json:"id"`
				Correct bool   `json:"correct"`
			} `json:"choices"`
		} `json:"questions"`
	}
	r.JSON(t, &q)
	if r.Status != 200 || len(q.Questions) == 0 {
		t.Fatalf("final quiz %s: %d %s", quizID, r.Status, r.Body)
	}
	answers := map[string]any{}
	for _, qu := range q.Questions {
		var correct []string
		for _, c := range qu.Choices {
			if c.Correct {
				correct = append(correct, c.ID)
			}
		}
		switch qu.Type {
		case "single":
			answers[qu.ID] = correct[0]
		case "multiple":
			answers[qu.ID] = correct
		case "true_false":
			var b bool
			_ = json.Unmarshal(qu.Answer, &b)
			answers[qu.ID] = b
		case "numeric":
			var n struct{ Value float64 }
			_ = json.Unmarshal(qu.Answer, &n)
			answers[qu.ID] = n.Value
		case "short_answer":
			var list []string
			_ = json.Unmarshal(qu.Answer, &list)
			answers[qu.ID] = list[0]
		default:
			t.Fatalf("question type %s", qu.Type)
		}
	}
	return answers
}

type enrollmentReply struct {
	CompletedAt     *string `json:"completed_at"`
	CertificateCode *string `json:"certificate_code"`
}

// courseLessons lists a published course's lesson ids in order.
func courseLessons(t *testing.T, s *server, courseID string) []string {
	t.Helper()
	var c struct {
		Modules []struct {
			Lessons []struct {
				ID string `json:"id"`
			} `json:"lessons"`
		} `json:"modules"`
	}
	s.Do(t, "GET", "/api/v1/courses/"+courseID, "", nil).JSON(t, &c)
	var ids []string
	for _, m := range c.Modules {
		for _, l := range m.Lessons {
			ids = append(ids, l.ID)
		}
	}
	return ids
}

// A learner finishes a seeded course (the last lesson through offline
// sync, replayed), gets exactly one certificate once the final is passed,
// and anyone can verify it: the JSON, the page, the PDF and the credential
// against the JWKS, checked with crypto/ed25519 alone.
func TestCertificateForASeededCourse(t *testing.T) {
	s := startServer(t, map[string]string{"LONTAR_PUBLIC_URL": "https://lontar.example",
		"LONTAR_BOOTSTRAP_ADMIN_PHONE": "081300000001", "LONTAR_BOOTSTRAP_ADMIN_PASSWORD": "admin-lontar-kupang"})
	admin := login(t, s, "081300000001", "admin-lontar-kupang")
	learner := register(t, s, "081234567001", "Yuliana Ndun Bani", "tenun", "5371040", "f")
	const course = "jualan-online"
	if r := s.Do(t, "POST", "/api/v1/courses/"+course+"/enroll", learner, nil); r.Status != 201 {
		t.Fatalf("enroll: %d %s", r.Status, r.Body)
	}
	lessons := courseLessons(t, s, course)
	for _, id := range lessons[:len(lessons)-1] {
		if r := s.Do(t, "POST", "/api/v1/courses/"+course+"/lessons/"+id+"/complete", learner, nil); r.Status != 200 {
			t.Fatalf("complete %s: %d %s", id, r.Status, r.Body)
		}
	}
	last := map[string]any{"events": []map[string]any{{"id": "5b7f1c1e-8d1a-4c59-9a57-1f0b7e3e2a10", "type": "lesson_completed",
		"occurred_at": "2026-01-01T00:00:00Z", "course_id": course, "lesson_id": lessons[len(lessons)-1]}}}
	if r := s.Do(t, "POST", "/api/v1/sync", learner, last); r.Status != 200 {
		t.Fatalf("sync: %d %s", r.Status, r.Body)
	}
	enrollment := func() enrollmentReply {
		var e enrollmentReply
		s.Do(t, "GET", "/api/v1/me/enrollments/"+course, learner, nil).JSON(t, &e)
		return e
	}
	if e := enrollment(); e.CompletedAt != nil || e.CertificateCode != nil {
		t.Fatalf("complete before the final was passed: %+v", e)
	}
	var mine []map[string]any
	s.Do(t, "GET", "/api/v1/me/certificates", learner, nil).JSON(t, &mine)
	if len(mine) != 0 {
		t.Fatalf("a certificate before the final: %v", mine)
	}

	// A failed final changes nothing; passing it issues the certificate,
	// once, however many passing attempts race.
	final := course + "-final"
	answers := finalAnswers(t, s, admin, final)
	wrong := wrongAnswer(t, answers)
	if r := s.Do(t, "POST", "/api/v1/quizzes/"+final+"/attempts", learner, map[string]any{"answers": wrong}); r.Status != 201 {
		t.Fatalf("failed attempt: %d %s", r.Status, r.Body)
	}
	if e := enrollment(); e.CertificateCode != nil {
		t.Fatalf("a certificate after a failed final: %+v", e)
	}
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := s.Do(t, "POST", "/api/v1/quizzes/"+final+"/attempts", learner, map[string]any{"answers": answers,
				"attempt_id": fmt.Sprintf("0f8e3c2a-4b1d-4e6f-8a9b-00000000000%d", i)})
			if r.Status != 201 || !strings.Contains(string(r.Body), `"passed":true`) {
				t.Errorf("passing attempt: %d %s", r.Status, r.Body)
			}
		}()
	}
	wg.Wait()
	e := enrollment()
	if e.CompletedAt == nil || e.CertificateCode == nil {
		t.Fatalf("no certificate after passing the final: %+v", e)
	}
	code := *e.CertificateCode
	// The offline event arrives again: still one certificate, same code.
	s.Do(t, "POST", "/api/v1/sync", learner, last)
	s.Do(t, "GET", "/api/v1/me/certificates", learner, nil).JSON(t, &mine)
	if len(mine) != 1 || mine[0]["code"] != code || enrollment().CertificateCode == nil || *enrollment().CertificateCode != code {
		t.Fatalf("after a replay: %v", mine)
	}

	var v map[string]any
	s.Do(t, "GET", "/api/v1/certificates/"+code, "", nil).JSON(t, &v)
	if v["status"] != "valid" || v["learner_name"] != "Yuliana Ndun Bani" || v["institution"] != "Lontar" ||
		v["verify_url"] != "https://lontar.example/verify/"+code {
		t.Errorf("certificate = %v", v)
	}
	page := s.Do(t, "GET", "/verify/"+code, "", nil)
	if page.Status != 200 || !strings.Contains(string(page.Body), "Yuliana Ndun Bani") {
		t.Errorf("verify page: %d", page.Status)
	}
	pdf := s.Do(t, "GET", "/api/v1/certificates/"+code+"/pdf", "", nil)
	if pdf.Status != 200 || !strings.HasPrefix(string(pdf.Body), "%PDF-") ||
		!strings.Contains(string(pdf.Body), "https://lontar.example/verify/"+code) {
		t.Errorf("pdf: %d %.20q", pdf.Status, pdf.Body)
	}
	jws := string(s.Do(t, "GET", "/api/v1/certificates/"+code+"/credential", "", nil).Body)
	if err := verifyWithJWKS(jws, s.Do(t, "GET", "/.well-known/jwks.json", "", nil).Body); err != nil {
		t.Errorf("credential: %v", err)
	}
}

// verifyWithJWKS checks an EdDSA compact JWS with the JWKS, standard library only.
func verifyWithJWKS(jws string, jwks []byte) error {
	parts := strings.Split(jws, ".")
	if len(parts) != 3 {
		return fmt.Errorf("not a compact JWS: %.40q", jws)
	}
	var header struct{ Alg, Kid string }
	h, _ := base64.RawURLEncoding.DecodeString(parts[0])
	if err := json.Unmarshal(h, &header); err != nil || header.Alg != "EdDSA" {
		return fmt.Errorf("header %s", h)
	}
	var set struct{ Keys []struct{ Kid, X string } }
	if err := json.Unmarshal(jwks, &set); err != nil {
		return err
	}
	for _, k := range set.Keys {
		if k.Kid != header.Kid {
			continue
		}
		pub, _ := base64.RawURLEncoding.DecodeString(k.X)
		sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
		if len(pub) == ed25519.PublicKeySize && ed25519.Verify(pub, []byte(parts[0]+"."+parts[1]), sig) {
			return nil
		}
		return fmt.Errorf("signature does not verify")
	}
	return fmt.Errorf("kid %s not in the JWKS", header.Kid)
}

// wrongAnswer answers one question of the final wrongly (an attempt must
// answer at least one question), so the attempt fails: a true/false
// question the other way, or a number far off.
func wrongAnswer(t *testing.T, right map[string]any) map[string]any {
	t.Helper()
	for _, id := range slices.Sorted(maps.Keys(right)) {
		switch v := right[id].(type) {
		case bool:
			return map[string]any{id: !v}
		case float64:
			return map[string]any{id: v + 1000}
		}
	}
	t.Fatal("the final has no true/false or numeric question to answer wrongly")
	return nil
}
