package gift

import (
	"os"
	"reflect"
	"testing"
)

// moodleDir holds Moodle's own GIFT files where the build machines keep
// them beside the repository; they are not copied here. Tests that read
// them skip without it: testdata/features.gift covers the same features.
const moodleDir = "../../../shared/testdata/gift/"

// readMoodle returns one of Moodle's files, or skips the test without them.
func readMoodle(t testing.TB, name string) string {
	t.Helper()
	b, ok := moodleFile(name)
	if !ok {
		t.Skipf("skipped: %s%s is absent (features.gift covers the same)", moodleDir, name)
	}
	return string(b)
}

// moodleFile reads one of Moodle's files; ok is false without them.
func moodleFile(name string) ([]byte, bool) {
	b, err := os.ReadFile(moodleDir + name)
	return b, err == nil
}

// byLine finds the question starting at line n.
func byLine(t *testing.T, qs []Question, n int) Question {
	t.Helper()
	for _, q := range qs {
		if q.Line == n {
			return q
		}
	}
	t.Fatalf("no question at line %d", n)
	return Question{}
}

func TestMoodleExamples(t *testing.T) {
	qs, ps := Parse(readMoodle(t, "moodle-examples.gift.txt"))
	if len(qs) != 34 || len(ps) != 9 {
		t.Fatalf("got %d questions and %d problems, want 34 and 9: %+v", len(qs), len(ps), ps)
	}
	wantP := []Problem{
		{10, "", "missing-word questions are not supported"},
		{27, "", "missing-word questions are not supported"},
		{29, "", "missing-word questions are not supported"},
		{55, "", "matching questions are not supported"},
		{61, "", "matching questions are not supported"},
		{93, "Thanksgiving Date", "missing-word questions are not supported"},
		{169, "", "missing-word questions are not supported"},
		{177, "", "matching questions are not supported"},
		{184, "Grant's Tomb", "missing-word questions are not supported"},
	}
	if !reflect.DeepEqual(ps, wantP) {
		t.Errorf("problems\n got %+v\nwant %+v", ps, wantP)
	}
	count := map[Type]int{}
	for _, q := range qs {
		count[q.Type]++
	}
	if want := map[Type]int{Single: 7, Multiple: 5, TrueFalse: 5, Numeric: 8, ShortAnswer: 9}; !reflect.DeepEqual(count, want) {
		t.Errorf("types %v, want %v", count, want)
	}

	tests := []struct {
		name string
		want Question
	}{
		{"multi-line title and prompt", Question{Line: 90, Title: "Kanji Origins",
			Prompt: "Japanese characters originally\ncame from what country?", Type: ShortAnswer,
			Accepted: []string{"China"}, AcceptedFeedback: []string{""}}},
		{"markdown marker", Question{Line: 108, Prompt: "Who's buried in **Grant's tomb**?", Type: ShortAnswer,
			Accepted: []string{"no one", "nobody"}, AcceptedFeedback: []string{"excellent answer!", "excellent answer!"}}},
		{"false with feedback", Question{Line: 113, Prompt: "Grant is buried in Grant's tomb.", Type: TrueFalse,
			TrueFeedback: "No one is buried in Grant's tomb."}},
		{"weights and feedback, stray full stop", Question{Line: 117, Title: "Jesus' hometown", Prompt: "Jesus Christ was from .", Type: Multiple,
			Choices: []Choice{
				{"Jerusalem", 0, "This was an important city, but the wrong answer."},
				{"Bethlehem", 25, "He was born here, but not raised here."},
				{"Galilee", 50, "You need to be more specific."},
				{"Nazareth", 100, "Yes! That's right!"}}}},
		{"short answer with weights", Question{Line: 123, Title: "Jesus' hometown", Prompt: "Jesus Christ was from", Type: ShortAnswer,
			Accepted: []string{"Nazareth"}, AcceptedFeedback: []string{"Yes! That's right!"},
			OtherAnswers: []Choice{{"Nazereth", 75, "Right, but misspelled."}, {"Bethlehem", 25, "He was born here, but not raised here."}}}},
		{"negative weights", Question{Line: 136, Prompt: "What two people are entombed in Grant's tomb?", Type: Multiple,
			Choices: []Choice{{"No one", -50, ""}, {"Grant", 50, ""}, {"Grant's wife", 50, ""}, {"Grant's father", -50, ""}}}},
		{"escaped equals", Question{Line: 143, Prompt: "Which answer equals 5?", Type: Single,
			Choices: []Choice{{"= 2 + 2", 0, ""}, {"= 2 + 3", 100, ""}, {"= 2 + 4", 0, ""}}}},
		{"numeric range", Question{Line: 74, Prompt: "What is the value of pi (to 3 decimal places)? .", Type: Numeric,
			Numeric: []NumericAnswer{{Min: 3.141, Max: 3.142, IsRange: true, Weight: 100}}}},
		{"numeric tolerance", Question{Line: 72, Prompt: "What is the value of pi (to 3 decimal places)? .", Type: Numeric,
			Numeric: []NumericAnswer{{Value: 3.1415, Tolerance: 0.0005, Weight: 100}}}},
		{"numeric answers with multi-line feedback", Question{Line: 202, Title: "Numerical example", Prompt: "When was Ulysses S. Grant born?", Type: Numeric,
			Numeric: []NumericAnswer{
				{Value: 1822, Weight: 100, Feedback: "Correct! 100% credit"},
				{Value: 1822, Tolerance: 2, Weight: 50, Feedback: "He was born in 1822.\nYou get 50% credit for being close."}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := byLine(t, qs, tt.want.Line); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("\n got %s\nwant %s", show(got), show(tt.want))
			}
		})
	}

	t.Run("control characters", func(t *testing.T) {
		q := byLine(t, qs, 148)
		texts := []string{}
		for _, c := range q.Choices {
			texts = append(texts, c.Text)
		}
		if q.Title != "GIFT Control Characters" || q.Type != Single || !reflect.DeepEqual(texts, []string{"~", "=", "#", "{", "}", `\`}) {
			t.Fatalf("got %s", show(q))
		}
		if q.Choices[0].Feedback != "~ is a control character." || q.Choices[5].Weight != 100 ||
			q.Choices[5].Feedback != "Correct! \\ (backslash) is not a control character. BUT,\nit is used to escape the control characters. So, to specify\na literal backslash, you must escape it with a backslash\n(as shown in this example)." {
			t.Fatalf("feedback: %s", show(q.Choices))
		}
	})
}

func TestMoodleFixture(t *testing.T) {
	qs, ps := Parse(readMoodle(t, "moodle-fixture-questions.gift.txt"))
	wantP := []Problem{
		{2, "Q8", "essay questions are not supported"},
		{5, "Moodle activities", "matching questions are not supported"},
	}
	if len(qs) != 7 || !reflect.DeepEqual(ps, wantP) {
		t.Fatalf("got %d questions (want 7), problems\n got %+v\nwant %+v", len(qs), ps, wantP)
	}
	want := []Question{
		{Line: 14, Title: "Q2", Prompt: "What's between orange and green in the spectrum?", Type: Single,
			Choices: []Choice{{"yellow", 100, "right; good!"}, {"red", 0, "wrong, it's yellow"}, {"blue", 0, "wrong, it's yellow"}}},
		{Line: 22, Title: "colours", Prompt: "What's between orange and green in the spectrum?", Type: Multiple,
			Choices: []Choice{{"yellow", 50, "right; good!"}, {"red", -100, "wrong"}, {"off-beige", 50, "right; good!"}, {"blue", -100, "wrong"}}},
		{Line: 31, Title: "Q5", Prompt: `What is a number from 1 to 5? ";`, Type: Numeric,
			Numeric: []NumericAnswer{{Value: 3, Tolerance: 2, Weight: 100}}, WrongFeedback: "Completely wrong"},
		{Line: 34, Title: "Shortanswer", Prompt: "Which is the best animal?", Type: ShortAnswer,
			Accepted: []string{"Frog"}, AcceptedFeedback: []string{"Good!"},
			OtherAnswers: []Choice{{"Cat", 50, "What is it with Moodlers and cats?"}, {"*", 0, "Completely wrong"}}},
		{Line: 41, Title: "Q1", Prompt: `42 is the Absolute Answer to everything.";`, Type: TrueFalse,
			TrueFeedback: "42 is the Ultimate Answer.", FalseFeedback: "You gave the right answer.",
			GeneralFeedback: "This is, of course, a Hitchiker's Guide to the Galaxy reference."},
		{Line: 46, Title: "2-08 TSL", Prompt: "TSL is blablabla.", Type: TrueFalse, Truth: true},
		{Line: 49, Title: "2-08 TSL", Prompt: "TSL is blablabla.", Type: TrueFalse, Truth: true},
	}
	for i := range want {
		if !reflect.DeepEqual(qs[i], want[i]) {
			t.Errorf("question %d\n got %s\nwant %s", i, show(qs[i]), show(want[i]))
		}
	}
}
