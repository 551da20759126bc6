package certificates

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"lontar"
	"lontar/database"
)

var (
	errNotFound = lontar.NotFound("Sertifikat", "Certificate")
	errRevoked  = lontar.NewError(lontar.EConflict,
		"Sertifikat ini sudah dicabut.", "This certificate has already been revoked.")
)

// Store keeps certificates. Every read is by _id: a certificate by its
// enrollment ("<user>:<course>"), a code by itself in certificate_codes
// (→ the certificate's _id), a learner's certificates through one
// document per user in certificate_holders.
type Store struct {
	certs   *mongo.Collection
	codes   *mongo.Collection
	holders *mongo.Collection
}

// NewStore returns a Store on db.
func NewStore(db *mongo.Database) *Store {
	return &Store{
		certs:   db.Collection("certificates"),
		codes:   db.Collection("certificate_codes"),
		holders: db.Collection("certificate_holders"),
	}
}

// EnsureIndexes creates the indexes a real MongoDB needs for the trainer's
// and the reports' queries; the code is unique as a second guard.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	err := database.EnsureIndexes(ctx, s.certs,
		mongo.IndexModel{Keys: bson.D{{Key: "code", Value: 1}}, Options: options.Index().SetUnique(true)},
		mongo.IndexModel{Keys: bson.D{{Key: "cohort_id", Value: 1}}},
		mongo.IndexModel{Keys: bson.D{{Key: "institution", Value: 1}, {Key: "issued_at", Value: 1}}},
		mongo.IndexModel{Keys: bson.D{{Key: "course_id", Value: 1}}},
	)
	if err != nil {
		return fmt.Errorf("certificates: %w", err)
	}
	return nil
}

// Get returns the certificate of the enrollment id ("<user>:<course>").
func (s *Store) Get(ctx context.Context, id string) (*Certificate, error) {
	return database.FindByID[Certificate](ctx, s.certs, id, errNotFound, "certificates: read")
}

// ByCode returns the certificate with the (canonical) code.
func (s *Store) ByCode(ctx context.Context, code string) (*Certificate, error) {
	var ref struct {
		CertID string `bson:"cert_id"`
	}
	err := s.codes.FindOne(ctx, bson.M{"_id": code}).Decode(&ref)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("certificates: read code %s: %w", code, err)
	}
	c, err := s.Get(ctx, ref.CertID)
	if err != nil {
		return nil, err
	}
	// A code reserved by an issuance that lost a race points at a
	// certificate that carries another code: it was never issued.
	if c.Code != code {
		return nil, errNotFound
	}
	return c, nil
}

// reserveCode records code → certificate id; conflict when the code is
// taken (the caller draws another).
func (s *Store) reserveCode(ctx context.Context, code, certID string) error {
	_, err := s.codes.InsertOne(ctx, bson.M{"_id": code, "cert_id": certID})
	if mongo.IsDuplicateKeyError(err) {
		return lontar.NewError(lontar.EConflict, "Kode sudah dipakai.", "Code taken.")
	}
	if err != nil {
		return fmt.Errorf("certificates: reserve code %s: %w", code, err)
	}
	return nil
}

// insert stores c unless its enrollment has a certificate already; then
// created is false and nothing is written.
func (s *Store) insert(ctx context.Context, c *Certificate) (created bool, err error) {
	_, err = s.certs.InsertOne(ctx, c)
	if mongo.IsDuplicateKeyError(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("certificates: insert %s: %w", c.ID, err)
	}
	return true, nil
}

// addHolder lists the certificate under its learner; idempotent.
func (s *Store) addHolder(ctx context.Context, userID, certID string) error {
	_, err := s.holders.UpdateOne(ctx, bson.M{"_id": userID},
		bson.M{"$addToSet": bson.M{"cert_ids": certID}}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("certificates: list %s under %s: %w", certID, userID, err)
	}
	return nil
}

// OfUser returns the user's certificates in the order they were issued.
func (s *Store) OfUser(ctx context.Context, userID string) ([]*Certificate, error) {
	var idx struct {
		CertIDs []string `bson:"cert_ids"`
	}
	err := s.holders.FindOne(ctx, bson.M{"_id": userID}).Decode(&idx)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return []*Certificate{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("certificates: read certificates of %s: %w", userID, err)
	}
	list := make([]*Certificate, 0, len(idx.CertIDs))
	for _, id := range idx.CertIDs {
		c, err := s.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		list = append(list, c)
	}
	return list, nil
}

// hasIssued reports whether any certificate names institution as issuer.
// Served by the institution index on MongoDB; a scan on the embedded store,
// which the Service's cache of known issuers spares repeated requests.
func (s *Store) hasIssued(ctx context.Context, institution string) (bool, error) {
	err := s.certs.FindOne(ctx, bson.M{"institution": institution},
		options.FindOne().SetProjection(bson.M{"_id": 1})).Err()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("certificates: find issuer %s: %w", institution, err)
	}
	return true, nil
}

// revoke records the revocation on a certificate not revoked yet, in one
// guarded update; conflict when it was revoked already.
func (s *Store) revoke(ctx context.Context, id string, r Revocation) (*Certificate, error) {
	var c Certificate
	err := s.certs.FindOneAndUpdate(ctx,
		bson.M{"_id": id, "revocation": bson.M{"$exists": false}},
		bson.M{"$set": bson.M{"revocation": r}},
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&c)
	if errors.Is(err, mongo.ErrNoDocuments) {
		if _, gerr := s.Get(ctx, id); gerr != nil {
			return nil, gerr
		}
		return nil, errRevoked
	}
	if err != nil {
		return nil, fmt.Errorf("certificates: revoke %s: %w", id, err)
	}
	return &c, nil
}
