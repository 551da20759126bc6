package database

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"
)

// InsertNew inserts docs in one unordered bulk insert and returns the
// positions of those that were not inserted (a duplicate _id, usually:
// the document exists already), for the caller to handle one by one. On
// the embedded store a bulk insert is one SQLite transaction, one fsync,
// where inserting one by one costs one each: a 1,000-row import depends on
// it. An error that names no document fails them all.
func InsertNew(ctx context.Context, coll *mongo.Collection, docs []any) (failed []int, err error) {
	if len(docs) == 0 {
		return nil, nil
	}
	_, err = coll.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err == nil {
		return nil, nil
	}
	var bwe mongo.BulkWriteException
	if errors.As(err, &bwe) && len(bwe.WriteErrors) > 0 && bwe.WriteConcernError == nil {
		for _, we := range bwe.WriteErrors {
			if !mongo.IsDuplicateKeyError(we) {
				return nil, err
			}
			failed = append(failed, we.Index)
		}
		return failed, nil
	}
	return nil, err
}

// IsUnavailable reports whether err means the store could not be reached
// or did not answer in time (as opposed to refusing an operation): the
// client should retry later rather than act on the failure.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	var sel topology.ServerSelectionError
	return mongo.IsNetworkError(err) || mongo.IsTimeout(err) || errors.As(err, &sel) ||
		errors.Is(err, mongo.ErrClientDisconnected)
}
