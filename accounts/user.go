package accounts

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"lontar"
	"lontar/regions"
)

// User is a stored account. Its _id is a random id, never the phone
// number; the phones collection maps a number to it for login.
type User struct {
	ID           string         `json:"id" bson:"_id"`
	Phone        string         `json:"phone" bson:"phone"`
	Name         string         `json:"name" bson:"name"`
	Role         lontar.Role    `json:"role" bson:"role"`
	Institution  string         `json:"institution,omitempty" bson:"institution,omitempty"`
	Scope        []string       `json:"scope,omitempty" bson:"scope,omitempty"`
	Profile      lontar.Profile `json:"profile" bson:"profile"`
	PasswordHash string         `json:"-" bson:"password_hash,omitempty"`
	Activation   *activation    `json:"-" bson:"activation,omitempty"`
	CreatedAt    time.Time      `json:"created_at" bson:"created_at"`
	UpdatedAt    time.Time      `json:"updated_at" bson:"updated_at"`
}

// activation is a one-time code for a participant a trainer registered.
type activation struct {
	Hash      string    `bson:"hash"`
	ExpiresAt time.Time `bson:"expires_at"`
	Tries     int       `bson:"tries"`
}

// Caller is the identity carried in the user's access tokens.
func (u *User) Caller() lontar.Caller {
	return lontar.Caller{UserID: u.ID, Name: u.Name, Role: u.Role, Institution: u.Institution, Scope: u.Scope}
}

// Person is the user as other features show it.
func (u *User) Person() lontar.Person {
	return lontar.Person{UserID: u.ID, Phone: u.Phone, Name: u.Name, Profile: u.Profile}
}

// ProfileInput is a learner's business profile as sent by a client.
type ProfileInput struct {
	BusinessName string `json:"business_name" validate:"max=120"`
	Sector       string `json:"sector" validate:"required,oneof=kuliner tenun kerajinan fesyen jasa lainnya"`
	Region       string `json:"region" validate:"required"`
	Gender       string `json:"gender" validate:"omitempty,oneof=f m"`
	BirthYear    int    `json:"birth_year" validate:"omitempty,min=1930"`
	NIB          string `json:"nib" validate:"omitempty,numeric,len=13"`
}

// check applies the rules tags cannot say, adding to fields under prefix.
func (p *ProfileInput) check(prefix string, fields map[string]lontar.Text) {
	if p.Region != "" && !regions.Valid(p.Region) {
		fields[prefix+"region"] = lontar.T("Kode wilayah tidak dikenal.", "Unknown region code.")
	}
	if p.BirthYear != 0 && p.BirthYear > time.Now().Year()-10 {
		fields[prefix+"birth_year"] = lontar.T("Tahun lahir tidak masuk akal.", "The year of birth is not plausible.")
	}
}

func (p *ProfileInput) profile() lontar.Profile {
	return lontar.Profile{BusinessName: strings.TrimSpace(p.BusinessName), Sector: p.Sector, Region: p.Region,
		Gender: p.Gender, BirthYear: p.BirthYear, NIB: p.NIB}
}

// RegisterInput is POST /auth/register.
type RegisterInput struct {
	Phone    string       `json:"phone" validate:"required"`
	Name     string       `json:"name" validate:"required,min=2,max=100"`
	Password string       `json:"password" validate:"required"`
	Profile  ProfileInput `json:"profile"`
}

// Validate checks the phone, password and region.
func (in *RegisterInput) Validate() error {
	fields := map[string]lontar.Text{}
	if _, err := NormalizePhone(in.Phone); err != nil {
		fields["phone"] = ErrBadPhone.Fields["phone"]
	}
	var pwErr *lontar.Error
	if err := CheckPasswordRules(in.Password); errors.As(err, &pwErr) {
		fields["password"] = pwErr.Fields["password"]
	}
	if strings.TrimSpace(in.Name) == "" {
		fields["name"] = lontar.T("Nama wajib diisi.", "Name is required.")
	}
	in.Profile.check("profile.", fields)
	return fieldsErr(fields)
}

func fieldsErr(fields map[string]lontar.Text) error {
	if len(fields) == 0 {
		return nil
	}
	return lontar.FieldErrors(fields)
}

// LoginInput is POST /auth/login.
type LoginInput struct {
	Phone    string `json:"phone" validate:"required"`
	Password string `json:"password" validate:"required"`
}

// ActivateInput is POST /auth/activate.
type ActivateInput struct {
	Phone    string `json:"phone" validate:"required"`
	Code     string `json:"code" validate:"required"`
	Password string `json:"password" validate:"required"`
}

// Validate checks the new password.
func (in *ActivateInput) Validate() error { return CheckPasswordRules(in.Password) }

// TokenInput carries a refresh token.
type TokenInput struct {
	RefreshToken string `json:"refresh_token" validate:"required"`
}

// UpdateMe is PATCH /me: only what is sent changes.
type UpdateMe struct {
	Name    *string       `json:"name" validate:"omitempty,min=2,max=100"`
	Profile *ProfileInput `json:"profile"`
}

// Validate checks the profile's region.
func (in *UpdateMe) Validate() error {
	fields := map[string]lontar.Text{}
	if in.Name != nil && strings.TrimSpace(*in.Name) == "" {
		fields["name"] = lontar.T("Nama wajib diisi.", "Name is required.")
	}
	if in.Profile != nil {
		in.Profile.check("profile.", fields)
	}
	return fieldsErr(fields)
}

// CreateUserInput is POST /users (admin).
type CreateUserInput struct {
	Phone       string        `json:"phone" validate:"required"`
	Name        string        `json:"name" validate:"required,min=2,max=100"`
	Password    string        `json:"password" validate:"required"`
	Role        lontar.Role   `json:"role" validate:"required,oneof=learner trainer agency admin"`
	Institution string        `json:"institution" validate:"max=120"`
	Scope       []string      `json:"scope"`
	Profile     *ProfileInput `json:"profile"`
}

// Validate checks the role's requirements.
func (in *CreateUserInput) Validate() error {
	fields := map[string]lontar.Text{}
	if _, err := NormalizePhone(in.Phone); err != nil {
		fields["phone"] = ErrBadPhone.Fields["phone"]
	}
	var pwErr *lontar.Error
	if err := CheckPasswordRules(in.Password); errors.As(err, &pwErr) {
		fields["password"] = pwErr.Fields["password"]
	}
	if in.Role == lontar.RoleTrainer && strings.TrimSpace(in.Institution) == "" {
		fields["institution"] = lontar.T("Pelatih harus punya institusi.", "A trainer needs an institution.")
	}
	for i, code := range in.Scope {
		if !regions.Valid(code) {
			fields[fmt.Sprintf("scope.%d", i)] = lontar.T("Kode wilayah tidak dikenal.", "Unknown region code.")
		}
	}
	if in.Profile != nil {
		in.Profile.check("profile.", fields)
	}
	return fieldsErr(fields)
}
