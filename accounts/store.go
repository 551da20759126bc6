package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"lontar"
	"lontar/database"
)

// RefreshTTL is how long a refresh token (and so a session) lives unused.
const RefreshTTL = 30 * 24 * time.Hour

// Store keeps users, the phone → user map, sessions and refresh tokens.
// Login never filters on anything but _id: the phone number is the _id of
// its phones document, a refresh token's hash the _id of its document.
type Store struct {
	users    *mongo.Collection
	phones   *mongo.Collection
	sessions *mongo.Collection // one per login: a chain of rotated refresh tokens
	tokens   *mongo.Collection // _id sha256(refresh token)
	meta     *mongo.Collection
	hasher   *Hasher
	now      func() time.Time
}

// NewStore returns a Store on db.
func NewStore(db *mongo.Database) *Store {
	return &Store{
		users: db.Collection("users"), phones: db.Collection("phones"),
		sessions: db.Collection("sessions"), tokens: db.Collection("refresh_tokens"),
		meta: db.Collection("meta"), hasher: NewHasher(), now: time.Now,
	}
}

// EnsureIndexes creates the indexes a real MongoDB needs: a unique phone,
// and TTL indexes that drop expired refresh tokens.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	ttl := options.Index().SetExpireAfterSeconds(0)
	expiry := bson.D{{Key: "expires_at", Value: 1}}
	for _, e := range []error{
		database.EnsureIndexes(ctx, s.users,
			mongo.IndexModel{Keys: bson.D{{Key: "phone", Value: 1}}, Options: options.Index().SetUnique(true)},
			mongo.IndexModel{Keys: bson.D{{Key: "role", Value: 1}}}),
		database.EnsureIndexes(ctx, s.tokens, mongo.IndexModel{Keys: expiry, Options: ttl}),
		database.EnsureIndexes(ctx, s.sessions, mongo.IndexModel{Keys: expiry, Options: ttl}),
	} {
		if e != nil {
			return fmt.Errorf("accounts: %w", e)
		}
	}
	return nil
}

var (
	errPhoneTaken = lontar.NewError(lontar.EConflict, "Nomor HP sudah terdaftar.", "Phone number already registered.").
			WithField("phone", "Nomor HP sudah terdaftar. Silakan masuk.", "This phone number is already registered. Please log in.")
	errUserNotFound = lontar.NotFound("Pengguna", "User")
)

func newUserID() string {
	var b [10]byte
	_, _ = rand.Read(b[:])
	return "u" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
}

// create inserts a user: first the phone (its _id makes a second account
// on the same number impossible, even when two requests race), then the
// user; if the user cannot be written the phone is released again.
func (s *Store) create(ctx context.Context, u *User) error {
	now := s.now().UTC()
	u.ID, u.CreatedAt, u.UpdatedAt = newUserID(), now, now
	if _, err := s.phones.InsertOne(ctx, bson.M{"_id": u.Phone, "user_id": u.ID, "created_at": now}); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return errPhoneTaken
		}
		return fmt.Errorf("accounts: reserve phone: %w", err)
	}
	if _, err := s.users.InsertOne(ctx, u); err != nil {
		// No transactions on the embedded store: undo by hand. If that
		// fails too the number stays reserved without a user, which an
		// operator must know about.
		if _, derr := s.phones.DeleteOne(context.WithoutCancel(ctx), bson.M{"_id": u.Phone, "user_id": u.ID}); derr != nil {
			return errors.Join(fmt.Errorf("accounts: create user: %w", err),
				fmt.Errorf("accounts: release phone %s of user %s: %w", u.Phone, u.ID, derr))
		}
		if mongo.IsDuplicateKeyError(err) {
			return errPhoneTaken
		}
		return fmt.Errorf("accounts: create user: %w", err)
	}
	return nil
}

// Register creates a learner.
func (s *Store) Register(ctx context.Context, in RegisterInput) (*User, error) {
	phone, err := NormalizePhone(in.Phone)
	if err != nil {
		return nil, err
	}
	hash, err := s.hasher.Hash(ctx, in.Password)
	if err != nil {
		return nil, err
	}
	u := &User{Phone: phone, Name: strings.TrimSpace(in.Name), Role: lontar.RoleLearner, Profile: in.Profile.profile(), PasswordHash: hash}
	return u, s.create(ctx, u)
}

// CreateUser creates a user with any role (admins only, checked by the handler).
func (s *Store) CreateUser(ctx context.Context, in CreateUserInput) (*User, error) {
	phone, err := NormalizePhone(in.Phone)
	if err != nil {
		return nil, err
	}
	hash, err := s.hasher.Hash(ctx, in.Password)
	if err != nil {
		return nil, err
	}
	u := &User{Phone: phone, Name: strings.TrimSpace(in.Name), Role: in.Role, PasswordHash: hash}
	switch in.Role {
	case lontar.RoleTrainer:
		u.Institution = strings.TrimSpace(in.Institution)
	case lontar.RoleAgency:
		u.Scope = in.Scope
	}
	if in.Profile != nil {
		u.Profile = in.Profile.profile()
	}
	return u, s.create(ctx, u)
}

// Get returns the user with id.
func (s *Store) Get(ctx context.Context, id string) (*User, error) {
	return database.FindByID[User](ctx, s.users, id, errUserNotFound, "accounts: get user")
}

// ByPhone returns the user with a normalized phone number.
func (s *Store) ByPhone(ctx context.Context, phone string) (*User, error) {
	var p struct {
		UserID string `bson:"user_id"`
	}
	err := s.phones.FindOne(ctx, bson.M{"_id": phone}).Decode(&p)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, errUserNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("accounts: find phone: %w", err)
	}
	return s.Get(ctx, p.UserID)
}

// Person returns how other features show the user.
func (s *Store) Person(ctx context.Context, userID string) (lontar.Person, error) {
	u, err := s.Get(ctx, userID)
	if err != nil {
		return lontar.Person{}, err
	}
	return u.Person(), nil
}

// Update applies PATCH /me.
func (s *Store) Update(ctx context.Context, id string, in UpdateMe) (*User, error) {
	set := bson.M{"updated_at": s.now().UTC()}
	if in.Name != nil {
		set["name"] = strings.TrimSpace(*in.Name)
	}
	if in.Profile != nil {
		set["profile"] = in.Profile.profile()
	}
	var u User
	err := s.users.FindOneAndUpdate(ctx, bson.M{"_id": id}, bson.M{"$set": set},
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&u)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, errUserNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("accounts: update %s: %w", id, err)
	}
	return &u, nil
}

// ErrBadCredentials is the one answer to a wrong phone or a wrong password.
var ErrBadCredentials = lontar.NewError(lontar.EUnauthenticated,
	"Nomor HP atau kata sandi salah.", "Wrong phone number or password.")

// Authenticate checks a phone and password. An unknown phone costs the same
// hashing time as a wrong password.
func (s *Store) Authenticate(ctx context.Context, phone, password string) (*User, error) {
	u, err := s.ByPhone(ctx, phone)
	if err != nil && !lontar.IsCode(err, lontar.ENotFound) {
		return nil, err
	}
	hash := dummyHash
	if u != nil && u.PasswordHash != "" {
		hash = u.PasswordHash
	}
	ok, err := s.hasher.Verify(ctx, hash, password)
	if err != nil && !errors.Is(err, errBadHash) {
		return nil, err
	}
	if u == nil || u.PasswordHash == "" || !ok {
		return nil, ErrBadCredentials
	}
	return u, nil
}

// --- sessions and refresh tokens ---

type refreshToken struct {
	Hash      string     `bson:"_id"`
	SessionID string     `bson:"session_id"`
	UserID    string     `bson:"user_id"`
	UsedAt    *time.Time `bson:"used_at"`
	ExpiresAt time.Time  `bson:"expires_at"`
}

type sessionDoc struct {
	ID        string    `bson:"_id"`
	UserID    string    `bson:"user_id"`
	Revoked   bool      `bson:"revoked"`
	ExpiresAt time.Time `bson:"expires_at"`
}

func hashToken(t string) string {
	sum := sha256.Sum256([]byte(t))
	return hex.EncodeToString(sum[:])
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// StartSession opens a session for the user and returns its first refresh token.
func (s *Store) StartSession(ctx context.Context, userID string) (string, error) {
	now := s.now().UTC()
	sess := sessionDoc{ID: randomToken()[:22], UserID: userID, ExpiresAt: now.Add(RefreshTTL)}
	if _, err := s.sessions.InsertOne(ctx, sess); err != nil {
		return "", fmt.Errorf("accounts: start session: %w", err)
	}
	return s.issueRefresh(ctx, sess.ID, userID)
}

func (s *Store) issueRefresh(ctx context.Context, sessionID, userID string) (string, error) {
	tok := randomToken()
	now := s.now().UTC()
	_, err := s.tokens.InsertOne(ctx, refreshToken{Hash: hashToken(tok), SessionID: sessionID, UserID: userID, ExpiresAt: now.Add(RefreshTTL)})
	if err != nil {
		return "", fmt.Errorf("accounts: issue refresh token: %w", err)
	}
	// Sliding expiry: an active session stays alive.
	_, err = s.sessions.UpdateOne(ctx, bson.M{"_id": sessionID}, bson.M{"$set": bson.M{"expires_at": now.Add(RefreshTTL)}})
	if err != nil {
		return "", fmt.Errorf("accounts: extend session: %w", err)
	}
	return tok, nil
}

// ErrBadRefresh is any refresh token that cannot be used.
var ErrBadRefresh = lontar.NewError(lontar.EUnauthenticated,
	"Sesi sudah berakhir. Silakan masuk lagi.", "Your session has ended. Please log in again.")

// Rotate spends a refresh token and returns the user and a new one. A token
// spent twice means it was stolen or leaked: the whole session is revoked,
// so the thief's and the owner's newest tokens stop working alike.
func (s *Store) Rotate(ctx context.Context, token string) (*User, string, error) {
	now := s.now().UTC()
	var rt refreshToken
	err := s.tokens.FindOne(ctx, bson.M{"_id": hashToken(token)}).Decode(&rt)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, "", ErrBadRefresh
	}
	if err != nil {
		return nil, "", fmt.Errorf("accounts: find refresh token: %w", err)
	}
	if !now.Before(rt.ExpiresAt) {
		return nil, "", ErrBadRefresh
	}
	// Spend it with one guarded update: of two concurrent uses, one wins.
	res, err := s.tokens.UpdateOne(ctx, bson.M{"_id": rt.Hash, "used_at": nil}, bson.M{"$set": bson.M{"used_at": now}})
	if err != nil {
		return nil, "", fmt.Errorf("accounts: spend refresh token: %w", err)
	}
	if res.ModifiedCount == 0 {
		if err := s.revoke(ctx, rt.SessionID); err != nil {
			return nil, "", err
		}
		return nil, "", ErrBadRefresh
	}
	var sess sessionDoc
	err = s.sessions.FindOne(ctx, bson.M{"_id": rt.SessionID}).Decode(&sess)
	if err != nil || sess.Revoked {
		return nil, "", ErrBadRefresh
	}
	u, err := s.Get(ctx, rt.UserID)
	if err != nil {
		return nil, "", ErrBadRefresh
	}
	next, err := s.issueRefresh(ctx, sess.ID, u.ID)
	if err != nil {
		return nil, "", err
	}
	return u, next, nil
}

func (s *Store) revoke(ctx context.Context, sessionID string) error {
	_, err := s.sessions.UpdateOne(ctx, bson.M{"_id": sessionID}, bson.M{"$set": bson.M{"revoked": true}})
	if err != nil {
		return fmt.Errorf("accounts: revoke session: %w", err)
	}
	return nil
}

// Logout revokes the session of a refresh token; unknown tokens are ignored.
func (s *Store) Logout(ctx context.Context, token string) error {
	var rt refreshToken
	err := s.tokens.FindOne(ctx, bson.M{"_id": hashToken(token)}).Decode(&rt)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("accounts: logout: %w", err)
	}
	return s.revoke(ctx, rt.SessionID)
}

// --- participants a trainer registers, and their activation ---

// activationAlphabet has no 0/O, 1/I/L: codes are read off paper or WhatsApp.
const activationAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// ActivationTTL is how long an activation code works; MaxActivationTries
// wrong codes invalidate it.
const (
	ActivationTTL      = 30 * 24 * time.Hour
	MaxActivationTries = 5
)

func newActivationCode() string { return lontar.RandomCode(activationAlphabet, 8) }

func normalizeCode(c string) string {
	return strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(c))
}

// EnsureParticipant returns the user of p's phone, creating a learner with
// no password and a one-time activation code when the phone is new.
func (s *Store) EnsureParticipant(ctx context.Context, p lontar.Person) (userID, code string, created bool, err error) {
	phone, err := NormalizePhone(p.Phone)
	if err != nil {
		return "", "", false, err
	}
	if u, err := s.ByPhone(ctx, phone); err == nil {
		return u.ID, "", false, nil
	} else if !lontar.IsCode(err, lontar.ENotFound) {
		return "", "", false, err
	}
	code = newActivationCode()
	u := &User{Phone: phone, Name: strings.TrimSpace(p.Name), Role: lontar.RoleLearner, Profile: p.Profile,
		Activation: &activation{Hash: hashToken(code), ExpiresAt: s.now().UTC().Add(ActivationTTL)}}
	if err := s.create(ctx, u); err != nil {
		if lontar.IsCode(err, lontar.EConflict) {
			// Registered between our look-up and insert: enroll that user.
			if existing, err2 := s.ByPhone(ctx, phone); err2 == nil {
				return existing.ID, "", false, nil
			}
		}
		return "", "", false, err
	}
	return u.ID, code, true, nil
}

// ErrBadActivation is a wrong, used, expired or exhausted activation code.
var ErrBadActivation = lontar.NewError(lontar.EUnauthenticated,
	"Kode aktivasi salah atau sudah tidak berlaku.", "The activation code is wrong or no longer valid.")

// Activate sets the password of a participant with their one-time code.
func (s *Store) Activate(ctx context.Context, in ActivateInput) (*User, error) {
	phone, err := NormalizePhone(in.Phone)
	if err != nil {
		return nil, ErrBadActivation
	}
	u, err := s.ByPhone(ctx, phone)
	if err != nil {
		if lontar.IsCode(err, lontar.ENotFound) {
			return nil, ErrBadActivation
		}
		return nil, err
	}
	a := u.Activation
	if a == nil || a.Tries >= MaxActivationTries || !s.now().Before(a.ExpiresAt) {
		return nil, ErrBadActivation
	}
	// Count the try before comparing, guarded on the count: of codes sent
	// all at once no more than MaxActivationTries are ever compared.
	res, err := s.users.UpdateOne(ctx, bson.M{"_id": u.ID, "activation.hash": a.Hash, "activation.tries": bson.M{"$lt": MaxActivationTries}},
		bson.M{"$inc": bson.M{"activation.tries": 1}})
	if err != nil {
		return nil, fmt.Errorf("accounts: count activation try: %w", err)
	}
	if res.ModifiedCount == 0 || subtle.ConstantTimeCompare([]byte(hashToken(normalizeCode(in.Code))), []byte(a.Hash)) != 1 {
		return nil, ErrBadActivation
	}
	hash, err := s.hasher.Hash(ctx, in.Password)
	if err != nil {
		return nil, err
	}
	// Guarded on the code: of two concurrent activations only one wins.
	var out User
	err = s.users.FindOneAndUpdate(ctx, bson.M{"_id": u.ID, "activation.hash": a.Hash},
		bson.M{"$set": bson.M{"password_hash": hash, "updated_at": s.now().UTC()}, "$unset": bson.M{"activation": ""}},
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&out)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, ErrBadActivation
	}
	if err != nil {
		return nil, fmt.Errorf("accounts: activate: %w", err)
	}
	return &out, nil
}

// EnsureBootstrapAdmin creates the admin named by the environment once. A
// marker document by _id makes restarts cheap and idempotent.
func (s *Store) EnsureBootstrapAdmin(ctx context.Context, phone, password string) error {
	norm, err := NormalizePhone(phone)
	if err != nil {
		return fmt.Errorf("accounts: LONTAR_BOOTSTRAP_ADMIN_PHONE: not an Indonesian mobile number")
	}
	if err := CheckPasswordRules(password); err != nil {
		return fmt.Errorf("accounts: LONTAR_BOOTSTRAP_ADMIN_PASSWORD must be %d to %d characters", MinPassword, MaxPassword)
	}
	var marker struct {
		Phone string `bson:"phone"`
	}
	err = s.meta.FindOne(ctx, bson.M{"_id": "bootstrap_admin"}).Decode(&marker)
	if err == nil && marker.Phone == norm {
		return nil
	}
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return fmt.Errorf("accounts: read bootstrap marker: %w", err)
	}
	_, err = s.CreateUser(ctx, CreateUserInput{Phone: norm, Name: "Admin Lontar", Password: password, Role: lontar.RoleAdmin})
	if lontar.IsCode(err, lontar.EConflict) {
		// Never promote an existing account: whoever registered that
		// number first would become admin with their own password.
		if u, err2 := s.ByPhone(ctx, norm); err2 != nil || u.Role != lontar.RoleAdmin {
			return fmt.Errorf("accounts: bootstrap admin phone %s is already a non-admin account", norm)
		}
		err = nil
	}
	if err != nil {
		return err
	}
	_, err = s.meta.UpdateOne(ctx, bson.M{"_id": "bootstrap_admin"}, bson.M{"$set": bson.M{"phone": norm}}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("accounts: write bootstrap marker: %w", err)
	}
	return nil
}
