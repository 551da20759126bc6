package main

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"sort"
	"strings"
	"testing"
)

// validate checks value against a JSON Schema of the document (the
// subset the generator writes: $ref, anyOf, type, properties, required,
// additionalProperties, items, enum) and returns what does not match.
func validate(doc map[string]any, schema any, value any, at string) []string {
	s, _ := schema.(map[string]any)
	if ref, ok := s["$ref"].(string); ok {
		name := strings.TrimPrefix(ref, "#/components/schemas/")
		return validate(doc, doc["components"].(map[string]any)["schemas"].(map[string]any)[name], value, at)
	}
	if alts, ok := s["anyOf"].([]any); ok {
		var all []string
		for _, a := range alts {
			errs := validate(doc, a, value, at)
			if len(errs) == 0 {
				return nil
			}
			all = append(all, errs...)
		}
		return []string{at + ": matches no alternative (" + strings.Join(all, "; ") + ")"}
	}
	kind := func(v any) string {
		switch x := v.(type) {
		case nil:
			return "null"
		case bool:
			return "boolean"
		case float64:
			if x == math.Trunc(x) {
				return "integer"
			}
			return "number"
		case string:
			return "string"
		case []any:
			return "array"
		default:
			return "object"
		}
	}
	if tv, ok := s["type"]; ok {
		var types []string
		switch x := tv.(type) {
		case string:
			types = []string{x}
		case []any:
			for _, y := range x {
				types = append(types, y.(string))
			}
		}
		k := kind(value)
		fits := false
		for _, want := range types {
			if want == k || want == "number" && k == "integer" {
				fits = true
			}
		}
		if !fits {
			return []string{fmt.Sprintf("%s: %s, want %v", at, k, types)}
		}
	}
	if enum, ok := s["enum"].([]any); ok {
		found := false
		for _, e := range enum {
			if e == value {
				found = true
			}
		}
		if !found {
			return []string{fmt.Sprintf("%s: %v is not one of %v", at, value, enum)}
		}
	}
	var errs []string
	switch v := value.(type) {
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		for _, r := range asStrings(s["required"]) {
			if _, ok := v[r]; !ok {
				errs = append(errs, at+"."+r+": missing")
			}
		}
		for k, x := range v {
			if p, ok := props[k]; ok {
				errs = append(errs, validate(doc, p, x, at+"."+k)...)
				continue
			}
			switch ap := s["additionalProperties"].(type) {
			case bool:
				if !ap {
					errs = append(errs, at+"."+k+": not in the schema")
				}
			case map[string]any:
				errs = append(errs, validate(doc, ap, x, at+"."+k)...)
			}
		}
	case []any:
		if items, ok := s["items"]; ok {
			for i, x := range v {
				errs = append(errs, validate(doc, items, x, fmt.Sprintf("%s[%d]", at, i))...)
			}
		}
	}
	return errs
}

func asStrings(v any) []string {
	var out []string
	if l, ok := v.([]any); ok {
		for _, x := range l {
			out = append(out, x.(string))
		}
	}
	return out
}

// The OpenAPI document's schemas are generated from the Go types; this
// checks that real answers of the running server, along a workshop's
// path, match them, so the document cannot drift from what is served.
func TestResponsesMatchTheOpenAPISchemas(t *testing.T) {
	s := startServer(t, map[string]string{
		"LONTAR_BOOTSTRAP_ADMIN_PHONE": "081300000001", "LONTAR_BOOTSTRAP_ADMIN_PASSWORD": "admin-lontar-kupang"})
	var doc map[string]any
	s.Do(t, "GET", "/api/openapi.json", "", nil).JSON(t, &doc)
	checked := map[string]bool{}
	check := func(method, route string, r interface {
		StatusCode() int
		Bytes() []byte
	}) {
		t.Helper()
		op, _ := doc["paths"].(map[string]any)[paramRe.ReplaceAllString(route, "{$1}")].(map[string]any)[strings.ToLower(method)].(map[string]any)
		if op == nil {
			t.Fatalf("%s %s is not in the document", method, route)
		}
		status := fmt.Sprint(r.StatusCode())
		resp, _ := op["responses"].(map[string]any)[status].(map[string]any)
		if resp == nil {
			t.Fatalf("%s %s answered %d, which the document does not list: %s", method, route, r.StatusCode(), r.Bytes())
		}
		content, _ := resp["content"].(map[string]any)
		media, _ := content["application/json"].(map[string]any)
		schema := media["schema"]
		if schema == nil {
			t.Fatalf("%s %s: no schema", method, route)
		}
		var body any
		if err := json.Unmarshal(r.Bytes(), &body); err != nil {
			t.Fatalf("%s %s: %v", method, route, err)
		}
		if errs := validate(doc, schema, body, "body"); len(errs) > 0 {
			sort.Strings(errs)
			t.Errorf("%s %s does not match its schema:\n  %s", method, route, strings.Join(errs, "\n  "))
		}
		checked[method+" "+route] = true
	}
	do := func(method, route, path, token string, body any, want int) *replyAdapter {
		t.Helper()
		r := s.Do(t, method, path, token, body)
		if r.Status != want {
			t.Fatalf("%s %s: %d %s", method, path, r.Status, r.Body)
		}
		a := &replyAdapter{status: r.Status, body: r.Body}
		check(method, route, a)
		return a
	}

	var sess struct {
		AccessToken string `json:"access_token"`
	}
	reg := do("POST", "/api/v1/auth/register", "/api/v1/auth/register", "", map[string]any{"phone": "081234500777", "name": "Maria Bunga",
		"password": "sei-sapi-oebobo", "profile": map[string]any{"sector": "kuliner", "region": "5371030", "gender": "f"}}, 201)
	json.Unmarshal(reg.body, &sess)
	learner := sess.AccessToken
	do("POST", "/api/v1/auth/login", "/api/v1/auth/login", "", map[string]any{"phone": "081234500777", "password": "sei-sapi-oebobo"}, 200)
	do("GET", "/api/v1/me", "/api/v1/me", learner, nil, 200)
	do("GET", "/api/v1/settings", "/api/v1/settings", "", nil, 200)
	do("GET", "/api/v1/regions", "/api/v1/regions", "", nil, 200)
	do("GET", "/api/v1/courses", "/api/v1/courses?lang=id", "", nil, 200)
	do("GET", "/api/v1/courses/:id", "/api/v1/courses/pembukuan-sederhana?lang=id", "", nil, 200)
	do("GET", "/api/v1/courses/:id/lessons/:lesson_id", "/api/v1/courses/pembukuan-sederhana/lessons/pembukuan-sederhana-m1-l1?lang=en", "", nil, 200)
	do("POST", "/api/v1/courses/:id/enroll", "/api/v1/courses/pembukuan-sederhana/enroll", learner, nil, 201)
	do("POST", "/api/v1/courses/:id/lessons/:lesson/complete", "/api/v1/courses/pembukuan-sederhana/lessons/pembukuan-sederhana-m1-l1/complete", learner, nil, 200)
	do("GET", "/api/v1/me/enrollments", "/api/v1/me/enrollments", learner, nil, 200)
	do("GET", "/api/v1/me/enrollments/:course", "/api/v1/me/enrollments/pembukuan-sederhana", learner, nil, 200)
	do("GET", "/api/v1/courses/:id/quizzes", "/api/v1/courses/pembukuan-sederhana/quizzes", learner, nil, 200)
	q := do("GET", "/api/v1/quizzes/:id", "/api/v1/quizzes/pembukuan-sederhana-pretest", learner, nil, 200)
	var quiz struct {
		Questions []struct {
			ID      string `json:"id"`
			Choices []struct {
				ID string `json:"id"`
			} `json:"choices"`
		} `json:"questions"`
	}
	json.Unmarshal(q.body, &quiz)
	answers := map[string]any{}
	for _, qu := range quiz.Questions {
		if len(qu.Choices) > 0 {
			answers[qu.ID] = qu.Choices[0].ID
			break
		}
	}
	do("POST", "/api/v1/quizzes/:id/attempts", "/api/v1/quizzes/pembukuan-sederhana-pretest/attempts", learner,
		map[string]any{"answers": answers}, 201)
	do("GET", "/api/v1/quizzes/:id/attempts", "/api/v1/quizzes/pembukuan-sederhana-pretest/attempts", learner, nil, 200)
	do("POST", "/api/v1/sync", "/api/v1/sync", learner, map[string]any{"pending": 1, "events": []map[string]any{{
		"id": "0b9f5c1e-7d2a-4f61-9c3e-5a8b7c6d5e40", "type": "lesson_completed", "occurred_at": "2026-05-04T01:20:00Z",
		"course_id": "pembukuan-sederhana", "lesson_id": "pembukuan-sederhana-m1-l2"}}}, 200)
	do("GET", "/api/v1/me/invitations", "/api/v1/me/invitations", learner, nil, 200)

	admin := login(t, s, "081300000001", "admin-lontar-kupang")
	do("POST", "/api/v1/users", "/api/v1/users", admin, map[string]any{"phone": "081300000002", "name": "Bu Dosen",
		"password": "politeknik-kupang", "role": "trainer", "institution": "undana"}, 201)
	trainer := login(t, s, "081300000002", "politeknik-kupang")
	c := do("POST", "/api/v1/cohorts", "/api/v1/cohorts", trainer, map[string]any{"name": "Penenun Oesapa", "course_ids": []string{"pembukuan-sederhana"},
		"starts_on": "2026-01-01", "ends_on": "2099-12-31", "region": "5371040"}, 201)
	var cohort struct {
		ID       string `json:"id"`
		JoinCode string `json:"join_code"`
	}
	json.Unmarshal(c.body, &cohort)
	do("GET", "/api/v1/cohorts", "/api/v1/cohorts", trainer, nil, 200)
	do("GET", "/api/v1/cohorts/:id", "/api/v1/cohorts/"+cohort.ID, trainer, nil, 200)
	do("GET", "/api/v1/join/:code", "/api/v1/join/"+cohort.JoinCode, "", nil, 200)
	do("POST", "/api/v1/cohorts/join", "/api/v1/cohorts/join", learner, map[string]any{"code": cohort.JoinCode}, 200)
	do("GET", "/api/v1/cohorts/:id/roster", "/api/v1/cohorts/"+cohort.ID+"/roster", trainer, nil, 200)
	do("GET", "/api/v1/cohorts/:id/certificates", "/api/v1/cohorts/"+cohort.ID+"/certificates", trainer, nil, 200)
	do("GET", "/api/v1/me/certificates", "/api/v1/me/certificates", learner, nil, 200)
	imp := s.Do(t, "POST", "/api/v1/cohorts/"+cohort.ID+"/participants/import", trainer,
		"name,phone,business_name,sector,region\nIbu Yuli,081234500888,Tenun Yuli,tenun,5371040\nMaria Bunga,081234500777,,kuliner,5371030\n", "Content-Type: text/csv")
	check("POST", "/api/v1/cohorts/:id/participants/import", &replyAdapter{status: imp.Status, body: imp.Body})
	do("POST", "/api/v1/courses/preview", "/api/v1/courses/preview", trainer, map[string]any{"markdown": "## Sei\n\n**Rp75.000**"}, 200)
	cp := do("POST", "/api/v1/courses/:id/copy", "/api/v1/courses/jualan-online/copy", trainer, nil, 201)
	var copied struct {
		ID string `json:"id"`
	}
	json.Unmarshal(cp.body, &copied)
	do("GET", "/api/v1/courses/:id/draft", "/api/v1/courses/"+copied.ID+"/draft", trainer, nil, 200)
	do("GET", "/api/v1/quizzes/:id", "/api/v1/quizzes/pembukuan-sederhana-pretest", admin, nil, 200)

	// Every route with a JSON answer in the document has a schema.
	var missing []string
	for _, r := range apiRoutes {
		if b := apiBodies()[r.Method+" "+r.Path]; b.Response == nil && r.OK != http.StatusNoContent && strings.HasPrefix(r.Path, "/api/v1/") {
			missing = append(missing, r.Method+" "+r.Path)
		}
	}
	t.Logf("%d routes checked against their schemas; without a response schema yet: %v", len(checked), missing)
}

// replyAdapter lets check read a reply's status and body.
type replyAdapter struct {
	status int
	body   []byte
}

func (r *replyAdapter) StatusCode() int { return r.status }
func (r *replyAdapter) Bytes() []byte   { return r.body }

// Every body listed for the document names a route of the table.
func TestAPIBodiesNameRoutes(t *testing.T) {
	routes := map[string]bool{}
	for _, r := range apiRoutes {
		routes[r.Method+" "+r.Path] = true
	}
	for key := range apiBodies() {
		if !routes[key] {
			t.Errorf("bodies for %q, which is not a documented route", key)
		}
	}
}
