// The dictionary's section for the agency dashboard, imported by
// reports.js only: an agency's words never reach a learner's phone.
import { addWords } from '/i18n.js';

addWords({
  id: {
    rp_title: 'Laporan', rp_filters: 'Saring', rp_apply: 'Tampilkan', rp_reset: 'Semua', rp_course: 'Kursus', rp_region: 'Wilayah',
    rp_sector: 'Sektor', rp_from: 'Dari tanggal', rp_to: 'Sampai tanggal', rp_all: 'Semua', rp_csv: 'Unduh CSV',
    rp_enrolled: 'Terdaftar', rp_active_7d: 'Aktif 7 hari', rp_completed: 'Selesai', rp_completion_rate: 'Tingkat selesai',
    rp_certificates: 'Sertifikat sah', rp_avg_score: 'Nilai akhir rata-rata', rp_pre_post_gain: 'Peningkatan belajar',
    rp_based_on: 'dari', rp_learners: 'peserta', rp_weekly: 'Per minggu: pendaftaran dan kelulusan',
    rp_b_region: 'Kabupaten/kota', rp_b_kecamatan: 'Kecamatan', rp_b_sector: 'Sektor', rp_b_gender: 'Jenis kelamin',
    rp_b_cohort: 'Kelas', rp_b_course: 'Kursus', rp_suppressed: '< 5 peserta (disembunyikan)', rp_none: 'Belum ada data untuk saringan ini.',
    rp_definitions: 'Definisi', rp_as_of: 'Per tanggal', rp_legend_enrolled: 'terdaftar', rp_legend_completed: 'selesai',
    rp_loading: 'Memuat…', rp_forbidden: 'Wilayah ini di luar cakupan Anda.', rp_csv_failed: 'CSV gagal diunduh. Coba lagi.',
    rp_help_title: 'Siapa perlu bantuan', rp_nobody: 'Semua peserta berjalan baik.', rp_last_active: 'Terakhir aktif',
    rp_never: 'belum pernah', rp_message: 'Kirim WhatsApp', rp_hard: 'Soal yang perlu diulang', rp_first_try: 'benar pada percobaan pertama',
    rp_wrong_pick: 'Jawaban salah terbanyak', rp_times: 'kali', rp_no_attempts: 'Belum ada yang mengerjakan.', rp_back: 'Daftar peserta',
    rp_sector_kuliner: 'Kuliner', rp_sector_tenun: 'Tenun', rp_sector_kerajinan: 'Kerajinan', rp_sector_fesyen: 'Fesyen', rp_sector_jasa: 'Jasa', rp_sector_lainnya: 'Lainnya',
  },
  en: {
    rp_title: 'Reports', rp_filters: 'Filter', rp_apply: 'Show', rp_reset: 'All', rp_course: 'Course', rp_region: 'Region',
    rp_sector: 'Sector', rp_from: 'From', rp_to: 'To', rp_all: 'All', rp_csv: 'Download CSV',
    rp_enrolled: 'Enrolled', rp_active_7d: 'Active 7 days', rp_completed: 'Completed', rp_completion_rate: 'Completion rate',
    rp_certificates: 'Valid certificates', rp_avg_score: 'Average final score', rp_pre_post_gain: 'Learning gain',
    rp_based_on: 'of', rp_learners: 'learners', rp_weekly: 'Weekly: enrollments and completions',
    rp_b_region: 'Kabupaten/kota', rp_b_kecamatan: 'Kecamatan', rp_b_sector: 'Sector', rp_b_gender: 'Gender',
    rp_b_cohort: 'Cohort', rp_b_course: 'Course', rp_suppressed: '< 5 learners (suppressed)', rp_none: 'No data for this filter yet.',
    rp_definitions: 'Definitions', rp_as_of: 'As of', rp_legend_enrolled: 'enrolled', rp_legend_completed: 'completed',
    rp_loading: 'Loading…', rp_forbidden: 'This region is outside your scope.', rp_csv_failed: 'The CSV could not be downloaded. Try again.',
    rp_help_title: 'Who needs help', rp_nobody: 'Everyone is on track.', rp_last_active: 'Last active',
    rp_never: 'never', rp_message: 'Send WhatsApp', rp_hard: 'Questions to teach again', rp_first_try: 'right on the first attempt',
    rp_wrong_pick: 'Most chosen wrong answer', rp_times: 'times', rp_no_attempts: 'Nobody has taken it yet.', rp_back: 'Participants',
    rp_sector_kuliner: 'Food', rp_sector_tenun: 'Weaving', rp_sector_kerajinan: 'Crafts', rp_sector_fesyen: 'Fashion', rp_sector_jasa: 'Services', rp_sector_lainnya: 'Other',
  },
});
