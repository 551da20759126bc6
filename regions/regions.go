// Package regions holds the administrative regions Lontar knows, with their
// BPS (Badan Pusat Statistik) codes: the province of Nusa Tenggara Timur
// (53), its 22 kabupaten and kota (4 digits, 5301 Sumba Barat … 5321 Malaka,
// 5371 Kota Kupang) and the kecamatan of Kota Kupang and Kabupaten Kupang
// (7 digits, e.g. 5371010 Alak). The codes are BPS codes, not the dotted
// Kemendagri codes (53.71.01), which number the same places differently.
//
// The list is embedded from regions.json and never changes at run time.
package regions

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"

	"lontar"
	"lontar/httpapi"
)

// Levels of a Region.
const (
	LevelProvinsi  = "provinsi"
	LevelKabupaten = "kabupaten"
	LevelKota      = "kota"
	LevelKecamatan = "kecamatan"
)

// Region is one province, kabupaten, kota or kecamatan.
type Region struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Parent string `json:"parent"` // "" for the province
	Level  string `json:"level"`
}

//go:embed regions.json
var regionsJSON []byte

// table is the parsed list with its lookups and encoded responses.
type table struct {
	all    []Region          // province, kabupaten/kota by code, kecamatan by code
	byCode map[string]Region // every region by its code
	// responses are the GET /regions bodies: "" for all, else by parent code.
	responses map[string]response
}

type response struct {
	body []byte
	etag string
}

// load parses the embedded list on first use. A broken list is an error
// that Load reports at start, not a panic.
var load = sync.OnceValues(func() (*table, error) {
	all, err := parse(regionsJSON)
	if err != nil {
		return nil, fmt.Errorf("regions: regions.json: %w", err)
	}
	t := &table{all: all, byCode: make(map[string]Region, len(all)), responses: make(map[string]response, len(all)+1)}
	for _, r := range all {
		t.byCode[r.Code] = r
	}
	if t.responses[""], err = newResponse(all); err != nil {
		return nil, err
	}
	for _, p := range all {
		children := []Region{}
		for _, r := range all {
			if r.Parent == p.Code {
				children = append(children, r)
			}
		}
		if t.responses[p.Code], err = newResponse(children); err != nil {
			return nil, err
		}
	}
	return t, nil
})

// Load parses the embedded list, so that a broken one stops the server at
// start; after an error every lookup finds nothing.
func Load() error {
	_, err := load()
	return err
}

// regions returns the parsed list, empty if it is broken (see Load).
func regions() *table {
	if t, err := load(); err == nil {
		return t
	}
	return &table{}
}

// parse decodes and checks the list and puts it in the order All promises.
func parse(data []byte) ([]Region, error) {
	var rs []Region
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rs); err != nil {
		return nil, err
	}
	seen := make(map[string]Region, len(rs))
	for _, r := range rs {
		if r.Code == "" || r.Name == "" {
			return nil, fmt.Errorf("region %+v: code and name are required", r)
		}
		if levelRank(r.Level) < 0 {
			return nil, fmt.Errorf("region %s: unknown level %q", r.Code, r.Level)
		}
		if _, dup := seen[r.Code]; dup {
			return nil, fmt.Errorf("region %s: duplicate code", r.Code)
		}
		seen[r.Code] = r
	}
	for _, r := range rs {
		if r.Level == LevelProvinsi {
			if r.Parent != "" {
				return nil, fmt.Errorf("province %s has a parent", r.Code)
			}
			continue
		}
		p, ok := seen[r.Parent]
		if !ok || !strings.HasPrefix(r.Code, r.Parent) || levelRank(p.Level) >= levelRank(r.Level) {
			return nil, fmt.Errorf("region %s: bad parent %q", r.Code, r.Parent)
		}
	}
	slices.SortFunc(rs, func(a, b Region) int {
		return cmp.Or(cmp.Compare(levelRank(a.Level), levelRank(b.Level)), cmp.Compare(a.Code, b.Code))
	})
	return rs, nil
}

// levelRank orders levels from the top; kabupaten and kota rank together.
func levelRank(level string) int {
	switch level {
	case LevelProvinsi:
		return 0
	case LevelKabupaten, LevelKota:
		return 1
	case LevelKecamatan:
		return 2
	}
	return -1
}

func newResponse(rs []Region) (response, error) {
	body, err := json.Marshal(rs)
	if err != nil {
		return response{}, fmt.Errorf("regions: encode: %w", err)
	}
	sum := sha256.Sum256(body)
	return response{body: body, etag: `"` + hex.EncodeToString(sum[:16]) + `"`}, nil
}

// All returns every region: the province, then the kabupaten and kota by
// code, then the kecamatan by code. The slice is the caller's to keep.
func All() []Region { return slices.Clone(regions().all) }

// Valid reports whether code is a known region code at any level.
func Valid(code string) bool {
	_, ok := regions().byCode[code]
	return ok
}

// Get returns the region with the code.
func Get(code string) (Region, bool) {
	r, ok := regions().byCode[code]
	return r, ok
}

// Kabupaten returns the code of the kabupaten or kota that code lies in:
// code itself for a kabupaten or kota, its parent for a kecamatan, and ""
// for the province or an unknown code.
func Kabupaten(code string) string {
	byCode := regions().byCode
	for r, ok := byCode[code]; ok; r, ok = byCode[r.Parent] {
		switch r.Level {
		case LevelKabupaten, LevelKota:
			return r.Code
		case LevelProvinsi:
			return ""
		}
	}
	return ""
}

// Register mounts GET /regions on r. The list is public and changes only
// with a new release, so it is cached for a day and revalidated by ETag.
// ?parent=CODE lists only that region's direct children.
func Register(r fiber.Router) {
	r.Get("/regions", list)
}

func list(c *fiber.Ctx) error {
	res, ok := regions().responses[c.Query("parent")]
	if !ok {
		return lontar.NewError(lontar.EBadRequest, "Kode wilayah induk tidak dikenal.", "Unknown parent region code.")
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
	c.Set(fiber.HeaderETag, res.etag)
	if httpapi.ETagMatch(c.Get(fiber.HeaderIfNoneMatch), res.etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(res.body)
}
