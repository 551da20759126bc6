package accounts_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"

	"lontar"
	"lontar/accounts"
)

func TestHashAndVerify(t *testing.T) {
	h, ctx := accounts.NewHasher(), context.Background()
	const pw = "tenun ikat Amarasi 🧵"
	phc, err := h.Hash(ctx, pw)
	if err != nil {
		t.Fatal(err)
	}
	// PHC string: OWASP's argon2id parameters, a 16-byte salt and a 32-byte
	// key, unpadded standard base64.
	format := regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	if !format.MatchString(phc) {
		t.Fatalf("hash %q is not the expected PHC string", phc)
	}
	if strings.Contains(phc, "tenun") {
		t.Fatalf("hash %q holds the password", phc)
	}
	other, err := h.Hash(ctx, pw)
	if err != nil {
		t.Fatal(err)
	}
	if other == phc {
		t.Fatal("two hashes of one password are equal: no random salt")
	}
	for _, tt := range []struct {
		name, phc, pw string
		want          bool
	}{
		{"right password", phc, pw, true},
		{"right password, second hash", other, pw, true},
		{"wrong password", phc, "tenun ikat amarasi 🧵", false},
		{"prefix of the password", phc, pw[:8], false},
		{"empty password", phc, "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := h.Verify(ctx, tt.phc, tt.pw)
			if err != nil || ok != tt.want {
				t.Fatalf("Verify = %v, %v; want %v", ok, err, tt.want)
			}
		})
	}
}

// phc builds an argon2id PHC string with any parameters, as an older
// version of Lontar might have stored.
func phc(pw string, mem, iter uint32, threads uint8, keyLen uint32) string {
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, iter, mem, threads, keyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s", mem, iter, threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

func TestVerifyHashWithOtherParameters(t *testing.T) {
	h, ctx := accounts.NewHasher(), context.Background()
	for _, tt := range []struct {
		name    string
		mem     uint32
		iter    uint32
		threads uint8
		keyLen  uint32
	}{
		{"less memory, more passes", 8 * 1024, 3, 1, 32},
		{"two lanes", 12 * 1024, 1, 2, 32},
		{"16-byte key", 19 * 1024, 2, 1, 16},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := phc("kata-sandi-lama", tt.mem, tt.iter, tt.threads, tt.keyLen)
			if ok, err := h.Verify(ctx, s, "kata-sandi-lama"); !ok || err != nil {
				t.Fatalf("right password: %v %v (%s)", ok, err, s)
			}
			if ok, err := h.Verify(ctx, s, "kata-sandi-baru"); ok || err != nil {
				t.Fatalf("wrong password: %v %v", ok, err)
			}
		})
	}
}

func TestVerifyMalformedHash(t *testing.T) {
	h, ctx := accounts.NewHasher(), context.Background()
	good := phc("kata-sandi", 8*1024, 1, 1, 32)
	parts := strings.Split(good, "$") // "", argon2id, v=19, m=…, salt, key
	join := func(p ...string) string { return strings.Join(p, "$") }
	for _, tt := range []struct{ name, phc string }{
		{"empty", ""},
		{"plain text", "kata-sandi"},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
		{"argon2i", join("", "argon2i", parts[2], parts[3], parts[4], parts[5])},
		{"old argon2 version", join("", "argon2id", "v=16", parts[3], parts[4], parts[5])},
		{"no version", join("", "argon2id", parts[3], parts[4], parts[5])},
		{"extra part", good + "$x"},
		{"parameters missing", join("", "argon2id", parts[2], "m=8192", parts[4], parts[5])},
		{"parameters not numbers", join("", "argon2id", parts[2], "m=a,t=b,p=c", parts[4], parts[5])},
		{"zero memory", join("", "argon2id", parts[2], "m=0,t=1,p=1", parts[4], parts[5])},
		{"zero passes", join("", "argon2id", parts[2], "m=8192,t=0,p=1", parts[4], parts[5])},
		{"zero lanes", join("", "argon2id", parts[2], "m=8192,t=1,p=0", parts[4], parts[5])},
		{"lanes beyond a byte", join("", "argon2id", parts[2], "m=8192,t=1,p=300", parts[4], parts[5])},
		{"memory beyond 1 GiB", join("", "argon2id", parts[2], "m=2097152,t=1,p=1", parts[4], parts[5])},
		{"salt not base64", join("", "argon2id", parts[2], parts[3], "!!!!", parts[5])},
		{"key not base64", join("", "argon2id", parts[2], parts[3], parts[4], "@@@@")},
		{"empty key", join("", "argon2id", parts[2], parts[3], parts[4], "")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if ok, err := h.Verify(ctx, tt.phc, "kata-sandi"); ok || err == nil {
				t.Fatalf("Verify(%q) = %v, %v; want false and an error", tt.phc, ok, err)
			}
		})
	}
}

func TestCheckPasswordRules(t *testing.T) {
	for _, tt := range []struct {
		name, pw string
		ok       bool
	}{
		{"empty", "", false},
		{"7 characters", "1234567", false},
		{"8 characters", "12345678", true},
		{"8 spaces", "        ", true},
		{"7 two-byte characters", strings.Repeat("é", 7), false},
		{"8 two-byte characters", strings.Repeat("é", 8), true},
		{"128 characters", strings.Repeat("a", 128), true},
		{"129 characters", strings.Repeat("a", 129), false},
		{"128 four-byte characters", strings.Repeat("🧵", 128), true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := accounts.CheckPasswordRules(tt.pw)
			if (err == nil) != tt.ok {
				t.Fatalf("CheckPasswordRules(%d runes) = %v", len([]rune(tt.pw)), err)
			}
			if err != nil && (lontar.ErrorCode(err) != lontar.EInvalid || err.(*lontar.Error).Fields["password"].ID == "") {
				t.Fatalf("error %v has no password field", err)
			}
		})
	}
}
