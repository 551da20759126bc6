package accounts

import (
	"context"
	"errors"
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
	e := *lontar.Errorf(lontar.ERateLimited, "Terlalu banyak percobaan. Coba lagi nanti.", "Too many attempts. Please try again later.")
	e.RetryAfter = max(1, int(math.Ceil(retry.Seconds())))
	return &e
}

// current returns the live window for key, if any.
func (l *Limiter) current(ctx context.Context, key string) (window, bool, error) {
	var w window
	err := l.coll.FindOne(ctx, bson.M{"_id": key}).Decode(&w)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return w, false, nil
	}
	if err != nil {
		return w, false, fmt.Errorf("accounts: read rate limit: %w", err)
	}
	return w, l.now().Before(w.ExpiresAt), nil
}

// add counts one attempt for key and returns the window after it.
func (l *Limiter) add(ctx context.Context, key string, win time.Duration) (window, error) {
	now := l.now().UTC()
	var w window
	// Within a live window: one atomic increment.
	err := l.coll.FindOneAndUpdate(ctx, bson.M{"_id": key, "expires_at": bson.M{"$gt": now}},
		bson.M{"$inc": bson.M{"count": 1}}, options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&w)
	if err == nil {
		return w, nil
	}
	if !errors.Is(err, mongo.ErrNoDocuments) {
		return w, fmt.Errorf("accounts: count attempt: %w", err)
	}
	// No live window: start one. Two instances starting the same window at
	// once may each write count 1; undercounting one attempt is harmless.
	w = window{Count: 1, ExpiresAt: now.Add(win)}
	_, err = l.coll.UpdateOne(ctx, bson.M{"_id": key}, bson.M{"$set": w}, options.UpdateOne().SetUpsert(true))
	if err != nil && !mongo.IsDuplicateKeyError(err) {
		return w, fmt.Errorf("accounts: start rate window: %w", err)
	}
	return w, nil
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

// CheckPhone refuses a login for a phone locked by too many failures.
func (l *Limiter) CheckPhone(ctx context.Context, phone string) error {
	w, live, err := l.current(ctx, "phone:"+phone)
	if err != nil {
		return err
	}
	if live && w.Count >= PhoneFailures {
		return limited(w.ExpiresAt.Sub(l.now()))
	}
	return nil
}

// FailPhone counts a failed login for a phone.
func (l *Limiter) FailPhone(ctx context.Context, phone string) error {
	_, err := l.add(ctx, "phone:"+phone, PhoneWindow)
	return err
}

// ResetPhone clears a phone's failures after a successful login.
func (l *Limiter) ResetPhone(ctx context.Context, phone string) error {
	if _, err := l.coll.DeleteOne(ctx, bson.M{"_id": "phone:" + phone}); err != nil {
		return fmt.Errorf("accounts: reset rate limit: %w", err)
	}
	return nil
}
