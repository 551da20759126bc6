package courses

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"lontar"
)

// CheckInterval is how often a catalogue asks the store whether another
// instance published something: one read by _id.
const CheckInterval = 2 * time.Second

// Catalog serves published courses from memory. It loads them all at
// start and again only when the catalog version document changed, so
// GET /courses and GET /courses/{id} never scan the database per request.
type Catalog struct {
	store    *Store
	interval time.Duration
	now      func() time.Time

	// checking is held by the one request that checks the version; the
	// others serve the catalogue they have meanwhile (see refresh).
	checking sync.Mutex

	mu      sync.RWMutex
	loaded  bool
	version int64
	checked time.Time
	courses map[string]*entry
	order   []string // ids, sorted by topic then title
	lists   map[lontar.Lang][]byte
}

// entry is one published course and its learner views, encoded once.
type entry struct {
	course *Course
	views  map[lontar.Lang][]byte // "id", "en", "all"
}

// NewCatalog returns a catalogue reading from store.
func NewCatalog(store *Store) *Catalog {
	return &Catalog{store: store, interval: CheckInterval, now: time.Now}
}

// SetCheckInterval changes how often other instances' publishes are
// noticed (tests).
func (c *Catalog) SetCheckInterval(d time.Duration) { c.interval = d }

// Invalidate makes the next read check the store: called after a publish
// on this instance.
func (c *Catalog) Invalidate() {
	c.mu.Lock()
	c.checked = time.Time{}
	c.mu.Unlock()
}

// refresh reloads the catalogue when the version document moved.
func (c *Catalog) refresh(ctx context.Context) error {
	fresh := func() (fresh, invalidated bool) {
		c.mu.RLock()
		defer c.mu.RUnlock()
		return c.loaded && c.now().Sub(c.checked) < c.interval, c.checked.IsZero()
	}
	ok, invalidated := fresh()
	if ok {
		return nil
	}
	// One request checks; during a workshop hundreds arrive in the same
	// millisecond once the interval is over, and they need not all read
	// the version. Others serve what is loaded (at most one check
	// staler), unless nothing is loaded or this instance just published:
	// then they wait for the check.
	if invalidated {
		c.checking.Lock()
	} else if !c.checking.TryLock() {
		return nil
	}
	defer c.checking.Unlock()
	if ok, _ := fresh(); ok {
		return nil // checked while this one waited
	}
	v, err := c.store.catalogVersion(ctx)
	if err != nil {
		return err
	}
	c.mu.RLock()
	same := c.loaded && v == c.version
	c.mu.RUnlock()
	if same {
		c.mu.Lock()
		c.checked = c.now()
		c.mu.Unlock()
		return nil
	}
	all, err := c.store.allPublished(ctx)
	if err != nil {
		return err
	}
	courses := make(map[string]*entry, len(all))
	for _, co := range all {
		e, err := newEntry(co)
		if err != nil {
			return err
		}
		courses[co.ID] = e
	}
	order := make([]string, 0, len(all))
	for id := range courses {
		order = append(order, id)
	}
	slices.SortFunc(order, func(a, b string) int {
		ca, cb := courses[a].course, courses[b].course
		if ca.Topic != cb.Topic {
			return topicRank(ca.Topic) - topicRank(cb.Topic)
		}
		if ca.Title.ID < cb.Title.ID {
			return -1
		}
		return 1
	})
	lists := map[lontar.Lang][]byte{}
	for _, lang := range []lontar.Lang{lontar.LangID, lontar.LangEN, LangAll} {
		items := make([]any, 0, len(order))
		for _, id := range order {
			items = append(items, summaryOf(courses[id].course, lang))
		}
		if lists[lang], err = marshal(items); err != nil {
			return fmt.Errorf("courses: encode list: %w", err)
		}
	}
	c.mu.Lock()
	c.courses, c.order, c.lists, c.version, c.loaded, c.checked = courses, order, lists, v, true, c.now()
	c.mu.Unlock()
	return nil
}

func topicRank(t string) int {
	if i := slices.Index(Topics, t); i >= 0 {
		return i
	}
	return len(Topics)
}

// LangAll asks for the {id, en} objects instead of plain strings.
const LangAll lontar.Lang = "all"

func newEntry(co *Course) (*entry, error) {
	e := &entry{course: co, views: map[lontar.Lang][]byte{}}
	for _, lang := range []lontar.Lang{lontar.LangID, lontar.LangEN, LangAll} {
		b, err := marshal(viewOf(co, lang))
		if err != nil {
			return nil, fmt.Errorf("courses: encode %s: %w", co.ID, err)
		}
		e.views[lang] = b
	}
	return e, nil
}

// Get returns a published course.
func (c *Catalog) Get(ctx context.Context, id string) (*Course, error) {
	e, err := c.entry(ctx, id)
	if err != nil {
		return nil, err
	}
	return e.course, nil
}

func (c *Catalog) entry(ctx context.Context, id string) (*entry, error) {
	if err := c.refresh(ctx); err != nil {
		return nil, err
	}
	c.mu.RLock()
	e, ok := c.courses[id]
	c.mu.RUnlock()
	if !ok {
		return nil, errCourseNotFound
	}
	return e, nil
}

// List returns the published courses in display order.
func (c *Catalog) List(ctx context.Context) ([]*Course, error) {
	if err := c.refresh(ctx); err != nil {
		return nil, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]*Course, 0, len(c.order))
	for _, id := range c.order {
		out = append(out, c.courses[id].course)
	}
	return out, nil
}

// ListJSON returns the course list as learners read it in lang, encoded
// once per catalogue version, and its entity tag.
func (c *Catalog) ListJSON(ctx context.Context, lang lontar.Lang) (body []byte, etag string, err error) {
	if err := c.refresh(ctx); err != nil {
		return nil, "", err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.lists[lang], fmt.Sprintf("catalog-%d-%s", c.version, lang), nil
}

// CourseJSON returns a published course with its lessons as learners read
// it in lang, encoded once per version, and its entity tag.
func (c *Catalog) CourseJSON(ctx context.Context, id string, lang lontar.Lang) (body []byte, etag string, err error) {
	e, err := c.entry(ctx, id)
	if err != nil {
		return nil, "", err
	}
	return e.views[lang], fmt.Sprintf("%s-v%d-%s", e.course.ID, e.course.Version, lang), nil
}

var errLessonNotFound = lontar.NotFound("Materi", "Lesson")

// LessonJSON returns one lesson of a published course in lang, with the
// ids of its module and of the lessons before and after it, and its
// entity tag.
func (c *Catalog) LessonJSON(ctx context.Context, courseID, lessonID string, lang lontar.Lang) (body []byte, etag string, err error) {
	e, err := c.entry(ctx, courseID)
	if err != nil {
		return nil, "", err
	}
	ids := e.course.LessonIDs()
	i := slices.Index(ids, lessonID)
	if i < 0 {
		return nil, "", errLessonNotFound
	}
	for _, m := range e.course.Modules {
		for _, l := range m.Lessons {
			if l.ID != lessonID {
				continue
			}
			v := lessonOf(l, lang)
			v.CourseID, v.ModuleID = e.course.ID, m.ID
			if i > 0 {
				v.PrevID = ids[i-1]
			}
			if i+1 < len(ids) {
				v.NextID = ids[i+1]
			}
			if body, err = marshal(v); err != nil {
				return nil, "", fmt.Errorf("courses: encode lesson %s of %s: %w", lessonID, courseID, err)
			}
			return body, fmt.Sprintf("%s-v%d-%s-%s", e.course.ID, e.course.Version, lessonID, lang), nil
		}
	}
	return nil, "", errLessonNotFound
}

// courseView is a published course as learners read it.
type courseView struct {
	ID           string `json:"id"`
	Title        any    `json:"title"`
	Summary      any    `json:"summary"`
	Topic        string `json:"topic"`
	Level        string `json:"level,omitempty"`
	Institution  string `json:"institution"`
	Version      int    `json:"version"`
	LessonsCount int    `json:"lessons_count"`
	EstMinutes   int    `json:"est_minutes"`
	SizeBytes    int    `json:"size_bytes"`
	// FirstLessonID lets a visitor open the first lesson from the list.
	FirstLessonID string       `json:"first_lesson_id,omitempty"`
	PublishedAt   *time.Time   `json:"published_at,omitempty"`
	Modules       []moduleView `json:"modules,omitempty"`
}

type moduleView struct {
	ID      string       `json:"id"`
	Title   any          `json:"title"`
	Lessons []lessonView `json:"lessons"`
}

type lessonView struct {
	ID         string `json:"id"`
	CourseID   string `json:"course_id,omitempty"`
	ModuleID   string `json:"module_id,omitempty"`
	Title      any    `json:"title"`
	EstMinutes int    `json:"est_minutes"`
	// Body is the sanitised HTML; with lang=all, Markdown is in "markdown".
	Body     any    `json:"body"`
	Markdown any    `json:"markdown,omitempty"`
	PrevID   string `json:"prev_id,omitempty"`
	NextID   string `json:"next_id,omitempty"`
}

func text(t lontar.Text, lang lontar.Lang) any {
	if lang == LangAll {
		return t
	}
	return t.In(lang)
}

func estMinutes(co *Course) int {
	n := 0
	for _, m := range co.Modules {
		for _, l := range m.Lessons {
			n += l.EstMinutes
		}
	}
	return n
}

func summaryOf(co *Course, lang lontar.Lang) courseView {
	v := courseView{ID: co.ID, Title: text(co.Title, lang), Summary: text(co.Summary, lang), Topic: co.Topic,
		Level: co.Level, Institution: co.Institution, Version: co.Version, LessonsCount: co.LessonCount(),
		EstMinutes: estMinutes(co), SizeBytes: co.SizeBytes, PublishedAt: co.PublishedAt}
	if ids := co.LessonIDs(); len(ids) > 0 {
		v.FirstLessonID = ids[0]
	}
	return v
}

func lessonOf(l Lesson, lang lontar.Lang) lessonView {
	v := lessonView{ID: l.ID, Title: text(l.Title, lang), EstMinutes: l.EstMinutes, Body: text(l.HTML, lang)}
	if lang == LangAll {
		v.Markdown = l.Body
	}
	return v
}

func viewOf(co *Course, lang lontar.Lang) courseView {
	v := summaryOf(co, lang)
	for _, m := range co.Modules {
		mv := moduleView{ID: m.ID, Title: text(m.Title, lang), Lessons: make([]lessonView, 0, len(m.Lessons))}
		for _, l := range m.Lessons {
			mv.Lessons = append(mv.Lessons, lessonOf(l, lang))
		}
		v.Modules = append(v.Modules, mv)
	}
	return v
}

// courseSize is what reading the whole course costs a learner in data:
// the gzip-compressed JSON of GET /courses/{id} in the larger language,
// as it travels over the wire.
func courseSize(co *Course) (int, error) {
	size := 0
	for _, lang := range []lontar.Lang{lontar.LangID, lontar.LangEN} {
		b, err := marshal(viewOf(co, lang))
		if err != nil {
			return 0, fmt.Errorf("courses: encode %s: %w", co.ID, err)
		}
		var buf bytes.Buffer
		w, err := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
		if err != nil {
			return 0, fmt.Errorf("courses: measure %s: %w", co.ID, err)
		}
		if _, err := w.Write(b); err != nil {
			return 0, fmt.Errorf("courses: measure %s: %w", co.ID, err)
		}
		if err := w.Close(); err != nil {
			return 0, fmt.Errorf("courses: measure %s: %w", co.ID, err)
		}
		size = max(size, buf.Len())
	}
	return size, nil
}

// marshal encodes JSON without escaping <, > and &: lesson bodies are
// HTML, and \u003c costs a learner six bytes where one will do.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
