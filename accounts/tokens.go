package accounts

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"lontar"
)

// Token settings. Access tokens are short-lived because they are not
// checked against the store: a revoked session ends within AccessTTL.
const (
	issuer    = "lontar"
	audience  = "lontar-api"
	AccessTTL = 15 * time.Minute
)

// Tokens issues and verifies access tokens (HS256 JWTs).
type Tokens struct {
	key []byte
	now func() time.Time
}

// NewTokens returns Tokens signing with key (at least 32 bytes).
func NewTokens(key []byte) *Tokens {
	return &Tokens{key: key, now: time.Now}
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
}

// Issue returns a signed access token for the caller and its expiry.
func (t *Tokens) Issue(c lontar.Caller) (string, time.Time, error) {
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
		Name: c.Name, Role: c.Role, Institution: c.Institution, Scope: c.Scope,
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

// Verify checks the token's signature, algorithm, expiry, issuer and
// audience and returns its caller.
func (t *Tokens) Verify(token string) (*lontar.Caller, error) {
	var cl claims
	_, err := jwt.ParseWithClaims(token, &cl, func(*jwt.Token) (any, error) { return t.key, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuer(issuer),
		jwt.WithAudience(audience),
		jwt.WithTimeFunc(t.now),
	)
	if err != nil || cl.Subject == "" || !cl.Role.Valid() {
		return nil, ErrBadToken
	}
	return &lontar.Caller{UserID: cl.Subject, Name: cl.Name, Role: cl.Role,
		Institution: cl.Institution, Scope: cl.Scope}, nil
}
