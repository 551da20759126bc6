package quizzes

import (
	"sync"
	"time"
)

// CacheTTL is how long a quiz, or a course's list of quizzes, read from
// the store is served from memory. Quizzes are read on every view and
// submission and change rarely; an edit made on this instance is seen at
// once (it clears the entry), one made on another instance behind the
// same MongoDB within CacheTTL.
const CacheTTL = 2 * time.Second

// cache holds recently read quizzes and course indexes. A read that
// started before an edit must not put the old version back after the edit
// cleared it: entries are stored only if no edit happened in between
// (gen counts edits).
type cache struct {
	ttl     time.Duration
	now     func() time.Time
	mu      sync.Mutex
	gen     uint64
	quizzes map[string]cachedQuiz
	indexes map[string]cachedIndex
}

type cachedQuiz struct {
	q  *Quiz
	at time.Time
}

type cachedIndex struct {
	ix courseIndex
	at time.Time
}

func newCache(ttl time.Duration) *cache {
	return &cache{ttl: ttl, now: time.Now, quizzes: map[string]cachedQuiz{}, indexes: map[string]cachedIndex{}}
}

func (c *cache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

func (c *cache) quiz(id string) (*Quiz, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.quizzes[id]
	if !ok || c.now().Sub(e.at) >= c.ttl {
		return nil, false
	}
	return e.q, true
}

func (c *cache) putQuiz(gen uint64, q *Quiz) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen == c.gen {
		c.quizzes[q.ID] = cachedQuiz{q: q, at: c.now()}
	}
}

func (c *cache) index(courseID string) (courseIndex, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.indexes[courseID]
	if !ok || c.now().Sub(e.at) >= c.ttl {
		return courseIndex{}, false
	}
	return e.ix, true
}

func (c *cache) putIndex(gen uint64, courseID string, ix courseIndex) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen == c.gen {
		c.indexes[courseID] = cachedIndex{ix: ix, at: c.now()}
	}
}

// forget drops a quiz and its course's index after an edit.
func (c *cache) forget(quizID, courseID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	delete(c.quizzes, quizID)
	delete(c.indexes, courseID)
}

// SetClock replaces the clock that ages cached entries (tests).
func (s *Store) SetClock(now func() time.Time) { s.cache.now = now }
