package gift

import (
	"bytes"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"
)

// roundTrip writes qs, reads them back and fails unless the questions are
// equal (apart from lines), nothing is reported, and writing again gives the
// same text.
func roundTrip(t testing.TB, qs []Question) string {
	t.Helper()
	var out bytes.Buffer
	if err := Write(&out, qs); err != nil {
		t.Fatalf("Write: %v", err)
	}
	again, ps := Parse(out.String())
	if len(ps) != 0 {
		t.Fatalf("reading back:\n%s\nproblems %+v", out.String(), ps)
	}
	if a, b := withoutLines(qs), withoutLines(again); !reflect.DeepEqual(a, b) {
		for i := range min(len(a), len(b)) {
			if !reflect.DeepEqual(a[i], b[i]) {
				t.Fatalf("question %d differs after a round trip:\n got %s\nwant %s\ntext:\n%s", i, show(b[i]), show(a[i]), out.String())
			}
		}
		t.Fatalf("%d questions became %d:\n%s", len(a), len(b), out.String())
	}
	var second bytes.Buffer
	if err := Write(&second, again); err != nil || second.String() != out.String() {
		t.Fatalf("writing again: %v\n%s\nthen\n%s", err, out.String(), second.String())
	}
	return out.String()
}

func TestWrite(t *testing.T) {
	tests := []struct {
		name string
		q    Question
		want string
	}{
		{"single", Question{Title: "Kain", Prompt: "Tenun ikat dari?", Type: Single,
			Choices: []Choice{{"NTT", 100, "Betul"}, {"Bali", 0, ""}}, GeneralFeedback: "Umum"},
			"::Kain::Tenun ikat dari?{\n\t=NTT#Betul\n\t~Bali\n\t####Umum\n}\n"},
		{"multiple writes every weight with ~", Question{Prompt: "Q", Type: Multiple,
			Choices: []Choice{{"a", 100, ""}, {"b", 50, "x"}, {"c", -12.5, ""}, {"d", 0, ""}}},
			"Q{\n\t~%100%a\n\t~%50%b#x\n\t~%-12.5%c\n\t~d\n}\n"},
		{"escapes", Question{Title: "a:b", Prompt: "{x} = ~y # z \\ w\nbaris", Type: Single,
			Choices: []Choice{{"=1", 100, "#2"}, {"~3", 0, "{4}"}}},
			"::a\\:b::\\{x\\} \\= \\~y \\# z \\\\ w\\nbaris{\n\t=\\=1#\\#2\n\t~\\~3#\\{4\\}\n}\n"},
		{"texts starting with a format marker or a weight", Question{Prompt: "[html]<b>", Type: Single,
			Choices: []Choice{{"%50%", 100, "[plain]x"}, {"%x", 0, ""}}, GeneralFeedback: "[markdown]"},
			"[moodle][html]<b>{\n\t=%100%%50%#[moodle][plain]x\n\t~%0%%x\n\t####[moodle][markdown]\n}\n"},
		{"prompt that looks like a comment", Question{Prompt: "// bukan komentar", Type: TrueFalse, Truth: true},
			"[moodle]// bukan komentar{TRUE}\n"},
		{"true with both feedbacks", Question{Prompt: "Q", Type: TrueFalse, Truth: true, TrueFeedback: "ya", FalseFeedback: "tidak"},
			"Q{TRUE#tidak#ya}\n"},
		{"false with right feedback only", Question{Prompt: "Q", Type: TrueFalse, FalseFeedback: "ya", GeneralFeedback: "u"},
			"Q{FALSE##ya####u}\n"},
		{"numeric", Question{Prompt: "Q", Type: Numeric, WrongFeedback: "salah", Numeric: []NumericAnswer{
			{Value: 3.14, Tolerance: 0.01, Weight: 100, Feedback: "ok"}, {Value: -2, Weight: 50},
			{Min: 1, Max: 2.5, IsRange: true, Weight: 0}, {Value: 1.2e21, Tolerance: 1e-9, Weight: 100}}},
			"Q{#\n\t=3.14:0.01#ok\n\t=%50%-2\n\t=%0%1..2.5\n\t=1.2e+21:1e-09\n\t~#salah\n}\n"},
		{"short answer with missing feedback slice", Question{Prompt: "Q", Type: ShortAnswer, Accepted: []string{"a", "%b"},
			OtherAnswers: []Choice{{"c", 50, "hampir"}}},
			"Q{\n\t=a\n\t=%100%%b\n\t=%50%c#hampir\n}\n"},
		{"surrounding space and CR are dropped", Question{Title: " T ", Prompt: " a\r\nb ", Type: TrueFalse, Truth: true},
			"::T::a\\nb{TRUE}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Write(&b, []Question{tt.q}); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want+"\n" {
				t.Fatalf("got\n%q\nwant\n%q", b.String(), tt.want+"\n")
			}
			qs, ps := Parse(b.String())
			if len(ps) != 0 || len(qs) != 1 {
				t.Fatalf("read back %d questions, problems %+v", len(qs), ps)
			}
		})
	}
}

func TestWriteCategories(t *testing.T) {
	qs := []Question{
		{Prompt: "a", Type: TrueFalse},
		{Category: "UMKM/Jualan", Prompt: "b", Type: TrueFalse},
		{Category: "UMKM/Jualan", Prompt: "c", Type: TrueFalse},
		{Prompt: "d", Type: TrueFalse},
	}
	var b bytes.Buffer
	if err := Write(&b, qs); err != nil {
		t.Fatal(err)
	}
	want := "a{FALSE}\n\n$CATEGORY: UMKM/Jualan\n\nb{FALSE}\n\nc{FALSE}\n\n$CATEGORY: \n\nd{FALSE}\n\n"
	if b.String() != want {
		t.Fatalf("got\n%q\nwant\n%q", b.String(), want)
	}
	roundTrip(t, qs)
}

// A multiple-response question with one right answer stays Multiple, because
// Write marks none of its answers with "=".
func TestWriteKeepsMultipleWithOneRightAnswer(t *testing.T) {
	roundTrip(t, []Question{{Prompt: "Pilih semua yang benar.", Type: Multiple,
		Choices: []Choice{{"a", 100, ""}, {"b", 0, ""}, {"c", 0, ""}}}})
}

func TestWriteErrors(t *testing.T) {
	tests := []struct {
		name string
		q    Question
		want string
	}{
		{"unknown type", Question{Type: "essay"}, `cannot write question type "essay"`},
		{"one choice", Question{Type: Single, Choices: []Choice{{"a", 100, ""}}}, "at least two choices"},
		{"empty choice", Question{Type: Multiple, Choices: []Choice{{"a", 100, ""}, {" ", 0, ""}}}, "choice 2 has no text"},
		{"NaN weight", Question{Type: Multiple, Choices: []Choice{{"a", math.NaN(), ""}, {"b", 0, ""}}}, "choice 1 has weight NaN"},
		{"no numeric answer", Question{Type: Numeric}, "needs an answer"},
		{"infinite value", Question{Type: Numeric, Numeric: []NumericAnswer{{Value: math.Inf(1), Weight: 100}}}, "not finite"},
		{"reversed range", Question{Type: Numeric, Numeric: []NumericAnswer{{Min: 2, Max: 1, IsRange: true}}}, "minimum above its maximum"},
		{"negative tolerance", Question{Type: Numeric, Numeric: []NumericAnswer{{Value: 1, Tolerance: -1}}}, "negative tolerance"},
		{"no short answer", Question{Type: ShortAnswer}, "needs an answer"},
		{"empty short answer", Question{Type: ShortAnswer, Accepted: []string{""}}, "accepted answer 1 is empty"},
		{"arrow in a short answer", Question{Type: ShortAnswer, Accepted: []string{"a->b"}}, "matching"},
		{"arrow in short-answer feedback", Question{Type: ShortAnswer, Accepted: []string{"a"}, AcceptedFeedback: []string{"lihat -> sini"}}, "matching"},
		{"line break in category", Question{Category: "a\nb", Type: TrueFalse}, "category has a line break"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			err := Write(&b, []Question{{Prompt: "ok", Type: TrueFalse}, tt.q})
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "question 2") {
				t.Fatalf("got error %v, want one about question 2 containing %q", err, tt.want)
			}
			if b.Len() != 0 {
				t.Fatalf("wrote %q before failing", b.String())
			}
		})
	}
}

func TestRoundTripCorpus(t *testing.T) {
	src, err := os.ReadFile("testdata/corpus.gift")
	if err != nil {
		t.Fatal(err)
	}
	qs, ps := Parse(string(src))
	if len(ps) != 0 || len(qs) != 30 {
		t.Fatalf("corpus: %d questions, problems %+v", len(qs), ps)
	}
	types := map[Type]bool{}
	for _, q := range qs {
		types[q.Type] = true
	}
	if len(types) != 5 {
		t.Fatalf("corpus covers only %v", types)
	}
	roundTrip(t, qs)

	// A few questions that exercise escaping and weights on the way out.
	for _, tt := range []struct {
		line int
		want Question
	}{
		{79, Question{Category: "$course$/top/Konten Media Sosial", Title: "Simbol: tagar & sama dengan",
			Prompt: "Tanda apa yang dipakai untuk tagar, misalnya #TenunNTT?", Type: Single,
			Choices: []Choice{{"#", 100, "Ya, tanda pagar."}, {"=", 0, "Itu tanda sama dengan."}, {"~", 0, "Itu tilde."}, {"{ dan }", 0, "Itu kurung kurawal."}}}},
		{112, Question{Category: "$course$/top/Konten Media Sosial", Title: "Diskon", Prompt: "Diskon mana yang lebih besar untuk kain Rp400.000?", Type: Single,
			Choices: []Choice{{"%10 + %5", 0, "Diskon bertingkat menjadi 14,5%."}, {"%15 langsung", 100, "Ya, 15% dari Rp400.000 = Rp60.000."}}}},
		{118, Question{Category: "$course$/top/Konten Media Sosial", Title: "Kurung siku", Prompt: "[html] adalah penanda format GIFT. Benar?", Type: TrueFalse, Truth: true}},
	} {
		want := tt.want
		want.Line = tt.line
		if got := byLine(t, qs, tt.line); !reflect.DeepEqual(got, want) {
			t.Errorf("line %d\n got %s\nwant %s", tt.line, show(got), show(want))
		}
	}
}

func TestRoundTripMoodle(t *testing.T) {
	for _, name := range []string{"moodle-examples.gift.txt", "moodle-fixture-questions.gift.txt"} {
		t.Run(name, func(t *testing.T) {
			qs, _ := Parse(readMoodle(t, name))
			roundTrip(t, qs)
		})
	}
}
