package certificates

import (
	"context"
	"fmt"
	"strconv"

	"github.com/golang-jwt/jwt/v5"

	"lontar"
)

// The JSON-LD contexts of an Open Badges 3.0 credential: the W3C
// Verifiable Credentials Data Model 2.0 first, then Open Badges 3.0.
var credentialContext = []string{
	"https://www.w3.org/ns/credentials/v2",
	"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
}

// Credential returns the certificate as an Open Badges 3.0
// OpenBadgeCredential secured as a VC-JWT (1EdTech OB 3.0 §8.2): a compact
// JWS, alg EdDSA, whose payload is the credential itself with the JWT
// claims iss (issuer.id), sub (credentialSubject.id), jti (id) and nbf
// (validFrom). Ed25519 signatures are deterministic and the payload is
// built from the stored snapshot alone, so a certificate's credential is
// the same on every request until the signing key rotates.
func (s *Service) Credential(ctx context.Context, typed string) (string, *Certificate, error) {
	c, err := s.Get(ctx, typed)
	if err != nil {
		return "", nil, err
	}
	key := s.keys.signer()
	tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, jwt.MapClaims(s.credentialClaims(c)))
	tok.Header["kid"] = s.kid(key.thumb)
	tok.Header["typ"] = "JWT"
	signed, err := tok.SignedString(key.priv)
	if err != nil {
		return "", nil, fmt.Errorf("certificates: sign %s: %w", c.Code, err)
	}
	return signed, c, nil
}

// credentialClaims is the JWT payload: the OpenBadgeCredential and its
// JWT claims. Names follow the 1EdTech Open Badges 3.0 data model exactly.
func (s *Service) credentialClaims(c *Certificate) map[string]any {
	credID := s.apiURL(c.Code) + "/credential"
	issuer := map[string]any{
		"id":   s.issuerURL(c.Institution),
		"type": []string{"Profile"},
		"name": c.InstitutionName(),
	}
	subjectID := "urn:lontar:learner:" + c.UserID
	title := c.CourseTitle.In(lontar.LangID)
	narrative := "Menyelesaikan semua materi kursus \u201c" + title + "\u201d (sekitar " + hoursText(c.Hours(), lontar.LangID) + " jam belajar)"
	if c.FinalScore != nil {
		narrative += " dan lulus kuis akhir dengan nilai " + strconv.FormatFloat(*c.FinalScore, 'f', -1, 64)
	}
	narrative += ". / Completed every lesson of the course"
	if c.FinalScore != nil {
		narrative += " and passed its final quiz"
	}
	narrative += "."
	description := c.CourseSummary.In(lontar.LangID)
	if description == "" {
		description = title
	}
	achievement := map[string]any{
		"id":              s.cfg.PublicURL + "/api/v1/courses/" + c.CourseID,
		"type":            []string{"Achievement"},
		"achievementType": "CertificateOfCompletion",
		"name":            title,
		"description":     description,
		"criteria":        map[string]any{"narrative": narrative},
		"creator":         issuer,
	}
	if c.CourseTitle.EN != "" && c.CourseTitle.EN != title {
		achievement["tag"] = []string{c.CourseTitle.EN}
	}
	subject := map[string]any{
		"id":          subjectID,
		"type":        []string{"AchievementSubject"},
		"achievement": achievement,
		"identifier": []map[string]any{{
			"type": "IdentityObject", "identityType": "name", "hashed": false, "identityHash": c.LearnerName,
		}},
		"activityEndDate": c.CompletedAt.In(wita).Format("2006-01-02"),
	}
	if c.Minutes > 0 {
		subject["creditsEarned"] = c.Hours()
	}
	return map[string]any{
		"@context":          credentialContext,
		"id":                credID,
		"type":              []string{"VerifiableCredential", "OpenBadgeCredential"},
		"name":              title,
		"issuer":            issuer,
		"validFrom":         c.IssuedAt.UTC().Format("2006-01-02T15:04:05Z"),
		"credentialSubject": subject,
		"credentialStatus": map[string]any{
			"id":   s.apiURL(c.Code) + "/revocations",
			"type": "1EdTechRevocationList",
		},
		// The JWT claims OB 3.0 requires, mirroring the credential.
		"iss": issuer["id"],
		"sub": subjectID,
		"jti": credID,
		"nbf": c.IssuedAt.Unix(),
	}
}

// RevocationList is the 1EdTech Revocation List a credential's
// credentialStatus points to: this certificate's credential when revoked,
// nothing otherwise.
type RevocationList struct {
	ID                 string              `json:"id"`
	Issuer             string              `json:"issuer"`
	RevokedCredentials []RevokedCredential `json:"revokedCredentials"`
}

// RevokedCredential is one entry of a RevocationList.
type RevokedCredential struct {
	ID               string `json:"id"`
	RevocationReason string `json:"revocationReason,omitempty"`
}

// Revocations returns the revocation list of the certificate.
func (s *Service) Revocations(ctx context.Context, typed string) (RevocationList, error) {
	c, err := s.Get(ctx, typed)
	if err != nil {
		return RevocationList{}, err
	}
	list := RevocationList{ID: s.apiURL(c.Code) + "/revocations", Issuer: s.issuerURL(c.Institution),
		RevokedCredentials: []RevokedCredential{}}
	if r := c.Revocation; r != nil {
		list.RevokedCredentials = append(list.RevokedCredentials,
			RevokedCredential{ID: s.apiURL(c.Code) + "/credential", RevocationReason: r.Reason})
	}
	return list, nil
}

// JWKS returns the published keys with their kids as used in credentials.
func (s *Service) JWKS(ctx context.Context) (JWKS, error) { return s.keys.JWKS(ctx, s.kid) }
