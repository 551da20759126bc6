package database

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// A guarded update ("set the first score only if there is none", "count
// this attempt only if it was not counted") is one atomic operation on
// MongoDB: the guard goes into the filter next to the _id. Embedded
// FerretDB only looks a document up by index when the filter is the _id
// alone; any other filter reads and decodes the whole collection (16 ms
// for 1,000 enrollments, growing with every learner). So on the embedded
// store UpdateIf reads the document by _id, checks the guard itself and
// writes by _id, under a lock for that document held by every guarded
// update of this process. That is as atomic as the filter: the embedded
// store belongs to this one process, and a field a guard reads is only
// ever written by guarded updates (callers keep it so).

// embeddedClients maps each client writing to an embedded store to the
// pool of connections that read from it (see Reads).
var embeddedClients sync.Map // *mongo.Client → *mongo.Client

// readCollections caches Reads' answers.
var readCollections sync.Map // *mongo.Collection → *mongo.Collection

// ReadPoolSize is how many connections read from the embedded store.
// Reads never lose anything, so they need not wait behind writes (each an
// fsync) on the one writing connection; more connections than this only
// contend for the CPU that decoding needs.
const ReadPoolSize = 8

// docLocks serialise guarded updates per document. They are process-wide
// like the embedded store they protect; striping bounds their number.
var (
	docLocks    [1024]sync.Mutex
	docLockSeed = maphash.MakeSeed()
)

func docLock(coll *mongo.Collection, id string) *sync.Mutex {
	var h maphash.Hash
	h.SetSeed(docLockSeed)
	h.WriteString(coll.Database().Name())
	h.WriteByte(0)
	h.WriteString(coll.Name())
	h.WriteByte(0)
	h.WriteString(id)
	return &docLocks[h.Sum64()%uint64(len(docLocks))]
}

// ConnectEmbedded connects to the embedded store at uri: the client it
// returns writes through exactly one connection (see Open), and Reads
// gives the pool of connections that read. UpdateIf knows the client.
func ConnectEmbedded(uri string) (*mongo.Client, error) {
	client, err := mongo.Connect(options.Client().ApplyURI(uri).
		SetMaxPoolSize(1).SetMinPoolSize(1).SetAppName("lontar"))
	if err != nil {
		return nil, err
	}
	reads, err := mongo.Connect(options.Client().ApplyURI(uri).
		SetMaxPoolSize(ReadPoolSize).SetAppName("lontar-reads"))
	if err != nil {
		_ = client.Disconnect(context.Background())
		return nil, err
	}
	embeddedClients.Store(client, reads)
	return client, nil
}

// IsEmbedded reports whether db is on an embedded store.
func IsEmbedded(db *mongo.Database) bool {
	_, ok := embeddedClients.Load(db.Client())
	return ok
}

// Reads returns coll as seen through the embedded store's pool of reading
// connections, or coll itself on MongoDB (whose driver pools anyway).
// Only reads may go through it: concurrent writes to one document lose
// updates on the embedded store unless they share the one connection.
// A read sees every write acknowledged before it started.
func Reads(coll *mongo.Collection) *mongo.Collection {
	if r, ok := readCollections.Load(coll); ok {
		return r.(*mongo.Collection)
	}
	reads, ok := embeddedClients.Load(coll.Database().Client())
	if !ok {
		return coll
	}
	r := reads.(*mongo.Client).Database(coll.Database().Name()).Collection(coll.Name())
	readCollections.Store(coll, r)
	return r
}

// disconnectEmbedded closes the reading pool of an embedded store's client.
func disconnectEmbedded(ctx context.Context, client *mongo.Client) error {
	reads, ok := embeddedClients.LoadAndDelete(client)
	if !ok {
		return nil
	}
	return reads.(*mongo.Client).Disconnect(ctx)
}

// ErrGuardFailed is what UpdateIf returns with upsert when the document
// exists but does not match the guard: on MongoDB the upsert's insert then
// fails on the duplicate _id, and it is reported as that, so callers see
// one behaviour on both stores (mongo.IsDuplicateKeyError is true).
var ErrGuardFailed = mongo.CommandError{Code: 11000, Name: "DuplicateKey",
	Message: "database: guarded upsert: the document exists and does not match the guard"}

// UpdateIf applies update to the document of coll with _id id if it
// matches guard (a filter without _id; the operators supported on the
// embedded store are equality, $ne, $exists, $lt, $lte, $gt, $gte), and
// decodes the document after the update into out when out is not nil.
// It returns mongo.ErrNoDocuments when there is no such document or it
// does not match; with upsert, a missing document is created and an
// existing one that does not match gives ErrGuardFailed.
func UpdateIf(ctx context.Context, coll *mongo.Collection, id string, guard, update bson.M, upsert bool, out any) error {
	opts := options.FindOneAndUpdate().SetReturnDocument(options.After).SetUpsert(upsert)
	if !IsEmbedded(coll.Database()) {
		filter := bson.M{"_id": id}
		for k, v := range guard {
			filter[k] = v
		}
		return decodeResult(coll.FindOneAndUpdate(ctx, filter, update, opts), out)
	}
	mu := docLock(coll, id)
	mu.Lock()
	defer mu.Unlock()
	// The read may use the reading pool: the last guarded write to this
	// document was acknowledged before its writer released the lock.
	raw, err := Reads(coll).FindOne(ctx, bson.M{"_id": id}).Raw()
	switch {
	case errors.Is(err, mongo.ErrNoDocuments) && upsert:
	case err != nil:
		return err
	default:
		ok, err := Matches(raw, guard)
		if err != nil {
			return err
		}
		if !ok {
			if upsert {
				return ErrGuardFailed
			}
			return mongo.ErrNoDocuments
		}
	}
	return decodeResult(coll.FindOneAndUpdate(ctx, bson.M{"_id": id}, update, opts), out)
}

func decodeResult(r *mongo.SingleResult, out any) error {
	if out == nil {
		return r.Err()
	}
	return r.Decode(out)
}

// Matches reports whether doc matches filter, for the operators UpdateIf
// supports on the embedded store. An operator it does not know is an
// error, never a guess.
func Matches(doc bson.Raw, filter bson.M) (bool, error) {
	for path, want := range filter {
		v, err := doc.LookupErr(strings.Split(path, ".")...)
		present := err == nil
		ops, isOps := operators(want)
		if !isOps {
			if !equalOrContains(v, present, want) {
				return false, nil
			}
			continue
		}
		for op, arg := range ops {
			var ok bool
			switch op {
			case "$ne":
				ok = !equalOrContains(v, present, arg)
			case "$exists":
				b, _ := arg.(bool)
				ok = present == b
			case "$lt", "$lte", "$gt", "$gte":
				c, comparable := compare(v, present, arg)
				ok = comparable && map[string]bool{"$lt": c < 0, "$lte": c <= 0, "$gt": c > 0, "$gte": c >= 0}[op]
			default:
				return false, fmt.Errorf("database: guard operator %s is not supported on the embedded store", op)
			}
			if !ok {
				return false, nil
			}
		}
	}
	return true, nil
}

// operators returns the {$op: arg} form of a filter value, if it is one.
func operators(v any) (bson.M, bool) {
	m, ok := v.(bson.M)
	if !ok || len(m) == 0 {
		return nil, false
	}
	for k := range m {
		if !strings.HasPrefix(k, "$") {
			return nil, false
		}
	}
	return m, true
}

// equalOrContains is MongoDB's equality match: the value equals want, or
// is an array with an element equal to want; nil matches null or missing.
func equalOrContains(v bson.RawValue, present bool, want any) bool {
	if want == nil {
		return !present || v.Type == bson.TypeNull
	}
	if !present {
		return false
	}
	if v.Type == bson.TypeArray {
		vals, err := v.Array().Values()
		if err != nil {
			return false
		}
		for _, e := range vals {
			if equal(e, want) {
				return true
			}
		}
		return false
	}
	return equal(v, want)
}

func equal(v bson.RawValue, want any) bool {
	c, ok := compare(v, true, want)
	return ok && c == 0
}

// compare orders a stored value against a Go value of the same kind:
// strings, booleans, numbers and times. ok is false across kinds.
func compare(v bson.RawValue, present bool, want any) (c int, ok bool) {
	if !present {
		return 0, false
	}
	switch w := want.(type) {
	case string:
		s, ok := v.StringValueOK()
		return strings.Compare(s, w), ok
	case bool:
		b, ok := v.BooleanOK()
		if !ok {
			return 0, false
		}
		if b == w {
			return 0, true
		}
		return 1, true
	case time.Time:
		ms, ok := v.DateTimeOK()
		if !ok {
			return 0, false
		}
		return cmpInt(ms, w.UnixMilli()), true
	case int:
		return compareNumber(v, float64(w))
	case int32:
		return compareNumber(v, float64(w))
	case int64:
		return compareNumber(v, float64(w))
	case float64:
		return compareNumber(v, w)
	}
	return 0, false
}

func compareNumber(v bson.RawValue, w float64) (int, bool) {
	f, ok := v.AsFloat64OK()
	if !ok {
		return 0, false
	}
	switch {
	case f < w:
		return -1, true
	case f > w:
		return 1, true
	}
	return 0, true
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
