package gift

import (
	"os"
	"strings"
	"testing"
)

// FuzzParse checks that Parse never panics and that whatever it reads, Write
// writes as text that Parse reads back to the same questions with no problem.
func FuzzParse(f *testing.F) {
	corpus, err := os.ReadFile("testdata/corpus.gift")
	if err != nil {
		f.Fatal(err)
	}
	for _, src := range []string{
		string(corpus),
		readMoodle(f, "moodle-examples.gift.txt"),
		readMoodle(f, "moodle-fixture-questions.gift.txt"),
	} {
		f.Add(src)
		// Each question alone too, so that the fuzzer mutates small inputs.
		for _, part := range strings.Split(src, "\n\n") {
			f.Add(part)
		}
	}
	for _, s := range []string{
		`Q{=a\\=b}`, `Q{~%0%%50%x =%100%[html]y}`, "Q{#-5..-1e-1 =%50%1:0.5#x ~#y####z}",
		"Q{T##ya####u}", "::a\\:b::// x{=\\~#\\{}", "[html][plain]Q{=a =%50%b =%0%*}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		qs, _ := Parse(src)
		roundTrip(t, qs)
	})
}

func BenchmarkParse(b *testing.B) {
	corpus, err := os.ReadFile("testdata/corpus.gift")
	if err != nil {
		b.Fatal(err)
	}
	src := string(corpus) + "\n\n" + readMoodle(b, "moodle-examples.gift.txt") + "\n\n" + readMoodle(b, "moodle-fixture-questions.gift.txt")
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		Parse(src)
	}
}
