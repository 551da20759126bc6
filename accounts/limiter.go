package accounts

import (
	"context"
	"fmt"
	"math"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"lontar"
	"lontar/database"
)

// Login limits. Per phone only failures count: five wrong passwords lock
// that number for the rest of its 15-minute window. Per client address
// every attempt counts, with room for a 300-person workshop behind one
// shared address to register, mistype and log in within minutes.
const (
	PhoneFailures = 5
	PhoneWindow   = 15 * time.Minute
	AddressLimit  = 1200
	AddressWindow = 10 * time.Minute
)

// Limiter counts attempts in fixed windows. The counters live in the
// store, keyed by _id, so several instances behind one load balancer share
// them.
type Limiter struct {
	coll *mongo.Collection
	now  func() time.Time
}

// NewLimiter returns a Limiter on db.
func NewLimiter(db *mongo.Database) *Limiter {
	return &Limiter{coll: db.Collection("rate_limits"), now: time.Now}
}

// SetClock replaces the limiter's clock (tests).
func (l *Limiter) SetClock(now func() time.Time) { l.now = now }

// EnsureIndexes lets a real MongoDB drop expired windows.
func (l *Limiter) EnsureIndexes(ctx context.Context) error {
	err := database.EnsureIndexes(ctx, l.coll, mongo.IndexModel{Keys: bson.D{{Key: "expires_at", Value: 1}},
		Options: options.Index().SetExpireAfterSeconds(0)})
	if err != nil {
		return fmt.Errorf("accounts: %w", err)
	}
	return nil
}

type window struct {
	Count     int       `bson:"count"`
	ExpiresAt time.Time `bson:"expires_at"`
}

func limited(retry time.Duration) error {
	e := *lontar.NewError(lontar.ERateLimited, "Terlalu banyak percobaan. Coba lagi nanti.", "Too many attempts. Please try again later.")
	e.RetryAfter = max(1, int(math.Ceil(retry.Seconds())))
	return &e
}

// add counts one attempt for key and returns the window after it.
func (l *Limiter) add(ctx context.Context, key string, win time.Duration) (window, error) {
	now := l.now().UTC()
	var w window
	for range 3 {
		// Within a live window, or with none yet: one atomic upsert, so
		// concurrent attempts are each counted.
		err := l.coll.FindOneAndUpdate(ctx, bson.M{"_id": key, "expires_at": bson.M{"$gt": now}},
			bson.M{"$inc": bson.M{"count": 1}, "$setOnInsert": bson.M{"expires_at": now.Add(win)}},
			options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&w)
		if err == nil {
			return w, nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			return w, fmt.Errorf("accounts: count attempt: %w", err)
		}
		// An expired window holds the _id: restart it, guarded on its
		// expiry so that of concurrent restarts one wins, then count.
		_, err = l.coll.UpdateOne(ctx, bson.M{"_id": key, "expires_at": bson.M{"$lte": now}},
			bson.M{"$set": bson.M{"count": 0, "expires_at": now.Add(win)}})
		if err != nil {
			return w, fmt.Errorf("accounts: start rate window: %w", err)
		}
	}
	return w, fmt.Errorf("accounts: count attempt %s: the window kept changing", key)
}

// AllowAddress counts an attempt from a client address and refuses it past
// the address limit.
func (l *Limiter) AllowAddress(ctx context.Context, ip string) error {
	w, err := l.add(ctx, "ip:"+ip, AddressWindow)
	if err != nil {
		return err
	}
	if w.Count > AddressLimit {
		return limited(w.ExpiresAt.Sub(l.now()))
	}
	return nil
}

// AttemptPhone counts a login attempt for a phone before its password is
// checked, and refuses it once PhoneFailures attempts have failed in the
// window. Counting first keeps guesses sent all at once from each passing
// a check made before any of them failed; a successful login takes the
// count back with ResetPhone, so in effect only failures count.
func (l *Limiter) AttemptPhone(ctx context.Context, phone string) error {
	w, err := l.add(ctx, "phone:"+phone, PhoneWindow)
	if err != nil {
		return err
	}
	if w.Count > PhoneFailures {
		return limited(w.ExpiresAt.Sub(l.now()))
	}
	return nil
}

// ResetPhone clears a phone's failures after a successful login.
func (l *Limiter) ResetPhone(ctx context.Context, phone string) error {
	if _, err := l.coll.DeleteOne(ctx, bson.M{"_id": "phone:" + phone}); err != nil {
		return fmt.Errorf("accounts: reset rate limit: %w", err)
	}
	return nil
}
