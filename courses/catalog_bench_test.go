package courses_test

import (
	"context"
	"testing"

	"lontar/courses"
)

func BenchmarkGetCourse(b *testing.B) {
	e := newCatalogEnv(b)
	if _, err := courses.Seed(context.Background(), e.store, e.catalog); err != nil {
		b.Fatal(err)
	}
	b.Run("200", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if r := e.Do(b, "GET", "/api/v1/courses/pembukuan-sederhana?lang=id", "", nil); r.Status != 200 {
				b.Fatal(r.Status)
			}
		}
	})
	etag := e.Do(b, "GET", "/api/v1/courses/pembukuan-sederhana?lang=id", "", nil).Header.Get("ETag")
	b.Run("304", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if r := e.Do(b, "GET", "/api/v1/courses/pembukuan-sederhana?lang=id", "", nil, "If-None-Match: "+etag); r.Status != 304 {
				b.Fatal(r.Status)
			}
		}
	})
}
