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
	"maps"
	"slices"
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
	revoked  *mongo.Collection // _id session id: revoked sessions whose access tokens may still be alive
	meta     *mongo.Collection
	hasher   *Hasher
	now      func() time.Time
}

// NewStore returns a Store on db.
func NewStore(db *mongo.Database) *Store {
	return &Store{
		users: db.Collection("users"), phones: db.Collection("phones"),
		sessions: db.Collection("sessions"), tokens: db.Collection("refresh_tokens"),
		revoked: db.Collection("revoked_sessions"),
		meta:    db.Collection("meta"), hasher: NewHasher(), now: time.Now,
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
		database.EnsureIndexes(ctx, s.sessions, mongo.IndexModel{Keys: expiry, Options: ttl},
			mongo.IndexModel{Keys: bson.D{{Key: "user_id", Value: 1}}}),
		database.EnsureIndexes(ctx, s.revoked, mongo.IndexModel{Keys: expiry, Options: ttl}),
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

// ClaimGrace is how long a phone claim may stand without its user before
// another registration may take it over: the two writes of create follow
// each other within milliseconds, so an older claim without a user was
// left by a crash between them.
const ClaimGrace = time.Minute

type phoneClaim struct {
	Phone     string    `bson:"_id"`
	UserID    string    `bson:"user_id"`
	CreatedAt time.Time `bson:"created_at"`
}

// create inserts a user: first the phone claim (its _id makes a second
// account on the same number impossible, even when two requests race),
// then the user; if the user cannot be written the claim is released. A
// crash between the two leaves a claim without a user: the next
// registration of that number takes it over once it is older than
// ClaimGrace.
func (s *Store) create(ctx context.Context, u *User) error {
	now := s.now().UTC()
	u.ID, u.CreatedAt, u.UpdatedAt = newUserID(), now, now
	if err := s.claimPhone(ctx, u.Phone, u.ID, now); err != nil {
		return err
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

// claimPhone reserves phone for userID, taking over a stale claim whose
// user was never written.
func (s *Store) claimPhone(ctx context.Context, phone, userID string, now time.Time) error {
	_, err := s.phones.InsertOne(ctx, phoneClaim{Phone: phone, UserID: userID, CreatedAt: now})
	if err == nil {
		return nil
	}
	if !mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("accounts: reserve phone: %w", err)
	}
	var old phoneClaim
	if err := s.phones.FindOne(ctx, bson.M{"_id": phone}).Decode(&old); err != nil {
		if errors.Is(err, mongo.ErrNoDocuments) {
			return errPhoneTaken // released meanwhile; the caller may retry
		}
		return fmt.Errorf("accounts: read phone claim: %w", err)
	}
	if now.Sub(old.CreatedAt) < ClaimGrace {
		return errPhoneTaken
	}
	n, err := s.users.CountDocuments(ctx, bson.M{"_id": old.UserID})
	if err != nil {
		return fmt.Errorf("accounts: check phone claim: %w", err)
	}
	if n > 0 {
		return errPhoneTaken
	}
	// Guarded on the old owner: of two registrations taking over, one wins.
	res, err := s.phones.UpdateOne(ctx, bson.M{"_id": phone, "user_id": old.UserID},
		bson.M{"$set": bson.M{"user_id": userID, "created_at": now}})
	if err != nil {
		return fmt.Errorf("accounts: take over phone claim: %w", err)
	}
	if res.ModifiedCount == 0 {
		return errPhoneTaken
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
	id, err := s.phoneOwner(ctx, phone)
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// phoneOwner returns the id of the user a phone number is reserved for.
// The reservation is written before the user (see create), so a user
// being created concurrently already has its id here.
func (s *Store) phoneOwner(ctx context.Context, phone string) (string, error) {
	var p struct {
		UserID string `bson:"user_id"`
	}
	err := database.Reads(s.phones).FindOne(ctx, bson.M{"_id": phone}).Decode(&p)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return "", errUserNotFound
	}
	if err != nil {
		return "", fmt.Errorf("accounts: find phone: %w", err)
	}
	return p.UserID, nil
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
		maps.Copy(set, profileSet(in.Profile))
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

// profileSet returns the profile fields a patch sends, to $set by dotted
// path: the others keep their values.
func profileSet(p *ProfilePatch) bson.M {
	set := bson.M{}
	for path, v := range map[string]*string{"business_name": p.BusinessName, "sector": p.Sector, "region": p.Region,
		"gender": p.Gender, "nib": p.NIB} {
		if v != nil {
			set["profile."+path] = strings.TrimSpace(*v)
		}
	}
	if p.BirthYear != nil {
		set["profile.birth_year"] = *p.BirthYear
	}
	return set
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

// StartSession opens a session for the user and returns its id and first
// refresh token.
func (s *Store) StartSession(ctx context.Context, userID string) (sessionID, token string, err error) {
	now := s.now().UTC()
	sess := sessionDoc{ID: randomToken()[:22], UserID: userID, ExpiresAt: now.Add(RefreshTTL)}
	if _, err := s.sessions.InsertOne(ctx, sess); err != nil {
		return "", "", fmt.Errorf("accounts: start session: %w", err)
	}
	tok, err := s.newRefresh(ctx, sess.ID, userID, now)
	if err != nil {
		return "", "", err
	}
	return sess.ID, tok, nil
}

// newRefresh stores a fresh refresh token of the session.
func (s *Store) newRefresh(ctx context.Context, sessionID, userID string, now time.Time) (string, error) {
	tok := randomToken()
	_, err := s.tokens.InsertOne(ctx, refreshToken{Hash: hashToken(tok), SessionID: sessionID, UserID: userID, ExpiresAt: now.Add(RefreshTTL)})
	if err != nil {
		return "", fmt.Errorf("accounts: issue refresh token: %w", err)
	}
	return tok, nil
}

// ErrBadRefresh is any refresh token that cannot be used.
var ErrBadRefresh = lontar.NewError(lontar.EUnauthenticated,
	"Sesi sudah berakhir. Silakan masuk lagi.", "Your session has ended. Please log in again.")

// Rotate spends a refresh token and returns the user, the session id and
// a new token. A token spent twice means it was stolen or leaked: the
// whole session is revoked, so the thief's and the owner's newest tokens
// stop working alike.
//
// Only a missing, expired, spent or revoked token is a 401. A store that
// fails is lontar.Unavailable (503): the app keeps its session and tries
// again. So every read and the successor's insert come before the one
// write that spends the token; a failure before it leaves the token as it
// was, and nothing that can fail comes after it.
func (s *Store) Rotate(ctx context.Context, token string) (*User, string, string, error) {
	now := s.now().UTC()
	var rt refreshToken
	err := s.tokens.FindOne(ctx, bson.M{"_id": hashToken(token)}).Decode(&rt)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, "", "", ErrBadRefresh
	}
	if err != nil {
		return nil, "", "", lontar.Unavailable(fmt.Errorf("accounts: find refresh token: %w", err))
	}
	if !now.Before(rt.ExpiresAt) {
		return nil, "", "", ErrBadRefresh
	}
	if rt.UsedAt != nil {
		return nil, "", "", s.reused(ctx, rt.SessionID)
	}
	var sess sessionDoc
	err = s.sessions.FindOne(ctx, bson.M{"_id": rt.SessionID}).Decode(&sess)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, "", "", ErrBadRefresh
	}
	if err != nil {
		return nil, "", "", lontar.Unavailable(fmt.Errorf("accounts: find session: %w", err))
	}
	if sess.Revoked {
		return nil, "", "", ErrBadRefresh
	}
	u, err := s.Get(ctx, rt.UserID)
	if lontar.IsCode(err, lontar.ENotFound) {
		return nil, "", "", ErrBadRefresh
	}
	if err != nil {
		return nil, "", "", lontar.Unavailable(err)
	}
	next, err := s.newRefresh(ctx, sess.ID, u.ID, now)
	if err != nil {
		return nil, "", "", lontar.Unavailable(err)
	}
	// Spend it with one guarded update: of two concurrent uses, one wins.
	err = database.UpdateIf(ctx, s.tokens, rt.Hash, bson.M{"used_at": nil}, bson.M{"$set": bson.M{"used_at": now}}, false, nil)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return nil, "", "", lontar.Unavailable(fmt.Errorf("accounts: spend refresh token: %w", err))
	}
	if err != nil {
		_, _ = s.tokens.DeleteOne(ctx, bson.M{"_id": hashToken(next)})
		return nil, "", "", s.reused(ctx, rt.SessionID)
	}
	// Sliding expiry: an active session stays alive. Best effort: a miss
	// is made good by the next rotation, and must not fail this one.
	_, _ = s.sessions.UpdateOne(ctx, bson.M{"_id": sess.ID}, bson.M{"$set": bson.M{"expires_at": now.Add(RefreshTTL)}})
	return u, sess.ID, next, nil
}

// reused revokes the session of a token used twice and answers 401.
func (s *Store) reused(ctx context.Context, sessionID string) error {
	if err := s.revoke(ctx, sessionID); err != nil {
		return lontar.Unavailable(err)
	}
	return ErrBadRefresh
}

// revoke ends a session: its refresh tokens stop working at once, and its
// id goes on the revocation list that access tokens are checked against.
func (s *Store) revoke(ctx context.Context, sessionID string) error {
	now := s.now().UTC()
	_, err := s.revoked.UpdateOne(ctx, bson.M{"_id": sessionID},
		bson.M{"$set": bson.M{"expires_at": now.Add(AccessTTL + time.Minute)}}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("accounts: list revoked session: %w", err)
	}
	_, err = s.sessions.UpdateOne(ctx, bson.M{"_id": sessionID}, bson.M{"$set": bson.M{"revoked": true}})
	if err != nil {
		return fmt.Errorf("accounts: revoke session: %w", err)
	}
	return nil
}

// SessionRevoked reports whether a session is on the revocation list.
func (s *Store) SessionRevoked(ctx context.Context, sessionID string) (bool, error) {
	n, err := s.revoked.CountDocuments(ctx, bson.M{"_id": sessionID})
	if err != nil {
		return false, lontar.Unavailable(fmt.Errorf("accounts: check revocation: %w", err))
	}
	return n > 0, nil
}

// RevokeUserSessions ends every session of a user (after a password
// reset) and returns their ids.
func (s *Store) RevokeUserSessions(ctx context.Context, userID string) ([]string, error) {
	cur, err := s.sessions.Find(ctx, bson.M{"user_id": userID, "revoked": false})
	if err != nil {
		return nil, fmt.Errorf("accounts: list sessions: %w", err)
	}
	var list []sessionDoc
	if err := cur.All(ctx, &list); err != nil {
		return nil, fmt.Errorf("accounts: list sessions: %w", err)
	}
	ids := make([]string, 0, len(list))
	for _, sess := range list {
		if err := s.revoke(ctx, sess.ID); err != nil {
			return nil, err
		}
		ids = append(ids, sess.ID)
	}
	return ids, nil
}

// Logout revokes the session of a refresh token and returns its id;
// unknown tokens are ignored.
func (s *Store) Logout(ctx context.Context, token string) (string, error) {
	var rt refreshToken
	err := s.tokens.FindOne(ctx, bson.M{"_id": hashToken(token)}).Decode(&rt)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return "", nil
	}
	if err != nil {
		return "", lontar.Unavailable(fmt.Errorf("accounts: logout: %w", err))
	}
	return rt.SessionID, s.revoke(ctx, rt.SessionID)
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

// EnsureParticipant is EnsureParticipants for one person.
func (s *Store) EnsureParticipant(ctx context.Context, p lontar.Person) (userID, code string, created bool, err error) {
	r := s.EnsureParticipants(ctx, []lontar.Person{p}, "")[0]
	return r.UserID, r.ActivationCode, r.Created, r.Err
}

// EnsureParticipants finds the account of each person's phone, creating a
// learner with no password and a one-time activation code for each phone
// that has none, and reports one outcome per person in order. An existing
// account is only named (its id and role), never changed.
//
// It works in bulk, for an import of a thousand rows: one look-up of all
// phones, then one insert of all new phone claims and one of all new users.
// A crash between those leaves claims without users, which the next
// import or registration of the number takes over (see claimPhone); a
// person whose bulk insert failed is retried alone.
//
// origin is recorded on the accounts created (e.g. "cohort:<id>") and
// reported for existing ones, with whether they were ever activated.
func (s *Store) EnsureParticipants(ctx context.Context, people []lontar.Person, origin string) []lontar.Participant {
	out := make([]lontar.Participant, len(people))
	phones := make([]string, len(people))
	var lookup []string
	for i, p := range people {
		phone, err := NormalizePhone(p.Phone)
		if err != nil {
			out[i].Err = err
			continue
		}
		phones[i] = phone
		lookup = append(lookup, phone)
	}
	existing, err := s.usersByPhone(ctx, lookup)
	if err != nil {
		for i := range out {
			if out[i].Err == nil {
				out[i].Err = err
			}
		}
		return out
	}
	now := s.now().UTC()
	var claims, users []any
	var fresh []int // indexes into people of the accounts to create
	for i, p := range people {
		if out[i].Err != nil {
			continue
		}
		if u, ok := existing[phones[i]]; ok {
			out[i] = existingParticipant(u)
			continue
		}
		code := newActivationCode()
		u := &User{ID: newUserID(), Phone: phones[i], Name: strings.TrimSpace(p.Name), Role: lontar.RoleLearner,
			Profile: p.Profile, Origin: origin, CreatedAt: now, UpdatedAt: now,
			Activation: &activation{Hash: hashToken(code), ExpiresAt: now.Add(ActivationTTL)}}
		out[i] = lontar.Participant{UserID: u.ID, Role: u.Role, ActivationCode: code, Created: true, Origin: origin}
		claims = append(claims, phoneClaim{Phone: u.Phone, UserID: u.ID, CreatedAt: now})
		users = append(users, u)
		fresh = append(fresh, i)
	}
	if len(fresh) == 0 {
		return out
	}
	failed := map[int]bool{} // positions in fresh
	bad, err := database.InsertNew(ctx, s.phones, claims)
	if err != nil {
		for j := range claims {
			failed[j] = true
		}
	}
	for _, j := range bad {
		failed[j] = true
	}
	var ok []any
	var okPos []int
	for j, u := range users {
		if !failed[j] {
			ok, okPos = append(ok, u), append(okPos, j)
		}
	}
	bad, err = database.InsertNew(ctx, s.users, ok)
	if err != nil {
		bad = make([]int, len(ok))
		for k := range ok {
			bad[k] = k
		}
	}
	for _, k := range bad {
		j := okPos[k]
		failed[j] = true
		u := users[j].(*User)
		_, _ = s.phones.DeleteOne(context.WithoutCancel(ctx), bson.M{"_id": u.Phone, "user_id": u.ID})
	}
	// Those the bulk writes could not take (a number registered meanwhile,
	// a stale claim to take over) go the careful way, one by one.
	for j := range failed {
		i := fresh[j]
		out[i] = s.ensureOne(ctx, people[i], phones[i], origin)
	}
	return out
}

// ensureOne finds or creates the account of one phone.
func (s *Store) ensureOne(ctx context.Context, p lontar.Person, phone, origin string) lontar.Participant {
	if u, err := s.ByPhone(ctx, phone); err == nil {
		return existingParticipant(u)
	} else if !lontar.IsCode(err, lontar.ENotFound) {
		return lontar.Participant{Err: err}
	}
	code := newActivationCode()
	u := &User{Phone: phone, Name: strings.TrimSpace(p.Name), Role: lontar.RoleLearner, Profile: p.Profile, Origin: origin,
		Activation: &activation{Hash: hashToken(code), ExpiresAt: s.now().UTC().Add(ActivationTTL)}}
	if err := s.create(ctx, u); err != nil {
		if lontar.IsCode(err, lontar.EConflict) {
			// Registered between our look-up and insert: that account.
			if existing, err2 := s.ByPhone(ctx, phone); err2 == nil {
				return existingParticipant(existing)
			}
		}
		return lontar.Participant{Err: err}
	}
	return lontar.Participant{UserID: u.ID, Role: u.Role, ActivationCode: code, Created: true, Origin: origin}
}

func existingParticipant(u *User) lontar.Participant {
	return lontar.Participant{UserID: u.ID, Role: u.Role, Activated: u.PasswordHash != "", Origin: u.Origin}
}

// usersByPhone returns the accounts of the phones that have one, in two
// reads: the claims, then their users. A claim without a user (a crash
// during registration) counts as no account.
func (s *Store) usersByPhone(ctx context.Context, phones []string) (map[string]*User, error) {
	found := map[string]*User{}
	if len(phones) == 0 {
		return found, nil
	}
	cur, err := s.phones.Find(ctx, bson.M{"_id": bson.M{"$in": phones}})
	if err != nil {
		return nil, fmt.Errorf("accounts: find phones: %w", err)
	}
	var claims []phoneClaim
	if err := cur.All(ctx, &claims); err != nil {
		return nil, fmt.Errorf("accounts: find phones: %w", err)
	}
	if len(claims) == 0 {
		return found, nil
	}
	ids := make([]string, len(claims))
	for i, c := range claims {
		ids[i] = c.UserID
	}
	cur, err = s.users.Find(ctx, bson.M{"_id": bson.M{"$in": ids}})
	if err != nil {
		return nil, fmt.Errorf("accounts: find users: %w", err)
	}
	var users []*User
	if err := cur.All(ctx, &users); err != nil {
		return nil, fmt.Errorf("accounts: find users: %w", err)
	}
	byID := make(map[string]*User, len(users))
	for _, u := range users {
		byID[u.ID] = u
	}
	for _, c := range claims {
		if u, ok := byID[c.UserID]; ok {
			found[c.Phone] = u
		}
	}
	return found, nil
}

// ResetTTL is how long a password reset code works.
const ResetTTL = 3 * 24 * time.Hour

// Code kinds IssueCode returns.
const (
	CodeActivation = "activation" // the account never had a password
	CodeReset      = "reset"      // the owner forgot theirs
)

// IssueCode gives a user a new one-time code: an activation code if they
// never set a password (the first was lost), a reset code if they did and
// forgot it. Any earlier code stops working; the current password keeps
// working until the code is used, so issuing one locks nobody out.
//
// With roles given, only users of those roles get a code: a trainer may
// help a learner of their class, never take over a colleague's account.
func (s *Store) IssueCode(ctx context.Context, userID string, roles ...lontar.Role) (*lontar.OneTimeCode, error) {
	u, err := s.Get(ctx, userID)
	if err != nil {
		return nil, err
	}
	if len(roles) > 0 && !slices.Contains(roles, u.Role) {
		return nil, lontar.ErrForbidden
	}
	out := &lontar.OneTimeCode{UserID: u.ID, Kind: CodeActivation, Code: newActivationCode(), ExpiresAt: s.now().UTC().Add(ActivationTTL)}
	filter := bson.M{"_id": u.ID, "password_hash": bson.M{"$exists": false}}
	if u.PasswordHash != "" {
		out.Kind, out.ExpiresAt = CodeReset, s.now().UTC().Add(ResetTTL)
		filter = bson.M{"_id": u.ID, "password_hash": u.PasswordHash}
	}
	// Guarded on the password as read: a code of the kind that was decided.
	res, err := s.users.UpdateOne(ctx, filter, bson.M{"$set": bson.M{
		"activation": activation{Hash: hashToken(out.Code), ExpiresAt: out.ExpiresAt}, "updated_at": s.now().UTC()}})
	if err != nil {
		return nil, fmt.Errorf("accounts: issue code: %w", err)
	}
	if res.MatchedCount == 0 {
		return nil, lontar.NewError(lontar.EConflict, "Akun baru saja berubah. Coba lagi.", "The account just changed. Try again.")
	}
	return out, nil
}

// ErrBadActivation is a wrong, used, expired or exhausted activation code.
var ErrBadActivation = lontar.NewError(lontar.EUnauthenticated,
	"Kode aktivasi salah atau sudah tidak berlaku.", "The activation code is wrong or no longer valid.")

// Activate sets the password of a participant with their one-time code
// (activation or reset) and returns the sessions a reset ended.
func (s *Store) Activate(ctx context.Context, in ActivateInput) (u *User, revoked []string, err error) {
	phone, err := NormalizePhone(in.Phone)
	if err != nil {
		return nil, nil, ErrBadActivation
	}
	u, err = s.ByPhone(ctx, phone)
	if err != nil {
		if lontar.IsCode(err, lontar.ENotFound) {
			return nil, nil, ErrBadActivation
		}
		return nil, nil, err
	}
	a := u.Activation
	if a == nil || a.Tries >= MaxActivationTries || !s.now().Before(a.ExpiresAt) {
		return nil, nil, ErrBadActivation
	}
	// Count the try before comparing, guarded on the count: of codes sent
	// all at once no more than MaxActivationTries are ever compared.
	res, err := s.users.UpdateOne(ctx, bson.M{"_id": u.ID, "activation.hash": a.Hash, "activation.tries": bson.M{"$lt": MaxActivationTries}},
		bson.M{"$inc": bson.M{"activation.tries": 1}})
	if err != nil {
		return nil, nil, fmt.Errorf("accounts: count activation try: %w", err)
	}
	if res.ModifiedCount == 0 || subtle.ConstantTimeCompare([]byte(hashToken(normalizeCode(in.Code))), []byte(a.Hash)) != 1 {
		return nil, nil, ErrBadActivation
	}
	hash, err := s.hasher.Hash(ctx, in.Password)
	if err != nil {
		return nil, nil, err
	}
	if u.PasswordHash != "" {
		// A reset: whoever holds the old password is logged out. Done
		// before the password changes, so a crash in between leaves the
		// code valid and a retry finishes the reset.
		if revoked, err = s.RevokeUserSessions(ctx, u.ID); err != nil {
			return nil, nil, err
		}
	}
	// Guarded on the code: of two concurrent activations only one wins.
	var out User
	err = s.users.FindOneAndUpdate(ctx, bson.M{"_id": u.ID, "activation.hash": a.Hash},
		bson.M{"$set": bson.M{"password_hash": hash, "updated_at": s.now().UTC()}, "$unset": bson.M{"activation": ""}},
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&out)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil, ErrBadActivation
	}
	if err != nil {
		return nil, nil, fmt.Errorf("accounts: activate: %w", err)
	}
	return &out, revoked, nil
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
