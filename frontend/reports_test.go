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
	if strings.Contains(appJS, "from '/reports.js") || !strings.Contains(appJS, "import('/reports.js") {
		t.Fatal("app.js must load /reports.js only with a dynamic import")
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
