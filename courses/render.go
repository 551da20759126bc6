package courses

import (
	"bytes"
	"fmt"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

var (
	markdown = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough))
	// sanitizer allows what a lesson needs (headings, lists, tables,
	// emphasis, links) and nothing that runs: no script, no event handler,
	// no style, no javascript: or data: links, no frames.
	sanitizer = sync.OnceValue(func() *bluemonday.Policy {
		p := bluemonday.UGCPolicy()
		p.AllowURLSchemes("http", "https", "mailto", "tel")
		p.RequireNoFollowOnLinks(true)
		p.RequireNoReferrerOnLinks(true)
		p.AddTargetBlankToFullyQualifiedLinks(true)
		return p
	})
)

// RenderMarkdown turns lesson Markdown into sanitised HTML. Raw HTML in the
// Markdown is passed to the sanitiser, never trusted.
func RenderMarkdown(src string) (string, error) { return renderLesson(src, "id") }

// renderLesson renders one language of a lesson; practice blocks become the
// elements the app fills with interactive tools.
func renderLesson(src, lang string) (string, error) {
	src, blocks := withoutPracticeBlocks(src)
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(src), &buf); err != nil {
		return "", fmt.Errorf("courses: render markdown: %w", err)
	}
	return practiceElements(sanitizer().Sanitize(buf.String()), blocks, lang), nil
}
