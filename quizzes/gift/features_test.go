package gift

import (
	"os"
	"reflect"
	"testing"
)

// TestFeatures reads testdata/features.gift, the project's own file with
// every GIFT feature Moodle's example files use, so that no feature is
// tested only by files from outside the repository.
func TestFeatures(t *testing.T) {
	src, err := os.ReadFile("testdata/features.gift")
	if err != nil {
		t.Fatal(err)
	}
	qs, ps := Parse(string(src))
	wantP := []Problem{
		{12, "", "missing-word questions are not supported"},
		{22, "", "missing-word questions are not supported"},
		{46, "", "matching questions are not supported"},
		{72, "Hari pasar", "missing-word questions are not supported"},
		{139, "", "matching questions are not supported"},
		{146, "Kain Sumba", "missing-word questions are not supported"},
		{176, "E1", "essay questions are not supported"},
		{179, "Kegiatan kelas", "matching questions are not supported"},
	}
	if !reflect.DeepEqual(ps, wantP) {
		t.Errorf("problems\n got %+v\nwant %+v", ps, wantP)
	}
	count := map[Type]int{}
	for _, q := range qs {
		count[q.Type]++
	}
	if want := map[Type]int{Single: 6, Multiple: 6, TrueFalse: 7, Numeric: 8, ShortAnswer: 7}; !reflect.DeepEqual(count, want) {
		t.Errorf("types %v, want %v", count, want)
	}
	roundTrip(t, qs)

	kendali := "Betul! \\ bukan karakter kendali, tetapi\ndipakai untuk meng-escape karakter kendali:\ngaris miring terbalik ditulis dua kali."
	tests := []struct {
		name string
		want Question
	}{
		{"single on one line", Question{Line: 10, Prompt: "Siapa yang menenun kain di rumah Mama Yuli?", Type: Single,
			Choices: []Choice{{"Bapak", 0, ""}, {"tetangga", 0, ""}, {"Mama Yuli", 100, ""}}}},
		{"single over lines, brace after the last choice", Question{Line: 28, Prompt: "Alat musik sasando berasal dari pulau apa?", Type: Single,
			Choices: []Choice{{"Bali", 0, ""}, {"Rote", 100, ""}, {"Jawa", 0, ""}, {"Lombok", 0, ""}}}},
		{"short answer, full stop after the block", Question{Line: 36, Prompt: "Satu ditambah satu sama dengan .", Type: ShortAnswer,
			Accepted: []string{"dua", "2"}, AcceptedFeedback: []string{"", ""}}},
		{"F", Question{Line: 40, Prompt: "Sasando dimainkan dengan dipukul.", Type: TrueFalse}},
		{"T", Question{Line: 42, Prompt: "Kupang ada di Pulau Timor.", Type: TrueFalse, Truth: true}},
		{"numeric exact", Question{Line: 54, Prompt: "Berapa bulan dalam setahun?", Type: Numeric,
			Numeric: []NumericAnswer{{Value: 12, Weight: 100}}}},
		{"numeric tolerance", Question{Line: 56, Prompt: "Berapa kg berat satu karung beras kecil? .", Type: Numeric,
			Numeric: []NumericAnswer{{Value: 5, Tolerance: 0.5, Weight: 100}}}},
		{"numeric range", Question{Line: 58, Prompt: "Berapa kg beras untuk satu keluarga seminggu? .", Type: Numeric,
			Numeric: []NumericAnswer{{Min: 5, Max: 7, IsRange: true, Weight: 100}}}},
		{"numeric answers with weights", Question{Line: 60, Prompt: "Berapa hari dalam seminggu?", Type: Numeric,
			Numeric: []NumericAnswer{{Value: 7, Weight: 100}, {Value: 7, Tolerance: 1, Weight: 50}}}},
		{"comment above", Question{Line: 65, Prompt: "Berapa 2 tambah 2?", Type: Numeric, Numeric: []NumericAnswer{{Value: 4, Weight: 100}}}},
		{"title, prompt over two lines", Question{Line: 69, Title: "Asal sasando", Prompt: "Sasando adalah alat musik\ndari pulau apa?",
			Type: ShortAnswer, Accepted: []string{"Rote"}, AcceptedFeedback: []string{""}}},
		{"feedback", Question{Line: 77, Prompt: "Mana cara terbaik memotret sei?", Type: Single,
			Choices: []Choice{{"dengan lampu kilat", 0, "Warnanya jadi pucat."}, {"di ruangan gelap", 0, "Tidak kelihatan."}, {"dekat jendela", 100, "Bagus sekali!"}}}},
		{"markdown marker", Question{Line: 83, Prompt: "Siapa menjual **sei babi** di Kupang?", Type: ShortAnswer,
			Accepted: []string{"penjual sei", "pedagang sei"}, AcceptedFeedback: []string{"Jawaban bagus!", "Jawaban bagus!"}}},
		{"false with feedback", Question{Line: 88, Prompt: "Sei dibuat dari daging rebus.", Type: TrueFalse,
			TrueFeedback: "Sei dibuat dari daging asap."}},
		{"half credit", Question{Line: 90, Prompt: "Soal sulit.", Type: Multiple,
			Choices: []Choice{{"salah", 0, ""}, {"setengah benar", 50, ""}, {"benar penuh", 100, ""}}}},
		{"weights and feedback, full stop after the block", Question{Line: 92, Title: "Cara membuat tenun", Prompt: "Kain tenun ikat dibuat dengan .", Type: Multiple,
			Choices: []Choice{{"dicetak", 0, "Dicetak itu kain sablon."}, {"disulam", 25, "Sulam dibuat di atas kain jadi."},
				{"dicelup", 50, "Benangnya dicelup, lalu?"}, {"ditenun", 100, "Ya, betul!"}}}},
		{"short answer with weights, space after the title", Question{Line: 98, Title: "Nama alat musik", Prompt: "Alat musik petik dari daun lontar bernama", Type: ShortAnswer,
			Accepted: []string{"sasando"}, AcceptedFeedback: []string{"Ya, betul!"},
			OtherAnswers: []Choice{{"sasandu", 75, "Betul, tapi ejaannya salah."}, {"gitar", 25, "Gitar dipetik, tapi bukan dari lontar."}}}},
		{"multiple answers", Question{Line: 105, Prompt: "Siapa DUA penenun di rumah itu?", Type: Multiple,
			Choices: []Choice{{"Tidak ada", 0, ""}, {"Mama Ros", 50, ""}, {"Kakak Ros", 50, ""}, {"Bapak Ros", 0, ""}}}},
		{"negative weights", Question{Line: 111, Prompt: "Siapa DUA penenun di rumah ini?", Type: Multiple,
			Choices: []Choice{{"Tidak ada", -50, ""}, {"Mama Ros", 50, ""}, {"Kakak Ros", 50, ""}, {"Bapak Ros", -50, ""}}}},
		{"escaped equals", Question{Line: 118, Prompt: "Mana yang sama dengan Rp10.000?", Type: Single,
			Choices: []Choice{{"= 5 x Rp1.000", 0, ""}, {"= 5 x Rp2.000", 100, ""}, {"= 5 x Rp3.000", 0, ""}}}},
		{"control characters, feedback over lines", Question{Line: 123, Title: "Karakter kendali GIFT", Prompt: "Mana yang BUKAN karakter kendali GIFT?", Type: Single,
			Choices: []Choice{{"~", 0, "~ adalah karakter kendali."}, {"=", 0, "= adalah karakter kendali."}, {"#", 0, "# adalah karakter kendali."},
				{"{", 0, "{ adalah karakter kendali."}, {"}", 0, "} adalah karakter kendali."}, {`\`, 100, kendali}}}},
		{"feedback after padded choices", Question{Line: 152, Prompt: "Soal pilihan ganda sulit.", Type: Multiple,
			Choices: []Choice{{"jawaban salah", 0, "umpan balik jawaban salah"}, {"setengah benar", 50, "umpan balik setengah"}, {"benar penuh", 100, "bagus sekali!"}}}},
		{"short answer, full stop after a closing brace on its own line", Question{Line: 157, Title: "Nama alat musik (isian)",
			Prompt: "Alat musik petik dari daun lontar bernama .", Type: ShortAnswer,
			Accepted: []string{"sasando"}, AcceptedFeedback: []string{"Ya, betul!"},
			OtherAnswers: []Choice{{"sasandu", 75, "Betul, tapi ejaannya salah."}, {"gitar", 25, "Gitar dipetik, tapi bukan dari lontar."}}}},
		{"numeric answers with feedback over lines", Question{Line: 164, Title: "Contoh numerik", Prompt: "Tahun berapa Kota Kupang dibentuk?", Type: Numeric,
			Numeric: []NumericAnswer{{Value: 1996, Weight: 100, Feedback: "Betul! Nilai penuh."},
				{Value: 1996, Tolerance: 2, Weight: 50, Feedback: "Kota Kupang dibentuk tahun 1996.\nAnda dapat separuh nilai karena dekat."}}}},
		{"format markers on choices and feedback", Question{Line: 188, Title: "P2", Prompt: "Warna apa di antara jingga dan hijau pada pelangi?", Type: Single,
			Choices: []Choice{{"kuning", 100, "betul; bagus!"}, {"merah", 0, "salah, jawabannya kuning"}, {"biru", 0, "salah, jawabannya kuning"}}}},
		{"weight then format marker", Question{Line: 196, Title: "warna", Prompt: "Warna apa di antara jingga dan hijau pada pelangi?", Type: Multiple,
			Choices: []Choice{{"kuning", 50, "betul; bagus!"}, {"merah", -100, "salah"}, {"kuning muda", 50, "betul; bagus!"}, {"biru", -100, "salah"}}}},
		{"numeric wrong feedback, stray characters", Question{Line: 205, Title: "P5", Prompt: `Sebut angka dari 1 sampai 5. ";`, Type: Numeric,
			Numeric: []NumericAnswer{{Value: 3, Tolerance: 2, Weight: 100}}, WrongFeedback: "Salah sama sekali"}},
		{"short answer with a wildcard", Question{Line: 208, Title: "Isian", Prompt: "Hewan apa yang menjaga kebun?", Type: ShortAnswer,
			Accepted: []string{"Anjing"}, AcceptedFeedback: []string{"Bagus!"},
			OtherAnswers: []Choice{{"Kucing", 50, "Kucing lebih suka tidur."}, {"*", 0, "Salah sama sekali"}}}},
		{"true with feedback and general feedback", Question{Line: 215, Title: "P1", Prompt: `Kupang adalah ibu kota NTT.";`, Type: TrueFalse, Truth: true,
			TrueFeedback: "Jawaban Anda betul.", FalseFeedback: "Kupang memang ibu kota NTT.",
			GeneralFeedback: "Kupang juga kota terbesar di Pulau Timor."}},
		{"TRUE under a repeated title", Question{Line: 223, Title: "2-08 NTT", Prompt: "NTT punya banyak pulau.", Type: TrueFalse, Truth: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := byLine(t, qs, tt.want.Line); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("\n got %s\nwant %s", show(got), show(tt.want))
			}
		})
	}
}
