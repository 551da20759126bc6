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

// Login limits. Brute force is kept out without handing anyone a way to
// lock an owner out of their account:
//
//   - Per phone number and client address, the first FreeFailures wrong
//     passwords cost nothing; after that each attempt must wait a delay
//     that starts at FirstDelay and doubles with every further failure, up
//     to MaxDelay; after PairLockFailures failures that pair is refused
//     until its PairWindow (counted from its first failure) ends. Someone
//     guessing from their own address slows down and locks only themselves.
//   - Per phone number across all addresses, PhoneCeiling failures within
//     PhoneWindow close the number to addresses it was never used from;
//     an address that logged in to it successfully within
//     KnownAddressTTL keeps its own per-pair allowance, so the owner on
//     their own phone still gets in while someone spreads guesses over
//     many addresses.
//   - Per client address, every attempt counts, with room for a 300-person
//     workshop behind one shared address to register, mistype and log in.
//
// A successful login clears its pair's failures.
const (
	FreeFailures     = 3
	FirstDelay       = 5 * time.Second
	MaxDelay         = 5 * time.Minute
	PairLockFailures = 10
	PairWindow       = time.Hour
	PhoneCeiling     = 100
	PhoneWindow      = 24 * time.Hour
	KnownAddressTTL  = 30 * 24 * time.Hour
	knownAddresses   = 10
	AddressLimit     = 1200
	AddressWindow    = 10 * time.Minute
)

// LoginDelay is how long the attempt after the n-th failure of a phone
// and address must wait.
func LoginDelay(failures int) time.Duration {
	if failures < FreeFailures {
		return 0
	}
	d := FirstDelay
	for range failures - FreeFailures {
		if d *= 2; d >= MaxDelay {
			return MaxDelay
		}
	}
	return d
}

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
	LastAt    time.Time `bson:"last_at"` // pairs: the last attempt let through
}

func limited(retry time.Duration) error {
	e := *lontar.NewError(lontar.ERateLimited, "Terlalu banyak percobaan. Coba lagi nanti.", "Too many attempts. Please try again later.")
	e.RetryAfter = max(1, int(math.Ceil(retry.Seconds())))
	return &e
}

// add counts one attempt for key and returns the window after it.
//
// The count is one plain upsert by _id: a workshop's every registration
// and login comes from one address, so this document is the busiest of
// all, and a guarded update would make each attempt wait for the one
// before it (a read and a write under a lock; see database.UpdateIf).
// Only when the stored window has expired is it restarted, guarded on
// that expiry so that of concurrent restarts one wins; the others count
// again, in the new window.
func (l *Limiter) add(ctx context.Context, key string, win time.Duration) (window, error) {
	now := l.now().UTC()
	var w window
	for range 3 {
		err := l.coll.FindOneAndUpdate(ctx, bson.M{"_id": key},
			bson.M{"$inc": bson.M{"count": 1}, "$setOnInsert": bson.M{"expires_at": now.Add(win)}},
			options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&w)
		if err != nil {
			return w, fmt.Errorf("accounts: count attempt: %w", err)
		}
		if w.ExpiresAt.After(now) {
			return w, nil
		}
		// The window had expired: start a new one holding this attempt.
		err = database.UpdateIf(ctx, l.coll, key, bson.M{"expires_at": bson.M{"$lte": now}},
			bson.M{"$set": bson.M{"count": 1, "expires_at": now.Add(win)}}, false, &w)
		if err == nil {
			return w, nil
		}
		if !errors.Is(err, mongo.ErrNoDocuments) {
			return w, fmt.Errorf("accounts: start rate window: %w", err)
		}
		// Another attempt restarted it (or a reset removed it): count
		// this one again, in the window there is now.
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

// CheckLogin counts a login attempt for phone from address ip before its
// password is checked and refuses it when the pair must still wait, is
// locked, or the phone's ceiling is reached for an unknown address.
// Counting first keeps guesses sent all at once from each passing a check
// made before any of them failed; a refused attempt is not counted, and a
// successful login takes its count back with LoginSucceeded, so in effect
// only failures count.
func (l *Limiter) CheckLogin(ctx context.Context, phone, ip string) error {
	now := l.now().UTC()
	pairKey := "pair:" + phone + "|" + ip
	prev, err := l.addPair(ctx, pairKey, now)
	if err != nil {
		return err
	}
	failures := prev.Count // before this attempt
	var refuse time.Duration
	switch {
	case failures >= PairLockFailures:
		refuse = prev.ExpiresAt.Sub(now)
	case now.Sub(prev.LastAt) < LoginDelay(failures):
		refuse = LoginDelay(failures) - now.Sub(prev.LastAt)
	}
	if refuse == 0 {
		ph, err := l.add(ctx, "phone:"+phone, PhoneWindow)
		if err != nil {
			return err
		}
		if ph.Count > PhoneCeiling {
			known, err := l.known(ctx, phone, ip)
			if err != nil {
				return err
			}
			if !known {
				l.undo(ctx, "phone:"+phone)
				refuse = ph.ExpiresAt.Sub(now)
			}
		}
	}
	if refuse > 0 {
		// Not counted, and the wait is not restarted by asking early.
		_, _ = l.coll.UpdateOne(ctx, bson.M{"_id": pairKey, "last_at": now},
			bson.M{"$set": bson.M{"last_at": prev.LastAt}})
		l.undo(ctx, pairKey)
		return limited(refuse)
	}
	return nil
}

// addPair counts an attempt of a phone and address and marks its time in
// one atomic update, returning the pair as it was before: of attempts
// sent all at once, only the first sees the old time, so each waits.
func (l *Limiter) addPair(ctx context.Context, key string, now time.Time) (window, error) {
	for range 3 {
		var prev window
		err := l.coll.FindOneAndUpdate(ctx, bson.M{"_id": key, "expires_at": bson.M{"$gt": now}},
			bson.M{"$inc": bson.M{"count": 1}, "$set": bson.M{"last_at": now},
				"$setOnInsert": bson.M{"expires_at": now.Add(PairWindow)}},
			options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.Before)).Decode(&prev)
		if errors.Is(err, mongo.ErrNoDocuments) {
			return window{}, nil // the first attempt of a new window
		}
		if err == nil {
			return prev, nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			return prev, fmt.Errorf("accounts: count login attempt: %w", err)
		}
		_, err = l.coll.UpdateOne(ctx, bson.M{"_id": key, "expires_at": bson.M{"$lte": now}},
			bson.M{"$set": bson.M{"count": 0, "expires_at": now.Add(PairWindow), "last_at": time.Time{}}})
		if err != nil {
			return prev, fmt.Errorf("accounts: start rate window: %w", err)
		}
	}
	return window{}, fmt.Errorf("accounts: count login attempt %s: the window kept changing", key)
}

// undo takes back an attempt counted by add. Best effort: a lost undo
// counts one attempt too many, which errs on the safe side.
func (l *Limiter) undo(ctx context.Context, key string) {
	_, _ = l.coll.UpdateOne(ctx, bson.M{"_id": key, "count": bson.M{"$gt": 0}}, bson.M{"$inc": bson.M{"count": -1}})
}

func (l *Limiter) known(ctx context.Context, phone, ip string) (bool, error) {
	n, err := l.coll.CountDocuments(ctx, bson.M{"_id": "known:" + phone, "ips": ip, "expires_at": bson.M{"$gt": l.now()}})
	if err != nil {
		return false, fmt.Errorf("accounts: known addresses: %w", err)
	}
	return n > 0, nil
}

// LoginSucceeded clears the pair's failures, takes this attempt back from
// the phone's count and remembers the address as the owner's.
func (l *Limiter) LoginSucceeded(ctx context.Context, phone, ip string) error {
	if _, err := l.coll.DeleteOne(ctx, bson.M{"_id": "pair:" + phone + "|" + ip}); err != nil {
		return fmt.Errorf("accounts: reset rate limit: %w", err)
	}
	l.undo(ctx, "phone:"+phone)
	key := "known:" + phone
	if _, err := l.coll.UpdateOne(ctx, bson.M{"_id": key}, bson.M{"$pull": bson.M{"ips": ip}}); err != nil {
		return fmt.Errorf("accounts: remember address: %w", err)
	}
	_, err := l.coll.UpdateOne(ctx, bson.M{"_id": key}, bson.M{
		"$push": bson.M{"ips": bson.M{"$each": []string{ip}, "$slice": -knownAddresses}},
		"$set":  bson.M{"expires_at": l.now().UTC().Add(KnownAddressTTL)},
	}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("accounts: remember address: %w", err)
	}
	return nil
}
