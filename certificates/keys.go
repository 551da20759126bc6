package certificates

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Keys holds the platform's Ed25519 signing keys. Each key is a PKCS #8
// PEM file in the keys directory (mode 0600, generated at first start,
// never committed); the newest file signs. Public keys are also recorded
// in the store by key id, so every instance publishes every key ever used
// (another instance's rotation included) and a rotated key stays in the
// JWKS: credentials signed with it keep verifying.
type Keys struct {
	dir  string
	coll *mongo.Collection

	mu     sync.RWMutex
	active *signingKey
	local  map[string]ed25519.PublicKey // thumbprint → key, from files
}

type signingKey struct {
	thumb string
	priv  ed25519.PrivateKey
}

// publishedKey is a public key as stored in the signing_keys collection.
type publishedKey struct {
	Thumb     string    `bson:"_id"`
	X         string    `bson:"x"` // base64url public key
	CreatedAt time.Time `bson:"created_at"`
}

// JWK is one public key of the JWKS (RFC 8037, OKP Ed25519).
type JWK struct {
	Kty string `json:"kty"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Kid string `json:"kid"`
	Alg string `json:"alg"`
	Use string `json:"use"`
}

// JWKS is the document served at /.well-known/jwks.json.
type JWKS struct {
	Keys []JWK `json:"keys"`
}

// LoadKeys reads the keys in dir, creating the first one when there is
// none, and publishes their public halves in db.
func LoadKeys(ctx context.Context, db *mongo.Database, dir string) (*Keys, error) {
	k := &Keys{dir: dir, coll: db.Collection("signing_keys"), local: map[string]ed25519.PublicKey{}}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("certificates: keys dir: %w", err)
	}
	if err := k.load(); err != nil {
		return nil, err
	}
	if k.active == nil {
		if _, err := k.create(); err != nil {
			return nil, err
		}
	}
	if err := k.publish(ctx); err != nil {
		return nil, err
	}
	return k, nil
}

// load reads every key file; names sort by creation time, the last signs.
func (k *Keys) load() error {
	names, err := filepath.Glob(filepath.Join(k.dir, "ed25519-*.pem"))
	if err != nil {
		return fmt.Errorf("certificates: list keys: %w", err)
	}
	slices.Sort(names)
	for _, name := range names {
		priv, err := readKey(name)
		if err != nil {
			return err
		}
		pub := priv.Public().(ed25519.PublicKey)
		thumb := Thumbprint(pub)
		k.local[thumb] = pub
		k.active = &signingKey{thumb: thumb, priv: priv}
	}
	return nil
}

func readKey(name string) (ed25519.PrivateKey, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("certificates: read key: %w", err)
	}
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("certificates: %s is not a PEM private key", name)
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("certificates: parse %s: %w", name, err)
	}
	priv, ok := key.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("certificates: %s is not an Ed25519 key", name)
	}
	return priv, nil
}

// create writes a new key file and makes it the signing key.
func (k *Keys) create() (string, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", fmt.Errorf("certificates: generate key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return "", fmt.Errorf("certificates: encode key: %w", err)
	}
	thumb := Thumbprint(pub)
	// The UTC time first, so names sort in creation order.
	name := filepath.Join(k.dir, "ed25519-"+time.Now().UTC().Format("20060102T150405.000000000Z")+"-"+thumb[:8]+".pem")
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", fmt.Errorf("certificates: create key: %w", err)
	}
	if err := pem.Encode(f, &pem.Block{Type: "PRIVATE KEY", Bytes: der}); err != nil {
		f.Close()
		return "", fmt.Errorf("certificates: write key: %w", err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("certificates: write key: %w", err)
	}
	k.mu.Lock()
	k.local[thumb] = pub
	k.active = &signingKey{thumb: thumb, priv: priv}
	k.mu.Unlock()
	return thumb, nil
}

// publish records every local public key by its thumbprint; upserts by
// _id, so restarts and several instances change nothing.
func (k *Keys) publish(ctx context.Context) error {
	k.mu.RLock()
	defer k.mu.RUnlock()
	for thumb, pub := range k.local {
		_, err := k.coll.UpdateOne(ctx, bson.M{"_id": thumb},
			bson.M{"$setOnInsert": bson.M{"x": b64(pub), "created_at": time.Now().UTC()}},
			options.UpdateOne().SetUpsert(true))
		if err != nil {
			return fmt.Errorf("certificates: publish key %s: %w", thumb, err)
		}
	}
	return nil
}

// Rotate creates a new signing key and publishes it; the old ones stay
// published. It returns the new key's thumbprint.
func (k *Keys) Rotate(ctx context.Context) (string, error) {
	thumb, err := k.create()
	if err != nil {
		return "", err
	}
	return thumb, k.publish(ctx)
}

// signer returns the current signing key.
func (k *Keys) signer() *signingKey {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.active
}

// JWKS returns every published key, oldest first, each kid made with kidOf.
func (k *Keys) JWKS(ctx context.Context, kidOf func(thumb string) string) (JWKS, error) {
	cur, err := k.coll.Find(ctx, bson.M{}, options.Find().SetSort(bson.D{{Key: "created_at", Value: 1}}))
	if err != nil {
		return JWKS{}, fmt.Errorf("certificates: read keys: %w", err)
	}
	var docs []publishedKey
	if err := cur.All(ctx, &docs); err != nil {
		return JWKS{}, fmt.Errorf("certificates: read keys: %w", err)
	}
	set := JWKS{Keys: make([]JWK, 0, len(docs))}
	for _, d := range docs {
		set.Keys = append(set.Keys, JWK{Kty: "OKP", Crv: "Ed25519", X: d.X, Kid: kidOf(d.Thumb), Alg: "EdDSA", Use: "sig"})
	}
	return set, nil
}

// Thumbprint is the RFC 7638 JWK thumbprint of an Ed25519 public key: the
// SHA-256 of its canonical JWK, base64url.
func Thumbprint(pub ed25519.PublicKey) string {
	canon := `{"crv":"Ed25519","kty":"OKP","x":"` + b64(pub) + `"}`
	sum := sha256.Sum256([]byte(canon))
	return b64(sum[:])
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
