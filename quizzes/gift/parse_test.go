package gift

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// withoutLines returns copies of qs with Line zeroed, for comparing questions
// read from different texts.
func withoutLines(qs []Question) []Question {
	out := make([]Question, len(qs))
	for i, q := range qs {
		q.Line = 0
		out[i] = q
	}
	return out
}

func show(v any) string { return fmt.Sprintf("%+v", v) }

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want Question // Line 1 unless set
	}{
		{"single on one line", "Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}", Question{
			Prompt: "Who's buried in Grant's tomb?", Type: Single,
			Choices: []Choice{{Text: "Grant"}, {Text: "Jefferson"}, {Text: "no one", Weight: 100}}}},
		{"multi-line with title on its own line and a comment inside", "::Kain::\nKain tenun ikat\ndibuat di {\n// komentar\n  ~Bali\n  =NTT # Betul!\n  ~Papua}\n", Question{
			Title: "Kain", Prompt: "Kain tenun ikat\ndibuat di", Type: Single,
			Choices: []Choice{{Text: "Bali"}, {Text: "NTT", Weight: 100, Feedback: "Betul!"}, {Text: "Papua"}}}},
		{"tilde weights, negative and decimal", "Pilih dua.{~%50%a ~%-50%b ~%50%c#ya ~%-33.5%d}", Question{
			Prompt: "Pilih dua.", Type: Multiple,
			Choices: []Choice{{Text: "a", Weight: 50}, {Text: "b", Weight: -50}, {Text: "c", Weight: 50, Feedback: "ya"}, {Text: "d", Weight: -33.5}}}},
		{"equals weight makes multiple", "Q{=%50%a =%50%b ~c}", Question{
			Prompt: "Q", Type: Multiple,
			Choices: []Choice{{Text: "a", Weight: 50}, {Text: "b", Weight: 50}, {Text: "c"}}}},
		{"two equals make multiple", "Q{=a =b ~c}", Question{
			Prompt: "Q", Type: Multiple,
			Choices: []Choice{{Text: "a", Weight: 100}, {Text: "b", Weight: 100}, {Text: "c"}}}},
		{"full credit without equals is multiple", "Q{~%100%a ~b}", Question{
			Prompt: "Q", Type: Multiple, Choices: []Choice{{Text: "a", Weight: 100}, {Text: "b"}}}},
		{"explicit 100 on equals stays single", "Q{=%100%a ~%0%b}", Question{
			Prompt: "Q", Type: Single, Choices: []Choice{{Text: "a", Weight: 100}, {Text: "b"}}}},
		{"equals worth nothing is multiple", "Q{=%0%a ~b}", Question{
			Prompt: "Q", Type: Multiple, Choices: []Choice{{Text: "a"}, {Text: "b"}}}},
		{"weight after spaces, text kept after a bad weight", "Q{~ %25% a ~%x%b =c}", Question{
			Prompt: "Q", Type: Multiple, Choices: []Choice{{Text: "a", Weight: 25}, {Text: "%x%b"}, {Text: "c", Weight: 100}}}},
		{"only the first # starts feedback", "Q{=a#satu#dua ~b}", Question{
			Prompt: "Q", Type: Single, Choices: []Choice{{Text: "a", Weight: 100, Feedback: "satu#dua"}, {Text: "b"}}}},
		{"T", "Matahari terbit di timur.{T}", Question{Prompt: "Matahari terbit di timur.", Type: TrueFalse, Truth: true}},
		{"TRUE", "Q{TRUE}", Question{Prompt: "Q", Type: TrueFalse, Truth: true}},
		{"F", "Q{F}", Question{Prompt: "Q", Type: TrueFalse}},
		{"FALSE", "Q{ FALSE }", Question{Prompt: "Q", Type: TrueFalse}},
		{"true with wrong and right feedback", "Q{T#salah#benar}", Question{
			Prompt: "Q", Type: TrueFalse, Truth: true, TrueFeedback: "benar", FalseFeedback: "salah"}},
		{"false with wrong and right feedback", "Q{FALSE#salah#benar}", Question{
			Prompt: "Q", Type: TrueFalse, TrueFeedback: "salah", FalseFeedback: "benar"}},
		{"false with only wrong feedback", "Q{F#Tidak.}", Question{Prompt: "Q", Type: TrueFalse, TrueFeedback: "Tidak."}},
		{"true with only right feedback", "Q{T##Ya.}", Question{Prompt: "Q", Type: TrueFalse, Truth: true, TrueFeedback: "Ya."}},
		{"lower-case true is a short answer, as in Moodle", "Q{true}", Question{
			Prompt: "Q", Type: ShortAnswer, Accepted: []string{"true"}, AcceptedFeedback: []string{""}}},
		{"numeric with tolerance", "Tahun?{#1822:1}", Question{
			Prompt: "Tahun?", Type: Numeric, Numeric: []NumericAnswer{{Value: 1822, Tolerance: 1, Weight: 100}}}},
		{"numeric exact", "Q{#4}", Question{Prompt: "Q", Type: Numeric, Numeric: []NumericAnswer{{Value: 4, Weight: 100}}}},
		{"numeric range", "Pi?{#3.141..3.142}", Question{
			Prompt: "Pi?", Type: Numeric, Numeric: []NumericAnswer{{Min: 3.141, Max: 3.142, IsRange: true, Weight: 100}}}},
		{"numeric negative range and exponent", "Q{#-5..-1e-1}", Question{
			Prompt: "Q", Type: Numeric, Numeric: []NumericAnswer{{Min: -5, Max: -0.1, IsRange: true, Weight: 100}}}},
		{"numeric answers with weights and feedback", "Pi?{# =%100%3.14:0.01#Bagus =%50%3.1:0.1 #Hampir\n=%-10%3#Kurang}", Question{
			Prompt: "Pi?", Type: Numeric, Numeric: []NumericAnswer{
				{Value: 3.14, Tolerance: 0.01, Weight: 100, Feedback: "Bagus"},
				{Value: 3.1, Tolerance: 0.1, Weight: 50, Feedback: "Hampir"},
				{Value: 3, Weight: -10, Feedback: "Kurang"}}}},
		{"numeric wrong-answer feedback", "Q{#3:2~#Salah sama sekali}", Question{
			Prompt: "Q", Type: Numeric, Numeric: []NumericAnswer{{Value: 3, Tolerance: 2, Weight: 100}}, WrongFeedback: "Salah sama sekali"}},
		{"short answer", "Siapa?{=tidak ada =nobody}", Question{
			Prompt: "Siapa?", Type: ShortAnswer, Accepted: []string{"tidak ada", "nobody"}, AcceptedFeedback: []string{"", ""}}},
		{"short answer with one answer", "Ibu kota NTT?{=Kupang}", Question{
			Prompt: "Ibu kota NTT?", Type: ShortAnswer, Accepted: []string{"Kupang"}, AcceptedFeedback: []string{""}}},
		{"short answer feedback and weights", "Hewan?{=Katak#Bagus! =%50%Kucing#Lumayan =%0%*#Salah}", Question{
			Prompt: "Hewan?", Type: ShortAnswer, Accepted: []string{"Katak"}, AcceptedFeedback: []string{"Bagus!"},
			OtherAnswers: []Choice{{Text: "Kucing", Weight: 50, Feedback: "Lumayan"}, {Text: "*", Feedback: "Salah"}}}},
		{"short answer without equals, as in Moodle", "Q{Kupang}", Question{
			Prompt: "Q", Type: ShortAnswer, Accepted: []string{"Kupang"}, AcceptedFeedback: []string{""}}},
		{"general feedback", "Q{=a ~b####Umum.}", Question{
			Prompt: "Q", Type: Single, Choices: []Choice{{Text: "a", Weight: 100}, {Text: "b"}}, GeneralFeedback: "Umum."}},
		{"general feedback on true/false with feedback", "Q{\nFALSE#salah#benar\n####Umum}", Question{
			Prompt: "Q", Type: TrueFalse, TrueFeedback: "salah", FalseFeedback: "benar", GeneralFeedback: "Umum"}},
		{"the last #### starts general feedback, as in Moodle", "Q{=a#b#####c}", Question{
			Prompt: "Q", Type: ShortAnswer, Accepted: []string{"a"}, AcceptedFeedback: []string{"b#"}, GeneralFeedback: "c"}},
		{"escapes", `::A\:B::Tanda \{ \} \~ \= \# \\ dan\nbaris{=\~ ~\= ~\# ~\{\} ~\: ~\\#Umpan \= balik}`, Question{
			Title: "A:B", Prompt: "Tanda { } ~ = # \\ dan\nbaris", Type: Single,
			Choices: []Choice{{Text: "~", Weight: 100}, {Text: "="}, {Text: "#"}, {Text: "{}"}, {Text: ":"}, {Text: `\`, Feedback: "Umpan = balik"}}}},
		{"escaped backslash before a control character", `Q{=a\\=b}`, Question{
			Prompt: "Q", Type: ShortAnswer, Accepted: []string{`a\`, "b"}, AcceptedFeedback: []string{"", ""}}},
		{"unknown escapes stay as written", `C:\temp\a?{T}`, Question{Prompt: `C:\temp\a?`, Type: TrueFalse, Truth: true}},
		{"format markers", "::M::[html]<b>Pilih</b>{=[plain]satu#[markdown]**ya** ~[moodle]dua####[html]<i>umum</i>}", Question{
			Title: "M", Prompt: "<b>Pilih</b>", Type: Single,
			Choices: []Choice{{Text: "satu", Weight: 100, Feedback: "**ya**"}, {Text: "dua"}}, GeneralFeedback: "<i>umum</i>"}},
		{"weight then format marker", "Q{~%-100%[plain]biru # salah ~%100%kuning}", Question{
			Prompt: "Q", Type: Multiple, Choices: []Choice{{Text: "biru", Weight: -100, Feedback: "salah"}, {Text: "kuning", Weight: 100}}}},
		{"only one marker is stripped, unknown ones stay", "[html][plain]Q{~[foo]a =b}", Question{
			Prompt: "[plain]Q", Type: Single, Choices: []Choice{{Text: "[foo]a"}, {Text: "b", Weight: 100}}}},
		{"stray characters after the brace are appended", `::Q5:: Angka 1 sampai 5? {#3:2~#Salah}";`, Question{
			Title: "Q5", Prompt: `Angka 1 sampai 5? ";`, Type: Numeric,
			Numeric: []NumericAnswer{{Value: 3, Tolerance: 2, Weight: 100}}, WrongFeedback: "Salah"}},
		{"punctuation after multiple choice is not a missing word", "Dari {~Yerusalem =Nazaret}.", Question{
			Prompt: "Dari .", Type: Single, Choices: []Choice{{Text: "Yerusalem"}, {Text: "Nazaret", Weight: 100}}}},
		{"words after a short answer are appended", "Dua tambah dua {=empat =4} ya.", Question{
			Prompt: "Dua tambah dua  ya.", Type: ShortAnswer, Accepted: []string{"empat", "4"}, AcceptedFeedback: []string{"", ""}}},
		{"answer block alone", "::T::{T}", Question{Title: "T", Type: TrueFalse, Truth: true}},
		{"CRLF, BOM and indentation", "\ufeff  // komentar\r\n  ::A::  Q\r\n  {~a\r\n  =b}\r\n", Question{
			Line: 2, Title: "A", Prompt: "Q", Type: Single, Choices: []Choice{{Text: "a"}, {Text: "b", Weight: 100}}}},
		{"category", "$CATEGORY: $course$/top/UMKM\n\nQ{T}", Question{Line: 3, Category: "$course$/top/UMKM", Prompt: "Q", Type: TrueFalse, Truth: true}},
		{"category directly above a question", "$CATEGORY: Pembukuan\nQ{T}", Question{Line: 2, Category: "Pembukuan", Prompt: "Q", Type: TrueFalse, Truth: true}},
		{"comment-looking text inside a line is text", "Buka https://lontar.id{T}", Question{Prompt: "Buka https://lontar.id", Type: TrueFalse, Truth: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.want
			if want.Line == 0 {
				want.Line = 1
			}
			qs, ps := Parse(tt.src)
			if len(ps) != 0 || len(qs) != 1 {
				t.Fatalf("Parse(%q) = %d questions, problems %+v", tt.src, len(qs), ps)
			}
			if !reflect.DeepEqual(qs[0], want) {
				t.Fatalf("Parse(%q)\n got %s\nwant %s", tt.src, show(qs[0]), show(want))
			}
		})
	}
}

func TestParseProblems(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []Problem
	}{
		{"essay", "::Q8:: Apa kabar? {}", []Problem{{1, "Q8", "essay questions are not supported"}}},
		{"essay with general feedback", "Ceritakan.{####Terima kasih}", []Problem{{1, "", "essay questions are not supported"}}},
		{"matching", "Pasangkan.{\n=Kupang -> NTT\n=Denpasar -> Bali\n}", []Problem{{1, "", "matching questions are not supported"}}},
		{"matching without spaces", "::M::Ibu kota.{=Kupang->NTT =Mataram->NTB}", []Problem{{1, "M", "matching questions are not supported"}}},
		{"arrow without equals", "Q{Kupang -> NTT}", []Problem{{1, "", "matching questions are not supported"}}},
		{"missing word", "Sasando berasal dari {~Bali =Rote ~Jawa} di NTT.", []Problem{{1, "", "missing-word questions are not supported"}}},
		{"missing word with the block first", "{~a =b} adalah jawabannya", []Problem{{1, "", "missing-word questions are not supported"}}},
		{"description", "::Info::Bagian ini tentang pembukuan.", []Problem{{1, "Info", "description items (no answer block) are not supported"}}},
		{"unterminated answer block", "Q {=a =b", []Problem{{1, "", "unterminated answer block"}}},
		{"answer block cut by a blank line", "Q {=a\n\n=b}", []Problem{{1, "", "unterminated answer block"}, {3, "", "unmatched closing brace"}}},
		{"second block opened before the first closed", "Q1 {=a\nQ2 {=b}", []Problem{{1, "", "unterminated answer block"}}},
		{"unterminated title", "::Judul Q{T}", []Problem{{1, "", "unterminated question title"}}},
		{"closing brace first", "Q } {T}", []Problem{{1, "", "unmatched closing brace"}}},
		{"two answer blocks", "Q {T} lalu {F}", []Problem{{1, "", "more than one answer block"}}},
		{"stray closing brace after the block", "Q {T}}", []Problem{{1, "", "unmatched closing brace"}}},
		{"one choice", "Q{~a}", []Problem{{1, "", "a multiple-choice question needs at least two choices"}}},
		{"empty choice", "Q{=a ~ ~b}", []Problem{{1, "", "choice 2 has no text"}}},
		{"choice with only feedback", "Q{=a ~#umpan}", []Problem{{1, "", "choice 2 has no text"}}},
		{"numeric without answers", "Q{#}", []Problem{{1, "", "a numeric question needs an answer"}}},
		{"numeric not a number", "Q{#tiga}", []Problem{{1, "", `numeric answer "tiga" is not a number`}}},
		{"numeric NaN", "Q{#NaN}", []Problem{{1, "", `numeric answer "NaN" is not a number`}}},
		{"numeric overflow", "Q{#1e999}", []Problem{{1, "", `numeric answer "1e999" is not a number`}}},
		{"numeric bad tolerance", "Q{#3:x}", []Problem{{1, "", `numeric answer "3:x" has a tolerance that is not a number`}}},
		{"numeric negative tolerance", "Q{#3:-1}", []Problem{{1, "", `numeric answer "3:-1" has a negative tolerance`}}},
		{"numeric bad range", "Q{#1..x}", []Problem{{1, "", `numeric answer "1..x" is not a number range`}}},
		{"numeric reversed range", "Q{#5..1}", []Problem{{1, "", `numeric range "5..1" has its minimum above its maximum`}}},
		{"empty short answer", "Q{=}", []Problem{{1, "", "answer 1 has no text"}}},
		{"empty second short answer", "Q{=a =#b}", []Problem{{1, "", "answer 2 has no text"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			qs, ps := Parse(tt.src)
			if len(qs) != 0 || !reflect.DeepEqual(ps, tt.want) {
				t.Fatalf("Parse(%q) = %d questions, problems\n got %+v\nwant %+v", tt.src, len(qs), ps, tt.want)
			}
		})
	}
}

// TestParseCarriesOn checks that problems do not stop the questions after
// them, and that lines and categories are right around comments and blank lines.
func TestParseCarriesOn(t *testing.T) {
	src := strings.Join([]string{
		"// Kuis pembukuan",              // 1
		"$CATEGORY: UMKM/Pembukuan",      // 2
		"",                               // 3
		"::Esai:: Ceritakan usahamu. {}", // 4
		"",                               // 5
		"",                               // 6
		"// komentar",                    // 7
		"::Kas::Uang masuk dicatat di",   // 8
		"buku kas.{T}",                   // 9
		"",                               // 10
		"Pasangkan {=a -> b =c -> d}",    // 11
		"$CATEGORY: UMKM/Harga",          // 12
		"",                               // 13
		"Harga?{#10..20}",                // 14
		"Tanpa jawaban",                  // 15
	}, "\n")
	qs, ps := Parse(src)
	wantQ := []Question{
		{Line: 8, Category: "UMKM/Pembukuan", Title: "Kas", Prompt: "Uang masuk dicatat di\nbuku kas.", Type: TrueFalse, Truth: true},
		{Line: 14, Category: "UMKM/Harga", Prompt: "Harga?\nTanpa jawaban", Type: Numeric,
			Numeric: []NumericAnswer{{Min: 10, Max: 20, IsRange: true, Weight: 100}}},
	}
	wantP := []Problem{
		{4, "Esai", "essay questions are not supported"},
		{11, "", "matching questions are not supported"},
	}
	if !reflect.DeepEqual(qs, wantQ) {
		t.Errorf("questions\n got %s\nwant %s", show(qs), show(wantQ))
	}
	if !reflect.DeepEqual(ps, wantP) {
		t.Errorf("problems\n got %+v\nwant %+v", ps, wantP)
	}
}

func TestParseEmpty(t *testing.T) {
	for _, src := range []string{"", "\n\n", "// hanya komentar\n// lagi", "$CATEGORY: kosong", "  \t \r\n"} {
		if qs, ps := Parse(src); len(qs) != 0 || len(ps) != 0 {
			t.Errorf("Parse(%q) = %+v, %+v", src, qs, ps)
		}
	}
}
