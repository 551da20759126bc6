package database

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
)

// EnsureIndexes creates indexes on coll. Embedded FerretDB v1 does not
// implement some index options (TTL's expireAfterSeconds): such an index is
// skipped there, and the code relying on it also checks expiry itself.
func EnsureIndexes(ctx context.Context, coll *mongo.Collection, models ...mongo.IndexModel) error {
	for _, m := range models {
		if _, err := coll.Indexes().CreateOne(ctx, m); err != nil {
			if IsNotImplemented(err) {
				continue
			}
			return fmt.Errorf("ensure index on %s: %w", coll.Name(), err)
		}
	}
	return nil
}

// IsNotImplemented reports whether the server said it lacks a feature.
func IsNotImplemented(err error) bool {
	var ce mongo.CommandError
	if errors.As(err, &ce) {
		return ce.Code == 238 || ce.Name == "NotImplemented"
	}
	return false
}

// FindByID decodes the document with _id id from coll, read through the
// reading pool (see Reads). It returns notFound when there is none, and
// wraps any other error with what.
func FindByID[T any](ctx context.Context, coll *mongo.Collection, id string, notFound error, what string) (*T, error) {
	var v T
	err := Reads(coll).FindOne(ctx, map[string]string{"_id": id}).Decode(&v)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, notFound
	}
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", what, id, err)
	}
	return &v, nil
}

// Now is the server's clock at the store's precision (milliseconds, UTC),
// so a time read back equals the time written.
func Now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }
