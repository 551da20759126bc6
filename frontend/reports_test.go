package frontend_test

import (
	"strings"
	"testing"
)

// The agency dashboard is its own module, fetched only when an agency or
// admin opens /laporan: a learner's first load never includes it.
func TestDashboardIsNotInTheLearnersFirstLoad(t *testing.T) {
	app := newApp(t)
	_, _, appJS := get(t, app, "/app.js")
	// app.js names it in its table of screens loaded with import().
	if strings.Contains(appJS, "from '/reports.js") || !strings.Contains(appJS, "'/reports.js?v=") {
		t.Fatal("app.js must load /reports.js only on demand")
	}
	_, paths := firstLoad(t, app)
	for _, p := range paths {
		if strings.Contains(p, "reports") {
			t.Fatalf("the first load includes %s", p)
		}
	}
	status, _, js := get(t, app, "/reports.js")
	if status != 200 || !strings.Contains(js, "export async function reportsView") {
		t.Fatalf("/reports.js: %d", status)
	}
}
