package regions_test

import (
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"lontar"
	"lontar/internal/apitest"
	"lontar/regions"
)

func count(level string) (n int) {
	for _, r := range regions.All() {
		if r.Level == level {
			n++
		}
	}
	return n
}

func TestCounts(t *testing.T) {
	if err := regions.Load(); err != nil {
		t.Fatal(err)
	}
	if n := count(regions.LevelProvinsi); n != 1 {
		t.Errorf("provinces = %d, want 1", n)
	}
	if n := count(regions.LevelKabupaten) + count(regions.LevelKota); n != 22 {
		t.Errorf("kabupaten+kota = %d, want 22", n)
	}
	if n := count(regions.LevelKota); n != 1 {
		t.Errorf("kota = %d, want 1 (Kota Kupang)", n)
	}
	kec := map[string]int{}
	for _, r := range regions.All() {
		if r.Level == regions.LevelKecamatan {
			kec[r.Parent]++
		}
	}
	want := map[string]int{"5371": 6, "5303": 24}
	if len(kec) != len(want) || kec["5371"] != 6 || kec["5303"] != 24 {
		t.Errorf("kecamatan per parent = %v, want %v", kec, want)
	}
}

func TestCodesUniqueParentsExist(t *testing.T) {
	all := regions.All()
	seen := map[string]bool{}
	for _, r := range all {
		if seen[r.Code] {
			t.Errorf("duplicate code %s", r.Code)
		}
		seen[r.Code] = true
	}
	for _, r := range all {
		wantLen := map[string]int{regions.LevelProvinsi: 2, regions.LevelKabupaten: 4, regions.LevelKota: 4, regions.LevelKecamatan: 7}[r.Level]
		if len(r.Code) != wantLen {
			t.Errorf("%s %s: code has %d digits, want %d", r.Level, r.Code, len(r.Code), wantLen)
		}
		if r.Level == regions.LevelProvinsi {
			if r.Parent != "" {
				t.Errorf("province %s has parent %q", r.Code, r.Parent)
			}
			continue
		}
		if !seen[r.Parent] {
			t.Errorf("%s: parent %q does not exist", r.Code, r.Parent)
		}
		if !strings.HasPrefix(r.Code, r.Parent) {
			t.Errorf("%s: code does not start with parent %s", r.Code, r.Parent)
		}
	}
}

func TestOrder(t *testing.T) {
	all := regions.All()
	if all[0].Code != "53" || all[0].Level != regions.LevelProvinsi {
		t.Fatalf("first = %+v, want the province", all[0])
	}
	rank := func(r regions.Region) int {
		switch r.Level {
		case regions.LevelProvinsi:
			return 0
		case regions.LevelKecamatan:
			return 2
		}
		return 1
	}
	for i := 1; i < len(all); i++ {
		a, b := all[i-1], all[i]
		if rank(a) > rank(b) || (rank(a) == rank(b) && a.Code >= b.Code) {
			t.Errorf("out of order: %s (%s) before %s (%s)", a.Code, a.Level, b.Code, b.Level)
		}
	}
	// All returns a copy.
	all[0].Name = "changed"
	if regions.All()[0].Name != "Nusa Tenggara Timur" {
		t.Error("All() shares its backing array")
	}
}

func TestKnownCodes(t *testing.T) {
	for _, c := range []regions.Region{
		{"53", "Nusa Tenggara Timur", "", "provinsi"},
		{"5301", "Sumba Barat", "53", "kabupaten"},
		{"5303", "Kupang", "53", "kabupaten"},
		{"5304", "Timor Tengah Selatan", "53", "kabupaten"},
		{"5308", "Lembata", "53", "kabupaten"},
		{"5314", "Rote Ndao", "53", "kabupaten"},
		{"5320", "Sabu Raijua", "53", "kabupaten"},
		{"5321", "Malaka", "53", "kabupaten"},
		{"5371", "Kota Kupang", "53", "kota"},
		{"5371010", "Alak", "5371", "kecamatan"},
		{"5371020", "Maulafa", "5371", "kecamatan"},
		{"5371030", "Oebobo", "5371", "kecamatan"},
		{"5371031", "Kota Raja", "5371", "kecamatan"},
		{"5371040", "Kelapa Lima", "5371", "kecamatan"},
		{"5371041", "Kota Lama", "5371", "kecamatan"},
		{"5303100", "Semau", "5303", "kecamatan"},
		{"5303131", "Amarasi Barat", "5303", "kecamatan"},
		{"5303140", "Kupang Timur", "5303", "kecamatan"},
		{"5303192", "Amfoang Timur", "5303", "kecamatan"},
	} {
		got, ok := regions.Get(c.Code)
		if !ok || got != c {
			t.Errorf("Get(%s) = %+v, %v; want %+v", c.Code, got, ok, c)
		}
		if !regions.Valid(c.Code) {
			t.Errorf("Valid(%s) = false", c.Code)
		}
	}
	// Kemendagri codes and near misses are not BPS codes.
	for _, code := range []string{"", "5", "530", "53.71", "53.71.01", "5371011", "5372", "5303010", " 5371"} {
		if regions.Valid(code) {
			t.Errorf("Valid(%q) = true", code)
		}
		if _, ok := regions.Get(code); ok {
			t.Errorf("Get(%q) found a region", code)
		}
	}
}

func TestKabupaten(t *testing.T) {
	for code, want := range map[string]string{
		"5371": "5371", "5303": "5303", "5321": "5321",
		"5371041": "5371", "5303192": "5303", "5303100": "5303",
		"53": "", "": "", "9999": "", "5371099": "",
	} {
		if got := regions.Kabupaten(code); got != want {
			t.Errorf("Kabupaten(%q) = %q, want %q", code, got, want)
		}
	}
}

// newApp returns an app with /api/v1/regions and where the last error a
// handler returned is kept.
func newApp() (*fiber.App, **lontar.Error) {
	var last *lontar.Error
	app := fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error {
		if errors.As(err, &last) {
			return c.Status(fiber.StatusBadRequest).SendString(last.Code)
		}
		return c.SendStatus(fiber.StatusInternalServerError)
	}})
	regions.Register(app.Group("/api/v1"))
	return app, &last
}

func do(t *testing.T, app *fiber.App, target, ifNoneMatch string) (*apitest.Response, []byte) {
	t.Helper()
	var headers []string
	if ifNoneMatch != "" {
		headers = append(headers, "If-None-Match: "+ifNoneMatch)
	}
	r := apitest.AppClient(app).Do(t, http.MethodGet, target, "", nil, headers...)
	return r, r.Body
}

func TestHTTPList(t *testing.T) {
	app, _ := newApp()
	res, body := do(t, app, "/api/v1/regions", "")
	if res.Status != http.StatusOK {
		t.Fatalf("status = %d, body %s", res.Status, body)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q", ct)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "public, max-age=86400" {
		t.Errorf("Cache-Control = %q", cc)
	}
	etag := res.Header.Get("ETag")
	if len(etag) < 3 || etag[0] != '"' || etag[len(etag)-1] != '"' {
		t.Errorf("ETag = %q, want a strong quoted tag", etag)
	}
	var got []map[string]string
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("body is not JSON: %v\n%s", err, body)
	}
	all := regions.All()
	if len(got) != len(all) {
		t.Fatalf("got %d regions, want %d", len(got), len(all))
	}
	for i, r := range all {
		want := map[string]string{"code": r.Code, "name": r.Name, "parent": r.Parent, "level": r.Level}
		if !maps.Equal(got[i], want) {
			t.Errorf("[%d] = %v, want %v", i, got[i], want)
		}
	}

	// The same bytes and tag every time.
	res2, body2 := do(t, app, "/api/v1/regions", "")
	if res2.Header.Get("ETag") != etag || string(body2) != string(body) {
		t.Error("second response differs from the first")
	}
}

func TestHTTPNotModified(t *testing.T) {
	app, _ := newApp()
	res, _ := do(t, app, "/api/v1/regions", "")
	etag := res.Header.Get("ETag")
	for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, "*"} {
		res, body := do(t, app, "/api/v1/regions", inm)
		if res.Status != http.StatusNotModified {
			t.Errorf("If-None-Match %s: status = %d, want 304", inm, res.Status)
		}
		if len(body) != 0 {
			t.Errorf("If-None-Match %s: 304 with a body of %d bytes", inm, len(body))
		}
		if res.Header.Get("ETag") != etag {
			t.Errorf("If-None-Match %s: ETag = %q, want %q", inm, res.Header.Get("ETag"), etag)
		}
		if res.Header.Get("Cache-Control") != "public, max-age=86400" {
			t.Errorf("If-None-Match %s: Cache-Control = %q", inm, res.Header.Get("Cache-Control"))
		}
	}
	res, _ = do(t, app, "/api/v1/regions", `"stale"`)
	if res.Status != http.StatusOK {
		t.Errorf("stale tag: status = %d, want 200", res.Status)
	}
	// A filtered list has its own tag.
	res, _ = do(t, app, "/api/v1/regions?parent=5371", etag)
	if res.Status != http.StatusOK || res.Header.Get("ETag") == etag {
		t.Errorf("filtered with the full list's tag: status %d, ETag %q", res.Status, res.Header.Get("ETag"))
	}
}

func TestHTTPFilter(t *testing.T) {
	app, _ := newApp()
	names := func(target string) []string {
		t.Helper()
		res, body := do(t, app, target, "")
		if res.Status != http.StatusOK {
			t.Fatalf("%s: status = %d, body %s", target, res.Status, body)
		}
		var rs []regions.Region
		if err := json.Unmarshal(body, &rs); err != nil {
			t.Fatalf("%s: %v", target, err)
		}
		var out []string
		for _, r := range rs {
			out = append(out, r.Code+" "+r.Name)
		}
		return out
	}
	want := []string{"5371010 Alak", "5371020 Maulafa", "5371030 Oebobo", "5371031 Kota Raja", "5371040 Kelapa Lima", "5371041 Kota Lama"}
	if got := names("/api/v1/regions?parent=5371"); !slices.Equal(got, want) {
		t.Errorf("parent=5371: %v, want %v", got, want)
	}
	if got := names("/api/v1/regions?parent=5303"); len(got) != 24 {
		t.Errorf("parent=5303: %d kecamatan, want 24", len(got))
	}
	if got := names("/api/v1/regions?parent=53"); len(got) != 22 || got[0] != "5301 Sumba Barat" || got[21] != "5371 Kota Kupang" {
		t.Errorf("parent=53: %v", got)
	}
	res, body := do(t, app, "/api/v1/regions?parent=5301", "")
	if res.Status != http.StatusOK || strings.TrimSpace(string(body)) != "[]" {
		t.Errorf("parent=5301 (no kecamatan listed): %d %s, want 200 []", res.Status, body)
	}
}

func TestHTTPUnknownParent(t *testing.T) {
	app, last := newApp()
	for _, p := range []string{"9999", "53.71", "5371010x"} {
		*last = nil
		res, _ := do(t, app, "/api/v1/regions?parent="+p, "")
		e := *last
		if res.Status != http.StatusBadRequest || e == nil {
			t.Fatalf("parent=%s: status %d, want the handler to return a *lontar.Error", p, res.Status)
		}
		if e.Code != lontar.EBadRequest || e.Message.ID != "Kode wilayah induk tidak dikenal." || e.Message.EN != "Unknown parent region code." {
			t.Errorf("parent=%s: error = %+v", p, e)
		}
		if cc := res.Header.Get("Cache-Control"); strings.Contains(cc, "max-age=86400") {
			t.Errorf("parent=%s: error response is cacheable: %q", p, cc)
		}
	}
}
