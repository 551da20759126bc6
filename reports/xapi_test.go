package reports

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"lontar"
	"lontar/internal/mongotest"
)

// The checks below are written from the xAPI 1.0.3 specification, part
// two (Experience API Data), section 2.4: the statement properties, the
// Agent with exactly one inverse functional identifier, the Account
// object, Verb, Activity and its Definition, Result and Score, Context and
// contextActivities, language maps keyed by RFC 5646 tags, UUID ids,
// ISO 8601 timestamps, and the rule that an LRS rejects any property the
// specification does not define.

var (
	uuidRE     = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	langTagRE  = regexp.MustCompile(`^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$`)
	versionRE  = regexp.MustCompile(`^1\.0(\.[0-9]+)?$`)
	mailtoRE   = regexp.MustCompile(`^mailto:[^@\s]+@[^@\s]+$`)
	sha1HexRE  = regexp.MustCompile(`^[0-9a-f]{40}$`)
	statementK = []string{"id", "actor", "verb", "object", "result", "context", "timestamp", "stored", "authority", "version", "attachments"}
)

type xcheck struct{ problems []string }

func (c *xcheck) fail(path, format string, args ...any) {
	c.problems = append(c.problems, path+": "+fmt.Sprintf(format, args...))
}

func (c *xcheck) object(path string, v any, allowed []string, required ...string) map[string]any {
	m, ok := v.(map[string]any)
	if !ok {
		c.fail(path, "must be an object")
		return nil
	}
	for k := range m {
		if !contains(allowed, k) {
			c.fail(path, "property %q is not defined by xAPI", k)
		}
	}
	for _, k := range required {
		if _, ok := m[k]; !ok {
			c.fail(path, "%q is required", k)
		}
	}
	return m
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

func (c *xcheck) iri(path string, v any) {
	s, ok := v.(string)
	u, err := url.Parse(s)
	if !ok || err != nil || u.Scheme == "" || (u.Host == "" && u.Opaque == "") {
		c.fail(path, "must be an absolute IRI, got %v", v)
	}
}

func (c *xcheck) langMap(path string, v any) {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		c.fail(path, "must be a non-empty language map")
		return
	}
	for k, s := range m {
		if !langTagRE.MatchString(k) {
			c.fail(path, "key %q is not an RFC 5646 language tag", k)
		}
		if _, ok := s.(string); !ok {
			c.fail(path+"."+k, "must be a string")
		}
	}
}

func (c *xcheck) agent(path string, v any) {
	m := c.object(path, v, []string{"objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"})
	if m == nil {
		return
	}
	if ot, ok := m["objectType"]; ok && ot != "Agent" {
		c.fail(path+".objectType", "must be Agent, got %v", ot)
	}
	ifis := 0
	for _, k := range []string{"mbox", "mbox_sha1sum", "openid", "account"} {
		if _, ok := m[k]; ok {
			ifis++
		}
	}
	if ifis != 1 {
		c.fail(path, "must have exactly one inverse functional identifier, has %d", ifis)
	}
	if s, ok := m["mbox"].(string); ok && !mailtoRE.MatchString(s) {
		c.fail(path+".mbox", "must be a mailto IRI")
	}
	if s, ok := m["mbox_sha1sum"].(string); ok && !sha1HexRE.MatchString(s) {
		c.fail(path+".mbox_sha1sum", "must be a SHA-1 hex digest")
	}
	if a, ok := m["account"]; ok {
		am := c.object(path+".account", a, []string{"homePage", "name"}, "homePage", "name")
		if am != nil {
			c.iri(path+".account.homePage", am["homePage"])
			if s, ok := am["name"].(string); !ok || s == "" {
				c.fail(path+".account.name", "must be a non-empty string")
			}
		}
	}
}

func (c *xcheck) activity(path string, v any) {
	m := c.object(path, v, []string{"objectType", "id", "definition"}, "id")
	if m == nil {
		return
	}
	if ot, ok := m["objectType"]; ok && ot != "Activity" {
		c.fail(path+".objectType", "must be Activity, got %v", ot)
	}
	c.iri(path+".id", m["id"])
	if d, ok := m["definition"]; ok {
		dm := c.object(path+".definition", d, []string{"name", "description", "type", "moreInfo", "extensions",
			"interactionType", "correctResponsesPattern", "choices", "scale", "source", "target", "steps"})
		if dm == nil {
			return
		}
		for _, k := range []string{"name", "description"} {
			if lm, ok := dm[k]; ok {
				c.langMap(path+".definition."+k, lm)
			}
		}
		if t, ok := dm["type"]; ok {
			c.iri(path+".definition.type", t)
		}
	}
}

func num(v any) (float64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	f, err := n.Float64()
	return f, err == nil
}

func (c *xcheck) result(path string, v any) {
	m := c.object(path, v, []string{"score", "success", "completion", "response", "duration", "extensions"})
	if m == nil {
		return
	}
	for _, k := range []string{"success", "completion"} {
		if b, ok := m[k]; ok {
			if _, isBool := b.(bool); !isBool {
				c.fail(path+"."+k, "must be a boolean")
			}
		}
	}
	if s, ok := m["score"]; ok {
		sm := c.object(path+".score", s, []string{"scaled", "raw", "min", "max"})
		if sm == nil {
			return
		}
		vals := map[string]float64{}
		for k, x := range sm {
			f, ok := num(x)
			if !ok {
				c.fail(path+".score."+k, "must be a number")
			}
			vals[k] = f
		}
		if sc, ok := vals["scaled"]; ok && (sc < -1 || sc > 1) {
			c.fail(path+".score.scaled", "must be between -1 and 1, got %v", sc)
		}
		lo, hasMin := vals["min"]
		hi, hasMax := vals["max"]
		if hasMin && hasMax && lo >= hi {
			c.fail(path+".score", "min must be less than max")
		}
		if raw, ok := vals["raw"]; ok && (hasMin && raw < lo || hasMax && raw > hi) {
			c.fail(path+".score.raw", "must lie between min and max")
		}
	}
}

func (c *xcheck) context(path string, v any, objectIsActivity bool) {
	m := c.object(path, v, []string{"registration", "instructor", "team", "contextActivities", "revision",
		"platform", "language", "statement", "extensions"})
	if m == nil {
		return
	}
	if r, ok := m["registration"].(string); ok && !uuidRE.MatchString(r) {
		c.fail(path+".registration", "must be a UUID")
	}
	if l, ok := m["language"]; ok {
		if s, _ := l.(string); !langTagRE.MatchString(s) {
			c.fail(path+".language", "must be an RFC 5646 tag")
		}
	}
	for _, k := range []string{"revision", "platform"} {
		if _, ok := m[k]; ok && !objectIsActivity {
			c.fail(path+"."+k, "only allowed when the object is an Activity")
		}
	}
	if ca, ok := m["contextActivities"]; ok {
		cm := c.object(path+".contextActivities", ca, []string{"parent", "grouping", "category", "other"})
		for k, x := range cm {
			if list, ok := x.([]any); ok {
				for i, a := range list {
					c.activity(fmt.Sprintf("%s.contextActivities.%s[%d]", path, k, i), a)
				}
			} else {
				c.activity(path+".contextActivities."+k, x)
			}
		}
	}
}

// validateStatement returns every way st breaks the xAPI 1.0.3 statement rules.
func validateStatement(st map[string]any) []string {
	c := &xcheck{}
	m := c.object("statement", st, statementK, "actor", "verb", "object")
	if m == nil {
		return c.problems
	}
	if id, ok := m["id"]; ok {
		if s, _ := id.(string); !uuidRE.MatchString(s) {
			c.fail("id", "must be a UUID, got %v", id)
		}
	}
	c.agent("actor", m["actor"])
	if vm := c.object("verb", m["verb"], []string{"id", "display"}, "id"); vm != nil {
		c.iri("verb.id", vm["id"])
		if d, ok := vm["display"]; ok {
			c.langMap("verb.display", d)
		}
	}
	isActivity := true
	if om, ok := m["object"].(map[string]any); ok {
		if ot, ok := om["objectType"]; ok && ot != "Activity" {
			isActivity = false
			c.fail("object.objectType", "Lontar only emits activities, got %v", ot)
		}
	}
	c.activity("object", m["object"])
	if r, ok := m["result"]; ok {
		c.result("result", r)
	}
	if x, ok := m["context"]; ok {
		c.context("context", x, isActivity)
	}
	for _, k := range []string{"timestamp", "stored"} {
		if ts, ok := m[k]; ok {
			s, _ := ts.(string)
			if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
				c.fail(k, "must be an ISO 8601 timestamp, got %v", ts)
			}
		}
	}
	if v, ok := m["version"]; ok {
		if s, _ := v.(string); !versionRE.MatchString(s) {
			c.fail("version", "must be 1.0.x, got %v", v)
		}
	}
	return c.problems
}

func TestTheValidatorRejectsBadStatements(t *testing.T) {
	good := `{"id":"5e3b0a4c-1d2e-5f60-8a7b-0c1d2e3f4a5b","actor":{"objectType":"Agent","account":{"homePage":"https://x.example","name":"p1"}},
	"verb":{"id":"http://adlnet.gov/expapi/verbs/completed","display":{"id":"menyelesaikan","en":"completed"}},
	"object":{"objectType":"Activity","id":"https://x.example/courses/a","definition":{"name":{"id":"A"},"type":"http://adlnet.gov/expapi/activities/course"}},
	"timestamp":"2026-06-30T01:02:03Z","version":"1.0.3"}`
	bad := map[string]func(m map[string]any){
		"two identifiers":  func(m map[string]any) { m["actor"].(map[string]any)["mbox"] = "mailto:a@b.example" },
		"unknown property": func(m map[string]any) { m["phone"] = "+62812" },
		"relative id":      func(m map[string]any) { m["object"].(map[string]any)["id"] = "courses/a" },
		"bad language":     func(m map[string]any) { m["verb"].(map[string]any)["display"] = map[string]any{"indonesian!": "x"} },
		"scaled too big": func(m map[string]any) {
			m["result"] = map[string]any{"score": map[string]any{"scaled": json.Number("1.5")}}
		},
		"no verb": func(m map[string]any) { delete(m, "verb") },
		"bad id":  func(m map[string]any) { m["id"] = "123" },
	}
	parse := func() map[string]any {
		var m map[string]any
		dec := json.NewDecoder(strings.NewReader(good))
		dec.UseNumber()
		if err := dec.Decode(&m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	if p := validateStatement(parse()); len(p) > 0 {
		t.Fatalf("a valid statement is rejected: %v", p)
	}
	for name, spoil := range bad {
		m := parse()
		spoil(m)
		if len(validateStatement(m)) == 0 {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestXAPIStatementsAreValidPagedScopedAndPseudonymous(t *testing.T) {
	env, s, _ := newReportsAPI(t, 10)
	ctx := mongotest.Context(t)
	db := env.DB
	// Three learners in Kota Kupang and Kabupaten Kupang with lessons,
	// quiz attempts and a completed course.
	learners := []struct{ user, region string }{{"w1", "5371010"}, {"w2", "5371020"}, {"w3", "5303110"}}
	at := testNow.Add(-48 * time.Hour)
	for i, l := range learners {
		doc := bson.M{"_id": l.user + ":jualan", "user_id": l.user, "course_id": "jualan",
			"learner":           bson.M{"name": "Ibu " + l.user, "region": l.region, "sector": "tenun", "gender": "f"},
			"cohort_ids":        bson.A{},
			"completed_lessons": bson.M{"l1": at, "l2": at.Add(time.Hour)},
			"applied_attempts":  bson.A{"att-" + l.user},
			"quiz_results": bson.M{"jualan-final": bson.M{"quiz_id": "jualan-final", "kind": "final", "attempts": 1,
				"first_score": 80.5, "best_score": 80.5, "passed": true, "updated_at": at}},
			"active_at": at.Add(2 * time.Hour), "created_at": at.Add(-time.Hour), "updated_at": at.Add(2 * time.Hour)}
		if i == 0 {
			doc["completed_at"] = at.Add(2 * time.Hour)
		}
		if _, err := db.Collection("enrollments").InsertOne(ctx, doc); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Collection("quiz_attempts").InsertOne(ctx, bson.M{"_id": l.user + ":att-" + l.user,
			"quiz_id": "jualan-final", "score": 80.5, "passed": true, "client_time": at.Add(2 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if err := s.Apply(ctx, l.user, "jualan"); err != nil {
			t.Fatal(err)
		}
		// A replay logs nothing again.
		if err := s.Apply(ctx, l.user, "jualan"); err != nil {
			t.Fatal(err)
		}
	}
	const want = 3*3 + 1 // two lessons and an attempt each, one course completion
	adminTok := env.Token(t, lontar.Caller{UserID: "ad", Role: lontar.RoleAdmin})

	var all []map[string]any
	path := "/api/v1/reports/xapi?limit=4"
	for pages := 0; path != ""; pages++ {
		if pages > 10 {
			t.Fatal("paging does not end")
		}
		r := env.Do(t, "GET", path, adminTok, nil)
		if r.Status != 200 || r.Header.Get("X-Experience-API-Version") != "1.0.3" {
			t.Fatalf("%s: %d %s", path, r.Status, r.Body)
		}
		all = append(all, decodeList(t, r.Body)...)
		path = ""
		if link := r.Header.Get("Link"); link != "" {
			path = strings.TrimSuffix(strings.TrimPrefix(strings.SplitN(link, ";", 2)[0], "<"), ">")
		}
	}
	if len(all) != want {
		t.Fatalf("%d statements, want %d", len(all), want)
	}
	ids := map[string]bool{}
	verbs := map[string]int{}
	for _, st := range all {
		if p := validateStatement(st); len(p) > 0 {
			t.Errorf("invalid statement %v:\n%s", st["id"], strings.Join(p, "\n"))
		}
		ids[st["id"].(string)] = true
		b, _ := json.Marshal(st)
		for _, leak := range []string{"w1", "w2", "w3", "+62", "Ibu "} {
			if strings.Contains(string(b), leak) {
				t.Errorf("statement reveals %q: %s", leak, b)
			}
		}
		acct := st["actor"].(map[string]any)["account"].(map[string]any)
		if acct["homePage"] != "https://lontar.example" || len(acct["name"].(string)) < 16 {
			t.Errorf("actor account %v", acct)
		}
		obj := st["object"].(map[string]any)
		if !strings.HasPrefix(obj["id"].(string), "https://lontar.example/") {
			t.Errorf("activity id %v is not under the public URL", obj["id"])
		}
		name := obj["definition"].(map[string]any)["name"].(map[string]any)
		if name["id"] == nil || name["en"] == nil {
			t.Errorf("activity name is not an id/en language map: %v", name)
		}
		verbs[st["verb"].(map[string]any)["id"].(string)]++
		if st["verb"].(map[string]any)["id"] == verbPassed {
			sc := st["result"].(map[string]any)["score"].(map[string]any)
			if sc["scaled"].(json.Number).String() != "0.805" || st["result"].(map[string]any)["success"] != true {
				t.Errorf("attempt result %v", st["result"])
			}
		}
	}
	if len(ids) != want {
		t.Errorf("statement ids repeat: %d distinct of %d", len(ids), want)
	}
	if verbs[verbPassed] != 3 || verbs[verbCompleted] != 7 {
		t.Errorf("verbs %v", verbs)
	}

	// An agency of Kota Kupang receives only its two learners' statements.
	kupang := env.Token(t, lontar.Caller{UserID: "a1", Role: lontar.RoleAgency, Scope: []string{"5371"}})
	r := env.Do(t, "GET", "/api/v1/reports/xapi?limit=500", kupang, nil)
	if got := len(decodeList(t, r.Body)); got != 7 {
		t.Errorf("Kota Kupang agency got %d statements, want 7", got)
	}
	// since: everything was stored at testNow; after it there is nothing.
	r = env.Do(t, "GET", "/api/v1/reports/xapi?since="+url.QueryEscape(testNow.Add(-time.Minute).Format(time.RFC3339)), adminTok, nil)
	if got := len(decodeList(t, r.Body)); got != want {
		t.Errorf("since a minute before: %d statements, want %d", got, want)
	}
	r = env.Do(t, "GET", "/api/v1/reports/xapi?since="+url.QueryEscape(testNow.Format(time.RFC3339)), adminTok, nil)
	if got := len(decodeList(t, r.Body)); got != 0 {
		t.Errorf("since the time of storing: %d statements, want 0", got)
	}
	if r := env.Do(t, "GET", "/api/v1/reports/xapi?since=yesterday", adminTok, nil); r.Status != 400 {
		t.Errorf("bad since: %d", r.Status)
	}
}
