package accounts

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"lontar"
)

// argon2id parameters: OWASP's recommendation of m=19 MiB, t=2, p=1.
const (
	argonMemory  = 19 * 1024 // KiB
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// Password length limits; no composition rules.
const (
	MinPassword = 8
	MaxPassword = 128
)

// Hasher hashes and checks passwords with argon2id. Each hash takes 19 MiB
// for a few tens of milliseconds, so at most a few run at once: a login
// storm waits in line instead of exhausting memory.
type Hasher struct {
	slots chan struct{}
}

// NewHasher returns a Hasher running at most 2×GOMAXPROCS hashes at once.
func NewHasher() *Hasher {
	return &Hasher{slots: make(chan struct{}, 2*runtime.GOMAXPROCS(0))}
}

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("accounts: waiting to hash: %w", ctx.Err())
	}
}

func (h *Hasher) release() { <-h.slots }

// CheckPasswordRules reports a too short or too long password.
func CheckPasswordRules(pw string) error {
	n := utf8.RuneCountInString(pw)
	if n < MinPassword || n > MaxPassword {
		return lontar.FieldErrors(map[string]lontar.Text{"password": lontar.T(
			fmt.Sprintf("Kata sandi harus %d sampai %d karakter.", MinPassword, MaxPassword),
			fmt.Sprintf("The password must be %d to %d characters.", MinPassword, MaxPassword))})
	}
	return nil
}

// Hash returns the PHC string of pw: $argon2id$v=19$m=19456,t=2,p=1$salt$hash.
func (h *Hasher) Hash(ctx context.Context, pw string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("accounts: salt: %w", err)
	}
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	h.release()
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var errBadHash = errors.New("accounts: malformed password hash")

// Verify reports whether pw matches the PHC string, reading the parameters
// from the string so hashes made with older parameters still verify.
func (h *Hasher) Verify(ctx context.Context, phc, pw string) (bool, error) {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	var mem, iter uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &iter, &threads); err != nil || mem == 0 || iter == 0 || threads == 0 || mem > 1<<20 {
		return false, errBadHash
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false, errBadHash
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, errBadHash
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(pw), salt, iter, mem, threads, uint32(len(want)))
	h.release()
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is verified against when a phone is unknown, so that a wrong
// phone takes as long as a wrong password and reveals nothing.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$bG9udGFyLWR1bW15LXNhbHQ$0nTgBqQ1m3Tt1O4GmJ0Y3zQHqg8kq0jv7mXc7d1l9rE"
