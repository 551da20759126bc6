// Package gift reads and writes Moodle's GIFT quiz format.
//
// Parse follows Moodle's importer (question/format/gift/format.php): questions
// are separated by blank lines, lines starting with // are comments, the
// question type is decided from the answer block in Moodle's order (essay,
// numeric, multiple choice, matching, true/false, short answer), and the
// escapes \~ \= \# \{ \} \: \\ and \n mean the literal character (\n a
// newline). Where Moodle would import something Lontar cannot use (essay,
// matching, missing-word and description items) or would fail, Parse reports
// a Problem with the question's line and carries on with the next question.
//
// Differences from Moodle, chosen for Lontar:
//   - A multiple-choice question is Single only when exactly one answer is
//     marked "=" with full credit and every other answer is worth 0; anything
//     else (several "=", partial or negative weights, no "=") is Multiple.
//   - "=%n%" weights are read in multiple-choice blocks too.
//   - Text after the answer block is appended to the prompt instead of
//     becoming a "_____" blank; when a multiple-choice block is followed by
//     more words (letters or digits, not just stray punctuation) it is a
//     missing-word question and reported as unsupported.
//   - A $CATEGORY: line needs no blank lines around it: it always ends the
//     question before it.
package gift

// Type is the kind of a GIFT question that Lontar supports.
type Type string

// The question types Parse returns and Write accepts.
const (
	Single      Type = "single"       // multiple choice, one right answer
	Multiple    Type = "multiple"     // multiple choice with weights: several right or partly right answers
	TrueFalse   Type = "true_false"   // {T} or {F}
	Numeric     Type = "numeric"      // {#…}
	ShortAnswer Type = "short_answer" // {=a =b}: the learner types the answer
)

// Choice is one answer of a multiple-choice question.
type Choice struct {
	Text string
	// Weight is the credit in percent: 100 for a plain "=", 0 for a plain "~",
	// n for %n% (may be negative, e.g. %-50%).
	Weight   float64
	Feedback string
}

// NumericAnswer is one answer of a numeric question: either Value±Tolerance
// ({#v:tol}, or {#v} with Tolerance 0) or, when IsRange, the closed interval
// Min..Max ({#min..max}; Value and Tolerance are then 0).
type NumericAnswer struct {
	Value, Tolerance float64
	Min, Max         float64
	IsRange          bool
	Weight           float64 // percent, 100 unless %n% says otherwise
	Feedback         string
}

// Question is one parsed GIFT question. Texts are unescaped, trimmed and have
// a leading format marker ([html], [plain], [markdown], [moodle]) removed; the
// format itself is not kept.
type Question struct {
	Line     int    // 1-based line where the question starts
	Category string // from the most recent $CATEGORY: line
	Title    string // ::title::, may be empty
	// Prompt is the question text. Text after the answer block is appended to
	// the text before it, as is.
	Prompt string
	Type   Type

	// Choices are the answers of Single and Multiple questions, in file order.
	Choices []Choice

	// Truth is the right answer of a TrueFalse question.
	Truth bool
	// TrueFeedback is shown when the learner answers "true" and FalseFeedback
	// when they answer "false", as in Moodle. In GIFT the first #feedback
	// is for the wrong answer and the second for the right one, so
	// {T#a#b} gives TrueFeedback b, FalseFeedback a, and {F#a#b} gives
	// TrueFeedback a, FalseFeedback b.
	TrueFeedback, FalseFeedback string

	// Numeric are the answers of a Numeric question; the first is the main
	// answer, others may be alternatives with partial credit.
	Numeric []NumericAnswer
	// WrongFeedback is a Numeric question's feedback for any answer that
	// matches none of Numeric (GIFT's {#… ~#feedback}).
	WrongFeedback string

	// Accepted are a ShortAnswer question's full-credit answers ({=a =b}),
	// each with its feedback at the same index of AcceptedFeedback.
	Accepted         []string
	AcceptedFeedback []string
	// OtherAnswers are a ShortAnswer question's answers worth other than
	// 100% (=%50%a for partial credit, =%0%* to give feedback on anything
	// else), kept apart so that Accepted holds only right answers.
	OtherAnswers []Choice

	GeneralFeedback string // ####…
}

// Problem is a question that was not imported: unsupported or malformed.
type Problem struct {
	Line   int    // 1-based line where the question starts
	Title  string // ::title:: if it could be read
	Reason string // e.g. "essay questions are not supported"
}
