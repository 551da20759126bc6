package apidoc_test

import (
	"encoding/json"
	"testing"
	"time"

	"lontar/apidoc"
)

type inner struct {
	Kota string `json:"kota"`
}

type sample struct {
	Name    string             `json:"name"`
	Note    string             `json:"note,omitempty"`
	At      time.Time          `json:"at"`
	Maybe   *int               `json:"maybe"`
	Tags    []string           `json:"tags"`
	Scores  map[string]float64 `json:"scores"`
	Hidden  string             `json:"-"`
	private string
	inner
}

func TestSchemaFromGoType(t *testing.T) {
	s := apidoc.NewSchemas()
	ref := s.Of(sample{})
	if ref["$ref"] != "#/components/schemas/apidoc_test.sample" {
		t.Fatalf("ref %v", ref)
	}
	got, _ := json.Marshal(s.Components["apidoc_test.sample"])
	want := `{"additionalProperties":false,"properties":{"at":{"format":"date-time","type":"string"},"kota":{"type":"string"},` +
		`"maybe":{"anyOf":[{"type":"integer"},{"type":"null"}]},"name":{"type":"string"},"note":{"type":"string"},` +
		`"scores":{"additionalProperties":{"type":"number"},"type":["object","null"]},"tags":{"items":{"type":"string"},"type":["array","null"]}},` +
		`"required":["name","at","maybe","tags","scores","kota"],"type":"object"}`
	if string(got) != want {
		t.Fatalf("schema\n got %s\nwant %s", got, want)
	}
	one := s.Of(apidoc.OneOf{inner{}, 0})
	if alts, _ := one["anyOf"].([]any); len(alts) != 2 {
		t.Fatalf("one of: %v", one)
	}
}
