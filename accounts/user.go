package accounts

import (
	"errors"
	"fmt"
	"regexp"
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
	Origin       string         `json:"-" bson:"origin,omitempty"` // what created the account: an import's origin, or "" (registration)
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
	BusinessName string `json:"business_name" validate:"max=120" label:"Nama usaha|Business name"`
	Sector       string `json:"sector" validate:"required,oneof=kuliner tenun kerajinan fesyen jasa lainnya" label:"Jenis usaha|Business type"`
	Region       string `json:"region" validate:"required" label:"Wilayah|Region|choice"`
	Gender       string `json:"gender" validate:"omitempty,oneof=f m" label:"Jenis kelamin|Gender"`
	BirthYear    int    `json:"birth_year" label:"Tahun lahir|Year of birth"` // minBirthYear to ten years ago: check
	NIB          string `json:"nib" validate:"omitempty,numeric,len=13" label:"NIB|NIB"`
}

// minBirthYear is the earliest year of birth a profile accepts.
const minBirthYear = 1930

// cleanName cleans *s in place (see lontar.CleanName), reporting a
// problem under field; optional names may stay empty.
func cleanName(s *string, field string, optional bool, fields map[string]lontar.Text) {
	clean := lontar.CleanName
	if optional {
		clean = lontar.CleanNameField
	}
	v, msg := clean(*s)
	if msg != nil {
		fields[field] = *msg
		return
	}
	*s = v
}

// check applies the rules tags cannot say, adding to fields under prefix.
func (p *ProfileInput) check(prefix string, fields map[string]lontar.Text) {
	cleanName(&p.BusinessName, prefix+"business_name", true, fields)
	if p.Region != "" && !regions.Valid(p.Region) {
		fields[prefix+"region"] = lontar.T("Kode wilayah tidak dikenal.", "Unknown region code.")
	}
	if last := time.Now().Year() - 10; p.BirthYear != 0 && (p.BirthYear < minBirthYear || p.BirthYear > last) {
		fields[prefix+"birth_year"] = lontar.T(fmt.Sprintf("Tahun lahir antara %d dan %d.", minBirthYear, last),
			fmt.Sprintf("The year of birth must be between %d and %d.", minBirthYear, last))
	}
}

func (p *ProfileInput) profile() lontar.Profile {
	return lontar.Profile{BusinessName: strings.TrimSpace(p.BusinessName), Sector: p.Sector, Region: p.Region,
		Gender: p.Gender, BirthYear: p.BirthYear, NIB: p.NIB}
}

// RegisterInput is POST /auth/register.
type RegisterInput struct {
	Phone    string       `json:"phone" validate:"required" label:"Nomor HP|Phone number"`
	Name     string       `json:"name" validate:"required,min=2,max=100" label:"Nama lengkap|Full name"`
	Password string       `json:"password" validate:"required" label:"Kata sandi|Password"`
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
	cleanName(&in.Name, "name", false, fields)
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
	Phone    string `json:"phone" validate:"required" label:"Nomor HP|Phone number"`
	Password string `json:"password" validate:"required" label:"Kata sandi|Password"`
}

// ActivateInput is POST /auth/activate.
type ActivateInput struct {
	Phone    string `json:"phone" validate:"required" label:"Nomor HP|Phone number"`
	Code     string `json:"code" validate:"required" label:"Kode aktivasi|Activation code"`
	Password string `json:"password" validate:"required" label:"Kata sandi|Password"`
}

// Validate checks the new password.
func (in *ActivateInput) Validate() error { return CheckPasswordRules(in.Password) }

// TokenInput carries a refresh token.
type TokenInput struct {
	RefreshToken string `json:"refresh_token" validate:"required"`
}

// UpdateMe is PATCH /me: only what is sent changes, in the profile too.
type UpdateMe struct {
	Name    *string       `json:"name" validate:"omitempty,min=2,max=100" label:"Nama lengkap|Full name"`
	Profile *ProfilePatch `json:"profile"`
}

// ProfilePatch is the profile in PATCH /me: a field absent keeps its value;
// an empty string (a birth year of 0) clears an optional field. The sector
// and the region cannot be cleared: reports count every learner by them.
type ProfilePatch struct {
	BusinessName *string `json:"business_name" validate:"omitempty,max=120" label:"Nama usaha|Business name"`
	Sector       *string `json:"sector" validate:"omitempty,oneof=kuliner tenun kerajinan fesyen jasa lainnya" label:"Jenis usaha|Business type"`
	Region       *string `json:"region" label:"Wilayah|Region|choice"`
	Gender       *string `json:"gender" label:"Jenis kelamin|Gender"` // "", f, m: see check
	BirthYear    *int    `json:"birth_year" label:"Tahun lahir|Year of birth"`
	NIB          *string `json:"nib" label:"NIB|NIB"` // "" or 13 digits: see check
}

var nibPattern = regexp.MustCompile(`^[0-9]{13}$`)

// check applies the rules tags cannot say, as ProfileInput.check does.
func (p *ProfilePatch) check(prefix string, fields map[string]lontar.Text) {
	var in ProfileInput
	if p.BusinessName != nil {
		in.BusinessName = *p.BusinessName
	}
	if p.Region != nil {
		in.Region = *p.Region
	}
	if p.BirthYear != nil {
		in.BirthYear = *p.BirthYear
	}
	in.check(prefix, fields)
	// Tags on a pointer would refuse an empty string that clears, or
	// accept an empty sector or region: these rules are said here.
	if p.Gender != nil && *p.Gender != "" && *p.Gender != "f" && *p.Gender != "m" {
		fields[prefix+"gender"] = lontar.T("Pilih jenis kelamin dari daftar.", "Choose the gender from the list.")
	}
	if p.NIB != nil && *p.NIB != "" && !nibPattern.MatchString(*p.NIB) {
		fields[prefix+"nib"] = lontar.T("NIB harus 13 angka.", "The NIB must be 13 digits.")
	}
	if p.Sector != nil && *p.Sector == "" {
		fields[prefix+"sector"] = lontar.T("Pilih jenis usaha.", "Choose the business type.")
	}
	if p.Region != nil && *p.Region == "" {
		fields[prefix+"region"] = lontar.T("Pilih wilayah.", "Choose the region.")
	}
	if p.BusinessName != nil {
		*p.BusinessName = in.BusinessName // cleaned
	}
}

// Validate checks the profile's region.
func (in *UpdateMe) Validate() error {
	fields := map[string]lontar.Text{}
	if in.Name != nil {
		cleanName(in.Name, "name", false, fields)
	}
	if in.Profile != nil {
		in.Profile.check("profile.", fields)
	}
	return fieldsErr(fields)
}

// CreateUserInput is POST /users (admin).
type CreateUserInput struct {
	Phone       string        `json:"phone" validate:"required" label:"Nomor HP|Phone number"`
	Name        string        `json:"name" validate:"required,min=2,max=100" label:"Nama lengkap|Full name"`
	Password    string        `json:"password" validate:"required" label:"Kata sandi|Password"`
	Role        lontar.Role   `json:"role" validate:"required,oneof=learner trainer agency admin" label:"Peran|Role"`
	Institution string        `json:"institution" validate:"max=120" label:"Institusi|Institution"`
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
	cleanName(&in.Name, "name", false, fields)
	cleanName(&in.Institution, "institution", true, fields)
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
