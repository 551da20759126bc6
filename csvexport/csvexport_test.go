package csvexport_test

import (
	"bytes"
	"encoding/csv"
	"testing"

	"lontar/csvexport"
)

func TestNeutralise(t *testing.T) {
	for in, want := range map[string]string{
		"=HYPERLINK(\"http://x\",\"klik\")": "'=HYPERLINK(\"http://x\",\"klik\")",
		"+6281234567890":                    "+6281234567890", // a number stays a number
		"+SUM(A1)":                          "'+SUM(A1)",
		"-5":                                "-5",
		"-2+3":                              "'-2+3",
		"@cmd":                              "'@cmd",
		"\t=1":                              "'\t=1",
		"\r=1":                              "'\r=1",
		"Maria Bria":                        "Maria Bria",
		"Sei = enak":                        "Sei = enak",
		"":                                  "",
	} {
		if got := csvexport.Neutralise(in); got != want {
			t.Errorf("Neutralise(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWriterNeutralisesEveryCell(t *testing.T) {
	var b bytes.Buffer
	w := csvexport.NewWriter(&b)
	if err := w.Write("name", "phone"); err != nil {
		t.Fatal(err)
	}
	if err := w.Write("=cmd|' /C calc'!A0", "@SUM(1)"); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if recs[1][0] != "'=cmd|' /C calc'!A0" || recs[1][1] != "'@SUM(1)" {
		t.Fatalf("written: %q", recs)
	}
}
