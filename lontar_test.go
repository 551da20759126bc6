package lontar_test

import (
	"context"
	"testing"

	"lontar"
)

func TestParseAcceptLanguage(t *testing.T) {
	for in, want := range map[string]lontar.Lang{
		"": lontar.LangID, "en": lontar.LangEN, "en-US,en;q=0.9": lontar.LangEN, "id-ID,id;q=0.9,en;q=0.8": lontar.LangID,
		"fr-FR, en;q=0.5": lontar.LangEN, "fr": lontar.LangID, "in": lontar.LangID,
	} {
		if got := lontar.ParseAcceptLanguage(in); got != want {
			t.Errorf("%q → %s, want %s", in, got, want)
		}
	}
}

func TestTextFallsBackToIndonesian(t *testing.T) {
	if got := lontar.T("Pelajaran", "").In(lontar.LangEN); got != "Pelajaran" {
		t.Fatal(got)
	}
	if got := lontar.T("Pelajaran", "Lesson").In(lontar.LangEN); got != "Lesson" {
		t.Fatal(got)
	}
}

func TestRequireAndScope(t *testing.T) {
	if _, err := lontar.Require(context.Background()); lontar.ErrorCode(err) != lontar.EUnauthenticated {
		t.Fatalf("anonymous: %v", err)
	}
	agency := &lontar.Caller{UserID: "a", Role: lontar.RoleAgency, Scope: []string{"5371"}}
	ctx := lontar.NewContext(context.Background(), agency)
	if _, err := lontar.Require(ctx, lontar.RoleAdmin); lontar.ErrorCode(err) != lontar.EForbidden {
		t.Fatalf("wrong role: %v", err)
	}
	if c, err := lontar.Require(ctx, lontar.RoleAgency, lontar.RoleAdmin); err != nil || c != agency {
		t.Fatalf("right role: %v", err)
	}
	if !agency.InScope("5371") || agency.InScope("5303") {
		t.Fatal("scope")
	}
	if !(&lontar.Caller{Role: lontar.RoleAgency}).InScope("5303") {
		t.Fatal("empty scope means every region")
	}
}

type form struct {
	Name  string `json:"name" validate:"required"`
	Items []item `json:"items" validate:"dive"`
}

type item struct {
	Qty int `json:"qty" validate:"min=1"`
}

// Validate adds a rule tags cannot say; its message joins the tags'.
func (f *form) Validate() error {
	if len(f.Items) > 2 {
		return lontar.FieldErrors(map[string]lontar.Text{"items": lontar.T("Terlalu banyak.", "Too many.")})
	}
	return nil
}

func TestValidateReportsEveryFieldInBothLanguages(t *testing.T) {
	err := lontar.Validate(&form{Items: []item{{1}, {0}, {2}}})
	e, ok := err.(*lontar.Error)
	if !ok || e.Code != lontar.EInvalid {
		t.Fatalf("err = %v", err)
	}
	for _, k := range []string{"name", "items.1.qty", "items"} {
		if e.Fields[k].ID == "" || e.Fields[k].EN == "" {
			t.Errorf("%s: %+v", k, e.Fields[k])
		}
	}
	if err := lontar.Validate(&form{Name: "Ina", Items: []item{{1}}}); err != nil {
		t.Fatal(err)
	}
}
