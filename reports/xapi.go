package reports

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"lontar"
)

// The xAPI statement log. Maintenance appends a record for each lesson
// completion, quiz attempt and course completion it has not logged yet
// (xapi_logged remembers, per enrollment, what it has); each record gets
// the next number of a counter as its _id, so an agency's LRS pages
// through the log by _id equality (the one lookup the embedded store
// serves from its index). xapi_days keeps the first number stored on each
// UTC day, where a ?since= starts reading.
//
// A crash between writing records and remembering them logs them again
// under new numbers with the same statement ids; an LRS keeps one
// statement per id.

// record is one logged event.
type record struct {
	Seq      int64     `bson:"_id"`
	SID      string    `bson:"sid"` // the statement id, derived from the event
	Stored   time.Time `bson:"stored"`
	Kind     string    `bson:"kind"` // lesson, attempt, course
	User     string    `bson:"user"`
	Course   string    `bson:"course"`
	Region   string    `bson:"region"`
	Lesson   string    `bson:"lesson,omitempty"`
	Quiz     string    `bson:"quiz,omitempty"`
	QuizKind string    `bson:"quiz_kind,omitempty"`
	Attempt  string    `bson:"attempt,omitempty"`
	Score    float64   `bson:"score,omitempty"`
	Passed   bool      `bson:"passed,omitempty"`
	At       time.Time `bson:"at"`
}

type loggedDoc struct {
	Lessons  []string `bson:"lessons"`
	Attempts []string `bson:"attempts"`
	Done     bool     `bson:"done"`
}

// logStatements appends the records e has that were not logged yet.
func (s *Store) logStatements(ctx context.Context, e *enrollmentDoc) error {
	var logged loggedDoc
	err := s.xlogged.FindOne(ctx, bson.M{"_id": e.ID}).Decode(&logged)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return fmt.Errorf("reports: read xapi log of %s: %w", e.ID, err)
	}
	base := record{User: e.UserID, Course: e.CourseID, Region: e.Learner.Region}
	var recs []record
	var lessons, attempts []string
	for key, at := range e.CompletedLessons {
		id := unescapeKey(key)
		if !slices.Contains(logged.Lessons, id) {
			r := base
			r.Kind, r.Lesson, r.At = "lesson", id, at
			recs, lessons = append(recs, r), append(lessons, id)
		}
	}
	for _, id := range e.AppliedAttempts {
		if slices.Contains(logged.Attempts, id) {
			continue
		}
		var a struct {
			QuizID     string    `bson:"quiz_id"`
			Score      float64   `bson:"score"`
			Passed     bool      `bson:"passed"`
			ClientTime time.Time `bson:"client_time"`
		}
		err := s.attempts.FindOne(ctx, bson.M{"_id": e.UserID + ":" + id}).Decode(&a)
		if errors.Is(err, mongo.ErrNoDocuments) {
			// Not a quiz attempt (a lesson's practice tool records its
			// results without one): nothing to state, now or later.
			attempts = append(attempts, id)
			continue
		}
		if err != nil {
			return fmt.Errorf("reports: read attempt %s: %w", id, err)
		}
		r := base
		r.Kind, r.Quiz, r.Attempt, r.Score, r.Passed, r.At = "attempt", a.QuizID, id, a.Score, a.Passed, a.ClientTime
		for _, qr := range e.QuizResults {
			if qr.QuizID == a.QuizID {
				r.QuizKind = qr.Kind
			}
		}
		recs, attempts = append(recs, r), append(attempts, id)
	}
	done := e.CompletedAt != nil && !logged.Done
	if done {
		r := base
		r.Kind, r.At = "course", *e.CompletedAt
		recs = append(recs, r)
	}
	if len(recs) == 0 {
		if len(attempts) == 0 {
			return nil
		}
		_, err := s.xlogged.UpdateOne(ctx, bson.M{"_id": e.ID},
			bson.M{"$addToSet": bson.M{"attempts": bson.M{"$each": attempts}}}, options.UpdateOne().SetUpsert(true))
		if err != nil {
			return fmt.Errorf("reports: remember xapi log of %s: %w", e.ID, err)
		}
		return nil
	}
	slices.SortStableFunc(recs, func(a, b record) int { return a.At.Compare(b.At) })
	end, err := s.reserve(ctx, int64(len(recs)))
	if err != nil {
		return err
	}
	stored := s.now().UTC().Truncate(time.Millisecond)
	docs := make([]any, len(recs))
	for i := range recs {
		recs[i].Seq = end - int64(len(recs)) + 1 + int64(i)
		recs[i].Stored = stored
		recs[i].SID = statementID(e.ID, recs[i])
		docs[i] = recs[i]
	}
	if _, err := s.xlog.InsertMany(ctx, docs); err != nil {
		return fmt.Errorf("reports: append xapi log: %w", err)
	}
	if _, err := s.xdays.UpdateOne(ctx, bson.M{"_id": stored.Format("20060102")},
		bson.M{"$min": bson.M{"first": recs[0].Seq}}, options.UpdateOne().SetUpsert(true)); err != nil {
		return fmt.Errorf("reports: index xapi log: %w", err)
	}
	update := bson.M{"$addToSet": bson.M{"lessons": bson.M{"$each": nonNil(lessons)}, "attempts": bson.M{"$each": nonNil(attempts)}}}
	if done {
		update["$set"] = bson.M{"done": true}
	}
	if _, err := s.xlogged.UpdateOne(ctx, bson.M{"_id": e.ID}, update, options.UpdateOne().SetUpsert(true)); err != nil {
		return fmt.Errorf("reports: remember xapi log of %s: %w", e.ID, err)
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// reserve takes n numbers of the log's counter and returns the last.
func (s *Store) reserve(ctx context.Context, n int64) (int64, error) {
	var m struct {
		V int64 `bson:"v"`
	}
	err := s.meta.FindOneAndUpdate(ctx, bson.M{"_id": "xapi_seq"}, bson.M{"$inc": bson.M{"v": n}},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&m)
	if err != nil {
		return 0, fmt.Errorf("reports: reserve xapi numbers: %w", err)
	}
	return m.V, nil
}

// statementID derives a stable UUID (version 5 layout) for an event, so
// the same event always yields the same statement id.
func statementID(enrollment string, r record) string {
	sum := sha256.Sum256([]byte("lontar-xapi\x00" + enrollment + "\x00" + r.Kind + "\x00" + r.Lesson + r.Attempt))
	b := sum[:16]
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// unescapeKey undoes the enrollments feature's escaping of map keys
// ("." and "$" cannot appear in stored field names).
func unescapeKey(k string) string {
	if !strings.Contains(k, "%") {
		return k
	}
	return strings.NewReplacer("%25", "%", "%2E", ".", "%24", "$").Replace(k)
}

// Statement is an xAPI 1.0.3 statement.
type Statement struct {
	ID        string    `json:"id"`
	Actor     Agent     `json:"actor"`
	Verb      Verb      `json:"verb"`
	Object    Activity  `json:"object"`
	Result    *Result   `json:"result,omitempty"`
	Context   *XContext `json:"context,omitempty"`
	Timestamp string    `json:"timestamp"`
	Version   string    `json:"version"`
}

// Agent identifies a learner by an opaque account, never by phone.
type Agent struct {
	ObjectType string  `json:"objectType"`
	Account    Account `json:"account"`
}

// Account is an xAPI account.
type Account struct {
	HomePage string `json:"homePage"`
	Name     string `json:"name"`
}

// Verb is an xAPI verb.
type Verb struct {
	ID      string            `json:"id"`
	Display map[string]string `json:"display"`
}

// Activity is an xAPI activity.
type Activity struct {
	ObjectType string              `json:"objectType"`
	ID         string              `json:"id"`
	Definition *ActivityDefinition `json:"definition,omitempty"`
}

// ActivityDefinition names an activity in both languages.
type ActivityDefinition struct {
	Name map[string]string `json:"name"`
	Type string            `json:"type"`
}

// Result is an attempt's outcome.
type Result struct {
	Score      *Score `json:"score,omitempty"`
	Success    *bool  `json:"success,omitempty"`
	Completion bool   `json:"completion"`
}

// Score is an xAPI score.
type Score struct {
	Scaled float64 `json:"scaled"`
	Raw    float64 `json:"raw"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
}

// XContext places an activity in its course.
type XContext struct {
	ContextActivities map[string][]Activity `json:"contextActivities,omitempty"`
	Platform          string                `json:"platform"`
	Language          string                `json:"language"`
}

// ADL verbs and activity types.
const (
	verbCompleted = "http://adlnet.gov/expapi/verbs/completed"
	verbPassed    = "http://adlnet.gov/expapi/verbs/passed"
	verbFailed    = "http://adlnet.gov/expapi/verbs/failed"
	typeLesson    = "http://adlnet.gov/expapi/activities/lesson"
	typeCourse    = "http://adlnet.gov/expapi/activities/course"
	typeQuiz      = "http://adlnet.gov/expapi/activities/assessment"
)

var verbNames = map[string]lontar.Text{
	verbCompleted: lontar.T("menyelesaikan", "completed"),
	verbPassed:    lontar.T("lulus", "passed"),
	verbFailed:    lontar.T("belum lulus", "failed"),
}

// XAPIQuery selects a page of statements.
type XAPIQuery struct {
	Since  time.Time // statements stored after this time (exclusive)
	After  int64     // continue after this log number (from the previous page)
	Limit  int
	Course string
}

// XAPI builds statements for agencies' learning record stores.
type XAPI struct {
	store     *Store
	publicURL string
	key       []byte // for pseudonyms
}

// NewXAPI returns the statement builder. Activity ids and the actors'
// homePage are under publicURL; key keeps pseudonyms unlinkable to user ids.
func NewXAPI(store *Store, publicURL string, key []byte) *XAPI {
	return &XAPI{store: store, publicURL: strings.TrimRight(publicURL, "/"), key: key}
}

// Pseudonym is the stable opaque account name of a user.
func (x *XAPI) Pseudonym(userID string) string {
	m := hmac.New(sha256.New, x.key)
	m.Write([]byte(userID))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// maxScanFactor bounds the log numbers one page reads (limit × factor),
// so a narrow scope never makes one request read the whole log; the next
// page continues.
const maxScanFactor = 5

// Page returns the statements the caller may see, in the order they were
// stored, and the log number to continue after (0 at the end).
func (x *XAPI) Page(ctx context.Context, c *lontar.Caller, q XAPIQuery) ([]Statement, int64, error) {
	s := x.store
	s.q.wait(ctx, readWait) // the statements of changes queued before this request
	var m struct {
		V int64 `bson:"v"`
	}
	err := s.meta.FindOne(ctx, bson.M{"_id": "xapi_seq"}).Decode(&m)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return nil, 0, fmt.Errorf("reports: read xapi counter: %w", err)
	}
	next := q.After + 1
	if q.After == 0 && !q.Since.IsZero() {
		if next, err = x.firstSince(ctx, q.Since, m.V); err != nil {
			return nil, 0, err
		}
	}
	names := titles{store: s, courses: map[string]*courseTitles{}, quizzes: map[string]lontar.Text{}}
	out := []Statement{}
	seen := map[string]bool{}
	n := next
	for scanned := 0; n <= m.V && len(out) < q.Limit && scanned < q.Limit*maxScanFactor; n, scanned = n+1, scanned+1 {
		var r record
		err := s.xlog.FindOne(ctx, bson.M{"_id": n}).Decode(&r)
		if errors.Is(err, mongo.ErrNoDocuments) {
			continue // a number reserved by a write that never finished
		}
		if err != nil {
			return nil, 0, fmt.Errorf("reports: read xapi log %d: %w", n, err)
		}
		if !r.Stored.After(q.Since) || !scopeAllows(c, r.Region) || q.Course != "" && r.Course != q.Course || seen[r.SID] {
			continue
		}
		seen[r.SID] = true
		st, err := x.statement(ctx, &r, &names)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, st)
	}
	if n > m.V {
		return out, 0, nil
	}
	return out, n - 1, nil
}

// firstSince returns the first log number stored on since's UTC day or
// later (the caller skips those stored before since).
func (x *XAPI) firstSince(ctx context.Context, since time.Time, last int64) (int64, error) {
	today := x.store.now().UTC()
	for d := since.UTC(); !d.After(today.Add(24 * time.Hour)); d = d.Add(24 * time.Hour) {
		var doc struct {
			First int64 `bson:"first"`
		}
		err := x.store.xdays.FindOne(ctx, bson.M{"_id": d.Format("20060102")}).Decode(&doc)
		if err == nil {
			return doc.First, nil
		}
		if !errors.Is(err, mongo.ErrNoDocuments) {
			return 0, fmt.Errorf("reports: read xapi day: %w", err)
		}
	}
	return last + 1, nil
}

// statement turns a record into an xAPI statement.
func (x *XAPI) statement(ctx context.Context, r *record, names *titles) (Statement, error) {
	course, err := names.course(ctx, r.Course)
	if err != nil {
		return Statement{}, err
	}
	courseAct := Activity{ObjectType: "Activity", ID: x.publicURL + "/courses/" + pathEscape(r.Course),
		Definition: &ActivityDefinition{Name: langMap(course.Title), Type: typeCourse}}
	st := Statement{
		ID:        r.SID,
		Actor:     Agent{ObjectType: "Agent", Account: Account{HomePage: x.publicURL, Name: x.Pseudonym(r.User)}},
		Timestamp: r.At.UTC().Format(time.RFC3339Nano),
		Version:   "1.0.3",
		Context:   &XContext{Platform: "Lontar", Language: "id"},
	}
	verb := verbCompleted
	switch r.Kind {
	case "lesson":
		st.Object = Activity{ObjectType: "Activity", ID: courseAct.ID + "/lessons/" + pathEscape(r.Lesson),
			Definition: &ActivityDefinition{Name: langMap(course.Lessons[r.Lesson]), Type: typeLesson}}
		st.Result = &Result{Completion: true}
		st.Context.ContextActivities = map[string][]Activity{"parent": {courseAct}}
	case "attempt":
		title, err := names.quiz(ctx, r.Quiz)
		if err != nil {
			return Statement{}, err
		}
		st.Object = Activity{ObjectType: "Activity", ID: x.publicURL + "/quizzes/" + pathEscape(r.Quiz),
			Definition: &ActivityDefinition{Name: langMap(title), Type: typeQuiz}}
		verb = verbFailed
		if r.Passed {
			verb = verbPassed
		}
		success := r.Passed
		score := min(max(r.Score, 0), 100)
		st.Result = &Result{Score: &Score{Scaled: score / 100, Raw: score, Min: 0, Max: 100}, Success: &success, Completion: true}
		st.Context.ContextActivities = map[string][]Activity{"parent": {courseAct}}
	default:
		st.Object = courseAct
		st.Result = &Result{Completion: true}
	}
	st.Verb = Verb{ID: verb, Display: langMap(verbNames[verb])}
	return st, nil
}

// langMap is an xAPI language map of a text; English only when written.
func langMap(t lontar.Text) map[string]string {
	m := map[string]string{"id": t.ID}
	if t.ID == "" {
		m["id"] = "-"
	}
	if t.EN != "" {
		m["en"] = t.EN
	}
	return m
}

func pathEscape(s string) string {
	return strings.NewReplacer("%", "%25", "/", "%2F", " ", "%20", "?", "%3F", "#", "%23").Replace(s)
}

// titles reads course and quiz names once per page.
type titles struct {
	store   *Store
	courses map[string]*courseTitles
	quizzes map[string]lontar.Text
}

type courseTitles struct {
	Title   lontar.Text
	Lessons map[string]lontar.Text
	Order   []string // lesson ids in reading order
}

func (t *titles) course(ctx context.Context, id string) (*courseTitles, error) {
	if c, ok := t.courses[id]; ok {
		return c, nil
	}
	var doc struct {
		Title   lontar.Text `bson:"title"`
		Modules []struct {
			Lessons []struct {
				ID    string      `bson:"id"`
				Title lontar.Text `bson:"title"`
			} `bson:"lessons"`
		} `bson:"modules"`
	}
	err := t.store.courses.FindOne(ctx, bson.M{"_id": id},
		options.FindOne().SetProjection(bson.M{"title": 1, "modules.lessons.id": 1, "modules.lessons.title": 1})).Decode(&doc)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return nil, fmt.Errorf("reports: read course %s: %w", id, err)
	}
	c := &courseTitles{Title: doc.Title, Lessons: map[string]lontar.Text{}}
	if c.Title.ID == "" {
		c.Title.ID = id
	}
	for _, m := range doc.Modules {
		for _, l := range m.Lessons {
			c.Lessons[l.ID] = l.Title
			c.Order = append(c.Order, l.ID)
		}
	}
	t.courses[id] = c
	return c, nil
}

func (t *titles) quiz(ctx context.Context, id string) (lontar.Text, error) {
	if q, ok := t.quizzes[id]; ok {
		return q, nil
	}
	var doc struct {
		Title lontar.Text `bson:"title"`
	}
	err := t.store.quizzes.FindOne(ctx, bson.M{"_id": id}, options.FindOne().SetProjection(bson.M{"title": 1})).Decode(&doc)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return lontar.Text{}, fmt.Errorf("reports: read quiz %s: %w", id, err)
	}
	if doc.Title.ID == "" {
		doc.Title.ID = id
	}
	t.quizzes[id] = doc.Title
	return doc.Title, nil
}
