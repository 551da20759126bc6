package gift

import (
	"os"
	"strings"
	"testing"
)

// FuzzParse checks that Parse never panics and that whatever it reads, Write
// writes as text that Parse reads back to the same questions with no problem.
func FuzzParse(f *testing.F) {
	for _, src := range seedSources(f) {
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

// seedSources are the project's GIFT files, and Moodle's where present.
func seedSources(tb testing.TB) []string {
	var srcs []string
	for _, name := range []string{"testdata/corpus.gift", "testdata/features.gift"} {
		b, err := os.ReadFile(name)
		if err != nil {
			tb.Fatal(err)
		}
		srcs = append(srcs, string(b))
	}
	for _, name := range []string{"moodle-examples.gift.txt", "moodle-fixture-questions.gift.txt"} {
		if b, ok := moodleFile(name); ok {
			srcs = append(srcs, string(b))
		}
	}
	return srcs
}

func BenchmarkParse(b *testing.B) {
	src := strings.Join(seedSources(b), "\n\n")
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		Parse(src)
	}
}
