package database

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Inserter groups the inserts of concurrent requests into one collection:
// while one insertMany is under way, the documents that arrive wait and
// then go together in the next. On the embedded store every write is its
// own SQLite transaction and fsync, except that one insertMany is one
// transaction: so under load many acknowledged inserts share one fsync
// (group commit), and with no load an insert goes at once, alone.
//
// Each document is still inserted or not on its own (an unordered
// insertMany), and a caller returns only once its documents are stored.
type Inserter struct {
	coll *mongo.Collection

	mu      sync.Mutex
	pending []*insertReq
	leading bool // a caller is inserting batches
}

type insertReq struct {
	docs []any
	dup  []bool // per document: the _id existed already
	err  error
	done chan struct{}
}

// maxBatch bounds one insertMany (FerretDB checks every document in it).
const maxBatch = 1000

// insertTimeout bounds a batch that outlives the caller who sent it.
const insertTimeout = 30 * time.Second

// NewInserter returns an Inserter into coll.
func NewInserter(coll *mongo.Collection) *Inserter {
	return &Inserter{coll: coll}
}

// Insert stores docs and reports, for each, whether its _id existed
// already (then nothing was written for it). err is for anything else:
// the store failed, and some of docs may or may not be stored.
func (b *Inserter) Insert(ctx context.Context, docs ...any) (duplicate []bool, err error) {
	if len(docs) == 0 {
		return nil, nil
	}
	r := &insertReq{docs: docs, dup: make([]bool, len(docs)), done: make(chan struct{})}
	b.mu.Lock()
	b.pending = append(b.pending, r)
	lead := !b.leading
	b.leading = true
	b.mu.Unlock()
	if lead {
		// This caller inserts what is pending, batch after batch, until
		// its own documents are in; the others wait for their batch.
		b.lead(context.WithoutCancel(ctx), r)
	}
	select {
	case <-r.done:
		return r.dup, r.err
	case <-ctx.Done():
		return nil, fmt.Errorf("database: insert into %s: %w", b.coll.Name(), ctx.Err())
	}
}

func (b *Inserter) lead(ctx context.Context, own *insertReq) {
	for {
		b.mu.Lock()
		var batch []*insertReq
		n := 0
		for len(b.pending) > 0 && (n == 0 || n+len(b.pending[0].docs) <= maxBatch) {
			n += len(b.pending[0].docs)
			batch = append(batch, b.pending[0])
			b.pending = b.pending[1:]
		}
		if len(batch) == 0 {
			b.leading = false
			b.mu.Unlock()
			return
		}
		b.mu.Unlock()
		b.insert(ctx, batch, n)
		if own == nil {
			continue // a helper goroutine: until nothing is pending
		}
		select {
		case <-own.done:
			// Done with its own documents, a caller stops leading: what
			// arrived meanwhile is inserted by a goroutine that lasts
			// only as long as there is something to insert.
			b.mu.Lock()
			if len(b.pending) == 0 {
				b.leading = false
				b.mu.Unlock()
				return
			}
			b.mu.Unlock()
			go b.lead(ctx, nil)
			return
		default:
		}
	}
}

// insert writes one batch and hands each request its results.
func (b *Inserter) insert(ctx context.Context, batch []*insertReq, n int) {
	defer func() {
		for _, r := range batch {
			close(r.done)
		}
	}()
	docs := make([]any, 0, n)
	owner := make([]*insertReq, 0, n) // by position in docs
	index := make([]int, 0, n)        // position within its request
	for _, r := range batch {
		for i, d := range r.docs {
			docs = append(docs, d)
			owner = append(owner, r)
			index = append(index, i)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, insertTimeout)
	defer cancel()
	_, err := b.coll.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err == nil {
		return
	}
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil {
		fail(batch, fmt.Errorf("database: insert %d documents into %s: %w", len(docs), b.coll.Name(), err))
		return
	}
	for _, we := range bwe.WriteErrors {
		if we.Index < 0 || we.Index >= len(docs) {
			fail(batch, fmt.Errorf("database: insert into %s: %w", b.coll.Name(), err))
			return
		}
		r := owner[we.Index]
		if we.Code == 11000 {
			r.dup[index[we.Index]] = true
		} else if r.err == nil {
			r.err = fmt.Errorf("database: insert into %s: %s", b.coll.Name(), we.Message)
		}
	}
}

func fail(batch []*insertReq, err error) {
	for _, r := range batch {
		r.err = err
	}
}
