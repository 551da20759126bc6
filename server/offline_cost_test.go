package main

import (
	"fmt"
	"testing"
)

// TestSaveForOfflineCost measures what "Simpan untuk dibaca tanpa
// internet" downloads for each seeded course, exactly the requests the app
// makes (the course, its quiz list, each quiz; compressed, Indonesian),
// logs the bytes and their Rupiah at the default price per GB, and checks
// that the estimate the app shows before saving is honest (within 15 %).
func TestSaveForOfflineCost(t *testing.T) {
	srv := startServer(t, nil)
	learner := register(t, srv, "081234599001", "Ina Bara", "kuliner", "5371030", "f")
	gz := "Accept-Encoding: gzip"
	for _, id := range []string{"jualan-online", "konten-kreatif", "pembukuan-sederhana"} {
		if r := srv.Do(t, "POST", "/api/v1/courses/"+id+"/enroll", learner, nil); r.Status != 201 {
			t.Fatalf("enroll %s: %d %s", id, r.Status, r.Body)
		}
		var course struct {
			SizeBytes int `json:"size_bytes"`
		}
		srv.Do(t, "GET", "/api/v1/courses/"+id+"?lang=id", "", nil).JSON(t, &course)
		var quizzes []struct {
			ID        string `json:"id"`
			SizeBytes int    `json:"size_bytes"`
		}
		srv.Do(t, "GET", "/api/v1/courses/"+id+"/quizzes?lang=id", learner, nil).JSON(t, &quizzes)
		estimate := course.SizeBytes
		paths := []string{"/api/v1/courses/" + id + "?lang=id", "/api/v1/courses/" + id + "/quizzes?lang=id"}
		for _, q := range quizzes {
			estimate += q.SizeBytes
			paths = append(paths, "/api/v1/quizzes/"+q.ID+"?lang=id")
		}
		wire := 0
		for _, p := range paths {
			r := srv.Do(t, "GET", p, learner, nil, gz)
			if r.Status != 200 || r.Header.Get("Content-Encoding") != "gzip" {
				t.Fatalf("%s: %d, encoding %q", p, r.Status, r.Header.Get("Content-Encoding"))
			}
			wire += len(r.Body)
		}
		rupiah := float64(wire) / 1e9 * defaultDataPricePerGB
		t.Logf("%s: %d bytes (%.1f KB) over %d requests = Rp %.2f at Rp %d/GB; the app estimates %d bytes",
			id, wire, float64(wire)/1024, len(paths), rupiah, defaultDataPricePerGB, estimate)
		if d := float64(estimate-wire) / float64(wire); d > 0.15 || d < -0.15 {
			t.Errorf("%s: estimate %d bytes is %s off the %d bytes saved", id, estimate, fmt.Sprintf("%+.0f%%", 100*d), wire)
		}
	}
}
