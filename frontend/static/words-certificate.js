// The dictionary's section for the certificate screens, imported by
// certificate.js only.
import { addWords } from '/i18n.js';

addWords({
  id: {
    ce_mine: 'Sertifikat saya', ce_none: 'Belum ada sertifikat. Selesaikan semua pelajaran dan lulus kuis akhir untuk mendapatkannya.',
    ce_title: 'Sertifikat', ce_awarded: 'Diberikan kepada', ce_for: 'atas keberhasilan menyelesaikan kursus',
    ce_hours: 'Lama belajar', ce_hours_unit: 'jam', ce_score: 'Nilai kuis akhir', ce_cohort: 'Kelas', ce_issued: 'Tanggal terbit', ce_code: 'Kode',
    ce_valid: 'Sertifikat ini sah. Siapa pun dapat memeriksanya dengan kode atau kode QR.',
    ce_revoked: 'Sertifikat ini DICABUT pada {date}.', ce_reason: 'Alasan', ce_revoked_short: 'Dicabut',
    ce_download: 'Unduh PDF', ce_share: 'Bagikan lewat WhatsApp', ce_verify: 'Lihat halaman pemeriksaan',
    ce_share_text: 'Sertifikat saya dari Lontar: {course}. Periksa keasliannya di',
    ce_offline_note: 'Sertifikat dan PDF-nya tersimpan di HP ini, jadi tetap bisa dibuka tanpa sinyal.',
    ce_pdf_offline: 'PDF belum tersimpan di HP ini. Buka layar ini lagi saat ada sinyal.',
    ce_not_found: 'Sertifikat tidak ditemukan di akun ini.', ce_back: 'Kembali', ce_error: 'Maaf, terjadi kesalahan. Coba lagi.',
    ce_new_title: 'Selamat! Kursus selesai.', ce_new_body: 'Anda menyelesaikan "{course}". Sertifikat Anda sudah terbit.', ce_open: 'Lihat sertifikat',
    ce_cohort_title: 'Sertifikat kelas', ce_issued_list: 'Sudah terbit ({n})', ce_pending_list: 'Belum ({n})', ce_revoked_list: 'Dicabut ({n})',
    ce_missing: 'Kurang', ce_missing_enrol: 'belum mulai kursus', ce_missing_lessons: '{n} pelajaran', ce_missing_final: 'lulus kuis akhir',
    ce_missing_processing: 'selesai, sertifikat sedang dibuat', ce_revoke: 'Cabut sertifikat', ce_reason_ask: 'Alasan pencabutan (wajib)',
    ce_revoke_confirm: 'Cabut sertifikat {code}? Peserta dan siapa pun yang memeriksa akan melihat alasannya.',
  },
  en: {
    ce_mine: 'My certificates', ce_none: 'No certificates yet. Finish every lesson and pass the final quiz to earn one.',
    ce_title: 'Certificate', ce_awarded: 'Awarded to', ce_for: 'for successfully completing the course',
    ce_hours: 'Study time', ce_hours_unit: 'hours', ce_score: 'Final quiz score', ce_cohort: 'Class', ce_issued: 'Issued on', ce_code: 'Code',
    ce_valid: 'This certificate is valid. Anyone can check it with the code or the QR code.',
    ce_revoked: 'This certificate was REVOKED on {date}.', ce_reason: 'Reason', ce_revoked_short: 'Revoked',
    ce_download: 'Download PDF', ce_share: 'Share on WhatsApp', ce_verify: 'Open the verification page',
    ce_share_text: 'My certificate from Lontar: {course}. Check it at',
    ce_offline_note: 'The certificate and its PDF are kept on this phone, so they open without a signal.',
    ce_pdf_offline: 'The PDF is not on this phone yet. Open this screen again when there is a signal.',
    ce_not_found: 'This account has no such certificate.', ce_back: 'Back', ce_error: 'Sorry, something went wrong. Please try again.',
    ce_new_title: 'Congratulations! Course complete.', ce_new_body: 'You finished "{course}". Your certificate has been issued.', ce_open: 'See the certificate',
    ce_cohort_title: 'Class certificates', ce_issued_list: 'Issued ({n})', ce_pending_list: 'Not yet ({n})', ce_revoked_list: 'Revoked ({n})',
    ce_missing: 'Missing', ce_missing_enrol: 'has not started the course', ce_missing_lessons: '{n} lessons', ce_missing_final: 'pass the final quiz',
    ce_missing_processing: 'complete, certificate being issued', ce_revoke: 'Revoke certificate', ce_reason_ask: 'Reason for revoking (required)',
    ce_revoke_confirm: 'Revoke certificate {code}? The learner and anyone who checks it will see the reason.',
  },
});
