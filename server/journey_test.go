package main

import (
	"strings"
	"sync"
	"testing"
)

type sessionReply struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	User         struct {
		ID   string `json:"id"`
		Role string `json:"role"`
	} `json:"user"`
}

func login(t testing.TB, s *server, phone, password string) string {
	t.Helper()
	r := s.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"phone": phone, "password": password})
	var got sessionReply
	r.JSON(t, &got)
	if r.Status != 200 || got.AccessToken == "" {
		t.Fatalf("login %s: %d %s", phone, r.Status, r.Body)
	}
	return got.AccessToken
}

func register(t testing.TB, s *server, phone, name, sector, region, gender string) string {
	t.Helper()
	r := s.Do(t, "POST", "/api/v1/auth/register", "", map[string]any{"phone": phone, "name": name, "password": "belajar-di-lontar",
		"profile": map[string]any{"sector": sector, "region": region, "gender": gender}})
	var got sessionReply
	r.JSON(t, &got)
	if r.Status != 201 {
		t.Fatalf("register %s: %d %s", phone, r.Status, r.Body)
	}
	return got.AccessToken
}

const weavingGIFT = `$CATEGORY: Tenun/Harga

::harga-selendang:: Selendang tenun dijual Rp 500.000 dan marketplace memotong 10%. Berapa rupiah yang diterima penenun? {#450000}

::motif:: Cerita motif tenun membantu pembeli memahami nilainya. {T#Cerita membuat pembeli menghargai kerja berbulan-bulan.}

::foto:: Kapan waktu terbaik memotret kain tenun? {
=Siang hari di dekat jendela, cahaya alami #Cahaya alami memperlihatkan warna asli.
~Malam hari dengan lampu kuning #Lampu kuning mengubah warna benang.
~Di bawah matahari terik #Bayangan keras menyembunyikan motif.
}

::singkatan:: Apa nama kode pembayaran nasional yang dipindai pembeli? {=QRIS =kode QRIS}

::esai:: Ceritakan sejarah motif keluarga Anda. {}
`

// The whole path a polytechnic's workshop takes: an admin makes a trainer;
// the trainer writes and publishes a course, imports a GIFT quiz as its
// final, opens a cohort and registers weavers from CSV; learners join with
// the code, read, complete lessons online and offline, take the final
// online and offline, and the enrollment and the roster show the result.
func TestWorkshopJourney(t *testing.T) {
	s := startServer(t, map[string]string{
		"LONTAR_BOOTSTRAP_ADMIN_PHONE": "081300000001", "LONTAR_BOOTSTRAP_ADMIN_PASSWORD": "admin-lontar-kupang",
		"LONTAR_PUBLIC_URL": "https://lontar.example",
	})
	admin := login(t, s, "081300000001", "admin-lontar-kupang")
	r := s.Do(t, "POST", "/api/v1/users", admin, map[string]any{"phone": "081300000002", "name": "Bu Dosen Politeknik",
		"password": "politeknik-kupang", "role": "trainer", "institution": "politeknik-negeri-kupang"})
	if r.Status != 201 {
		t.Fatalf("create trainer: %d %s", r.Status, r.Body)
	}
	trainer := login(t, s, "081300000002", "politeknik-kupang")

	// Author and publish a course; the draft is invisible until published.
	course := map[string]any{"id": "tenun-online", "topic": "ecommerce",
		"title":   map[string]string{"id": "Menjual tenun secara online", "en": "Selling ikat online"},
		"summary": map[string]string{"id": "Lokakarya penenun", "en": "Weavers' workshop"},
		"modules": []any{map[string]any{"id": "m1", "title": map[string]string{"id": "Dasar"}, "lessons": []any{
			map[string]any{"id": "foto", "title": map[string]string{"id": "Foto kain"}, "est_minutes": 5,
				"body": map[string]string{"id": "**Cahaya alami** paling baik.<script>alert(1)</script>", "en": "**Daylight** is best."}},
			map[string]any{"id": "harga", "title": map[string]string{"id": "Harga"}, "est_minutes": 5,
				"body": map[string]string{"id": "Hitung potongan marketplace."}},
		}}}}
	if r := s.Do(t, "POST", "/api/v1/courses", trainer, course); r.Status != 201 {
		t.Fatalf("create course: %d %s", r.Status, r.Body)
	}
	if r := s.Do(t, "GET", "/api/v1/courses/tenun-online", "", nil); r.Status != 404 {
		t.Fatalf("draft visible: %d", r.Status)
	}
	if r := s.Do(t, "POST", "/api/v1/courses/tenun-online/publish", trainer, nil); r.Status != 200 {
		t.Fatalf("publish: %d %s", r.Status, r.Body)
	}
	r = s.Do(t, "GET", "/api/v1/courses/tenun-online?lang=en", "", nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), "<strong>Daylight</strong>") {
		t.Fatalf("published course: %d %s", r.Status, r.Body)
	}
	if r := s.Do(t, "GET", "/api/v1/courses/tenun-online", "", nil); strings.Contains(string(r.Body), "<script") {
		t.Fatalf("script survived: %s", r.Body)
	}

	// Import the final quiz from GIFT: the essay is reported, the rest imports.
	r = s.Do(t, "POST", "/api/v1/quizzes/import?format=gift&course_id=tenun-online&kind=final&pass_mark=60&title=Ujian+akhir", trainer,
		weavingGIFT, "Content-Type: text/plain")
	var quiz struct {
		ID        string `json:"id"`
		Questions []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"questions"`
		Problems []struct {
			Line   int    `json:"line"`
			Reason string `json:"reason"`
		} `json:"problems"`
	}
	r.JSON(t, &quiz)
	if r.Status != 201 || len(quiz.Questions) != 4 || len(quiz.Problems) != 1 || quiz.Problems[0].Line != 15 {
		t.Fatalf("GIFT import: %d %s", r.Status, r.Body)
	}
	qid := map[string]string{}
	for _, q := range quiz.Questions {
		qid[q.Name] = q.ID
	}

	// A cohort with a join code, and weavers registered from a spreadsheet.
	r = s.Do(t, "POST", "/api/v1/cohorts", trainer, map[string]any{"name": "Lokakarya Tenun Oesapa", "course_ids": []string{"tenun-online"},
		"starts_on": "2026-01-01", "ends_on": "2099-12-31", "region": "5371040"})
	var cohort struct {
		ID       string `json:"id"`
		JoinCode string `json:"join_code"`
		JoinURL  string `json:"join_url"`
	}
	r.JSON(t, &cohort)
	if r.Status != 201 || cohort.JoinCode == "" || cohort.JoinURL != "https://lontar.example/join/"+cohort.JoinCode {
		t.Fatalf("cohort: %d %s", r.Status, r.Body)
	}
	csv := "name,phone,business_name,sector,region\r\nIna Bara,0813 1111 2222,Tenun Ina,tenun,5371040\r\nTanpa Nomor,,X,tenun,5371040\r\n"
	r = s.Do(t, "POST", "/api/v1/cohorts/"+cohort.ID+"/participants/import", trainer, csv, "Content-Type: text/csv")
	var imp struct {
		Results []struct {
			Status         string `json:"status"`
			ActivationCode string `json:"activation_code"`
		} `json:"results"`
	}
	r.JSON(t, &imp)
	if r.Status != 200 || len(imp.Results) != 2 || imp.Results[0].Status != "created" || imp.Results[1].Status != "error" {
		t.Fatalf("CSV import: %d %s", r.Status, r.Body)
	}
	r = s.Do(t, "POST", "/api/v1/auth/activate", "", map[string]string{"phone": "081311112222", "code": imp.Results[0].ActivationCode, "password": "ikat-amarasi-1"})
	var ina sessionReply
	r.JSON(t, &ina)
	if r.Status != 200 {
		t.Fatalf("activate: %d %s", r.Status, r.Body)
	}

	// A learner who registered alone joins with the code typed in lower case.
	maria := register(t, s, "0812 3456 7000", "Maria Tefa", "tenun", "5371040", "f")
	if r := s.Do(t, "POST", "/api/v1/cohorts/join", maria, map[string]string{"code": strings.ToLower(strings.ReplaceAll(cohort.JoinCode, "-", ""))}); r.Status != 200 {
		t.Fatalf("join: %d %s", r.Status, r.Body)
	}
	// Not enrolled in another course: no quiz of it.
	if r := s.Do(t, "GET", "/api/v1/quizzes/"+quiz.ID, ina.AccessToken, nil); r.Status != 200 || strings.Contains(string(r.Body), "450000") {
		t.Fatalf("learner quiz view: %d %s", r.Status, r.Body)
	}

	// Lessons: one online (5× at once), one through offline sync replayed.
	var wg sync.WaitGroup
	for range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r := s.Do(t, "POST", "/api/v1/courses/tenun-online/lessons/foto/complete", maria, nil); r.Status != 200 {
				t.Errorf("complete: %d %s", r.Status, r.Body)
			}
		}()
	}
	wg.Wait()
	batch := map[string]any{"events": []any{
		map[string]any{"id": "0b9c6f1e-4a1d-4a4e-8f5e-6a1d2c3b4a50", "type": "lesson_completed", "occurred_at": "2026-11-20T08:00:00Z",
			"course_id": "tenun-online", "lesson_id": "harga"},
		map[string]any{"id": "0b9c6f1e-4a1d-4a4e-8f5e-6a1d2c3b4a51", "type": "quiz_submitted", "occurred_at": "2026-11-20T08:05:00Z",
			"quiz_id": quiz.ID, "answers": map[string]any{qid["harga-selendang"]: 450000, qid["motif"]: true,
				qid["foto"]: "a", qid["singkatan"]: "qris"}},
		map[string]any{"id": "0b9c6f1e-4a1d-4a4e-8f5e-6a1d2c3b4a52", "type": "lesson_completed", "occurred_at": "2026-11-20T08:00:00Z",
			"course_id": "tenun-online", "lesson_id": "tidak-ada"},
	}}
	for i := range 3 {
		r = s.Do(t, "POST", "/api/v1/sync", maria, batch)
		var res struct {
			Results []struct{ ID, Status string } `json:"results"`
		}
		r.JSON(t, &res)
		want := []string{"applied", "applied", "rejected"}
		if i > 0 {
			want = []string{"duplicate", "duplicate", "rejected"}
		}
		for j, x := range res.Results {
			if x.Status != want[j] {
				t.Fatalf("sync round %d event %d: %s, want %s (%s)", i, j, x.Status, want[j], r.Body)
			}
		}
	}

	r = s.Do(t, "GET", "/api/v1/me/enrollments/tenun-online", maria, nil)
	var en struct {
		Percent          float64        `json:"percent"`
		CompletedLessons map[string]any `json:"completed_lessons"`
		CompletedAt      *string        `json:"completed_at"`
		QuizResults      map[string]struct {
			Attempts  int     `json:"attempts"`
			BestScore float64 `json:"best_score"`
			Passed    bool    `json:"passed"`
		} `json:"quiz_results"`
	}
	r.JSON(t, &en)
	res := en.QuizResults[quiz.ID]
	if en.Percent != 100 || len(en.CompletedLessons) != 2 || res.Attempts != 1 || res.BestScore != 100 || !res.Passed || en.CompletedAt == nil {
		t.Fatalf("enrollment after sync: %s", r.Body)
	}

	// Ina takes the final online and fails; the course is not complete.
	r = s.Do(t, "POST", "/api/v1/quizzes/"+quiz.ID+"/attempts", ina.AccessToken, map[string]any{"answers": map[string]any{qid["foto"]: "b"}})
	if r.Status != 201 || !strings.Contains(string(r.Body), `"passed":false`) {
		t.Fatalf("failed attempt: %d %s", r.Status, r.Body)
	}

	// The roster shows both, to the cohort's trainer only.
	r = s.Do(t, "GET", "/api/v1/cohorts/"+cohort.ID+"/roster", trainer, nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), "Maria Tefa") || !strings.Contains(string(r.Body), "Ina Bara") {
		t.Fatalf("roster: %d %s", r.Status, r.Body)
	}
	other := register(t, s, "081399990000", "Peserta Lain", "kuliner", "5371010", "m")
	for _, tok := range []string{other, ""} {
		if r := s.Do(t, "GET", "/api/v1/cohorts/"+cohort.ID+"/roster", tok, nil); r.Status != 403 && r.Status != 401 {
			t.Fatalf("roster to %q: %d", tok, r.Status)
		}
	}
}
