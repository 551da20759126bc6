package accounts

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"lontar"
)

// Token settings. An access token names its session; a revoked session's
// id is on a small revocation list read by _id, and each instance caches
// what it read for RevocationCacheTTL, so a revoked session's access
// tokens stop working within that time on every instance (at once on the
// instance that revoked it), well before they expire.
const (
	issuer             = "lontar"
	audience           = "lontar-api"
	AccessTTL          = 15 * time.Minute
	RevocationCacheTTL = 30 * time.Second
	revocationCacheMax = 100_000
)

// Tokens issues and verifies access tokens (HS256 JWTs).
type Tokens struct {
	key   []byte
	now   func() time.Time
	store *Store // the revocation list; nil: not checked

	mu      sync.Mutex
	checked map[string]revocationEntry // session id → what the list said
}

type revocationEntry struct {
	revoked bool
	at      time.Time
}

// NewTokens returns Tokens signing with key (at least 32 bytes).
func NewTokens(key []byte) *Tokens {
	return &Tokens{key: key, now: time.Now, checked: map[string]revocationEntry{}}
}

// CheckRevocations makes Verify refuse access tokens of sessions revoked
// in store.
func (t *Tokens) CheckRevocations(store *Store) { t.store = store }

// Revoked records that this instance revoked a session: its tokens stop
// here at once, without waiting for the cache.
func (t *Tokens) Revoked(sessionID string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.checked[sessionID] = revocationEntry{revoked: true, at: t.now()}
}

// sessionRevoked consults the cache, then the list by _id.
func (t *Tokens) sessionRevoked(sessionID string) (bool, error) {
	now := t.now()
	t.mu.Lock()
	e, ok := t.checked[sessionID]
	t.mu.Unlock()
	if ok && (e.revoked || now.Sub(e.at) < RevocationCacheTTL) {
		return e.revoked, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	revoked, err := t.store.SessionRevoked(ctx, sessionID)
	if err != nil {
		return false, err
	}
	t.mu.Lock()
	if len(t.checked) >= revocationCacheMax {
		clear(t.checked) // bounded memory; the list is the truth
	}
	t.checked[sessionID] = revocationEntry{revoked: revoked, at: now}
	t.mu.Unlock()
	return revoked, nil
}

// SetClock replaces the clock tokens are issued and checked with (tests).
func (t *Tokens) SetClock(now func() time.Time) { t.now = now }

// LoadOrCreateKey reads the signing key at path, creating a random 256-bit
// key there (mode 0600) at first start. Keys are never committed.
func LoadOrCreateKey(path string) ([]byte, error) {
	key, err := os.ReadFile(path)
	if err == nil {
		if len(key) < 32 {
			return nil, fmt.Errorf("accounts: key %s is shorter than 32 bytes", path)
		}
		return key, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("accounts: read key: %w", err)
	}
	key = make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("accounts: generate key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	// O_EXCL: two processes starting at once must not each write a key.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return LoadOrCreateKey(path)
	}
	if err != nil {
		return nil, fmt.Errorf("accounts: create key: %w", err)
	}
	if _, err := f.Write(key); err != nil {
		f.Close()
		return nil, fmt.Errorf("accounts: write key: %w", err)
	}
	return key, f.Close()
}

type claims struct {
	jwt.RegisteredClaims
	Name        string      `json:"name,omitempty"`
	Role        lontar.Role `json:"role"`
	Institution string      `json:"inst,omitempty"`
	Scope       []string    `json:"scope,omitempty"`
	SessionID   string      `json:"sid,omitempty"`
}

// Issue returns a signed access token for the caller, outside any session
// (tests, tools), and its expiry.
func (t *Tokens) Issue(c lontar.Caller) (string, time.Time, error) {
	return t.IssueSession(c, "")
}

// IssueSession returns a signed access token of a session and its expiry.
func (t *Tokens) IssueSession(c lontar.Caller, sessionID string) (string, time.Time, error) {
	now := t.now()
	exp := now.Add(AccessTTL)
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    issuer,
			Subject:   c.UserID,
			Audience:  jwt.ClaimStrings{audience},
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now.Add(-time.Minute)),
			ExpiresAt: jwt.NewNumericDate(exp),
		},
		Name: c.Name, Role: c.Role, Institution: c.Institution, Scope: c.Scope, SessionID: sessionID,
	})
	s, err := tok.SignedString(t.key)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("accounts: sign token: %w", err)
	}
	return s, exp, nil
}

// ErrBadToken is returned for any token that does not verify: malformed,
// forged, tampered, expired or issued for something else.
var ErrBadToken = lontar.NewError(lontar.EUnauthenticated,
	"Sesi tidak berlaku atau sudah habis. Silakan masuk lagi.", "Your session is invalid or has expired. Please log in again.")

// Verify checks the token's signature, algorithm, expiry, issue time (not
// in the future), issuer and audience, and that its session was not
// revoked, and returns its caller.
func (t *Tokens) Verify(token string) (*lontar.Caller, error) {
	var cl claims
	_, err := jwt.ParseWithClaims(token, &cl, func(*jwt.Token) (any, error) { return t.key, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithIssuer(issuer),
		jwt.WithAudience(audience),
		jwt.WithTimeFunc(t.now),
	)
	if err != nil || cl.Subject == "" || !cl.Role.Valid() || cl.IssuedAt == nil {
		return nil, ErrBadToken
	}
	if cl.SessionID != "" && t.store != nil {
		revoked, err := t.sessionRevoked(cl.SessionID)
		if err != nil {
			return nil, err
		}
		if revoked {
			return nil, ErrBadToken
		}
	}
	return &lontar.Caller{UserID: cl.Subject, Name: cl.Name, Role: cl.Role,
		Institution: cl.Institution, Scope: cl.Scope}, nil
}
