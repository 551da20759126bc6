// Interface strings, Indonesian first. Course text comes from the API in
// the chosen language; these are only the app's own words.
const strings = {
  id: {
    app_tagline: 'Belajar digital untuk UMKM Kupang',
    login: 'Masuk', register: 'Daftar', logout: 'Keluar',
    phone: 'Nomor HP', phone_hint: 'Contoh: 0812 3456 7890',
    password: 'Kata sandi', password_hint: 'Minimal 8 karakter',
    name: 'Nama lengkap', business_name: 'Nama usaha', sector: 'Jenis usaha',
    region: 'Wilayah', gender: 'Jenis kelamin', gender_f: 'Perempuan', gender_m: 'Laki-laki', gender_none: 'Tidak disebut',
    birth_year: 'Tahun lahir (boleh kosong)',
    sector_kuliner: 'Kuliner (mis. sei, kue)', sector_tenun: 'Tenun ikat', sector_kerajinan: 'Kerajinan (mis. sasando, anyaman)',
    sector_fesyen: 'Fesyen', sector_jasa: 'Jasa', sector_lainnya: 'Lainnya',
    choose: 'Pilih…',
    no_account: 'Belum punya akun?', have_account: 'Sudah punya akun?',
    have_code: 'Punya kode aktivasi dari pelatih?', activate: 'Aktifkan akun', activation_code: 'Kode aktivasi',
    my_courses: 'Kursus saya', all_courses: 'Semua kursus', join_cohort: 'Gabung kelas',
    join_code: 'Kode kelas', join: 'Gabung', joined: 'Berhasil bergabung dengan kelas',
    invitations: 'Undangan kelas', invited_by: 'mengundang Anda ke kelas', accept: 'Terima', decline: 'Tolak',
    enroll: 'Mulai kursus', continue: 'Lanjutkan', lessons: 'pelajaran', minutes: 'menit',
    mark_done: 'Tandai selesai', done: 'Selesai ✓', next: 'Berikutnya', back: 'Kembali',
    offline: 'Anda sedang offline. Kemajuan disimpan di HP dan dikirim nanti.',
    pending: 'menunggu dikirim', synced: 'Semua kemajuan sudah tersimpan.',
    quiz: 'Kuis', start_quiz: 'Kerjakan kuis', submit: 'Kirim jawaban', score: 'Nilai', passed: 'Lulus', not_passed: 'Belum lulus',
    saved_offline: 'Jawaban disimpan di HP dan akan dinilai saat online.',
    true: 'Benar', false: 'Salah', your_answer: 'Jawaban Anda',
    error_generic: 'Maaf, terjadi kesalahan. Coba lagi.', error_network: 'Tidak ada sambungan internet.',
    profile: 'Profil', save: 'Simpan', saved: 'Tersimpan', loading: 'Memuat…', empty_courses: 'Belum ada kursus. Pilih dari daftar di bawah.',
    complete: 'selesai', certificate_ready: 'Kursus selesai!', certificate_open: 'Lihat sertifikat', certificates: 'Sertifikat saya',
    my_classes: 'Kelas saya (pelatih)',
    reports: 'Laporan',
    kind_pretest: 'Tes awal', kind_practice: 'Latihan', kind_posttest: 'Tes akhir', kind_final: 'Ujian akhir',
  },
  en: {
    app_tagline: 'Digital skills for Kupang small businesses',
    login: 'Log in', register: 'Sign up', logout: 'Log out',
    phone: 'Phone number', phone_hint: 'Example: 0812 3456 7890',
    password: 'Password', password_hint: 'At least 8 characters',
    name: 'Full name', business_name: 'Business name', sector: 'Business type',
    region: 'Region', gender: 'Gender', gender_f: 'Female', gender_m: 'Male', gender_none: 'Prefer not to say',
    birth_year: 'Year of birth (optional)',
    sector_kuliner: 'Food (e.g. sei, cakes)', sector_tenun: 'Ikat weaving', sector_kerajinan: 'Crafts (e.g. sasando, baskets)',
    sector_fesyen: 'Fashion', sector_jasa: 'Services', sector_lainnya: 'Other',
    choose: 'Choose…',
    no_account: 'No account yet?', have_account: 'Already have an account?',
    have_code: 'Have an activation code from your trainer?', activate: 'Activate account', activation_code: 'Activation code',
    my_courses: 'My courses', all_courses: 'All courses', join_cohort: 'Join a class',
    join_code: 'Class code', join: 'Join', joined: 'You joined the class',
    invitations: 'Class invitations', invited_by: 'invites you to the class', accept: 'Accept', decline: 'Decline',
    enroll: 'Start course', continue: 'Continue', lessons: 'lessons', minutes: 'min',
    mark_done: 'Mark as done', done: 'Done ✓', next: 'Next', back: 'Back',
    offline: 'You are offline. Progress is saved on your phone and sent later.',
    pending: 'waiting to send', synced: 'All progress is saved.',
    quiz: 'Quiz', start_quiz: 'Take the quiz', submit: 'Submit answers', score: 'Score', passed: 'Passed', not_passed: 'Not passed yet',
    saved_offline: 'Answers saved on your phone; they will be graded when you are online.',
    true: 'True', false: 'False', your_answer: 'Your answer',
    error_generic: 'Sorry, something went wrong. Please try again.', error_network: 'No internet connection.',
    profile: 'Profile', save: 'Save', saved: 'Saved', loading: 'Loading…', empty_courses: 'No courses yet. Pick one from the list below.',
    complete: 'done', certificate_ready: 'Course complete!', certificate_open: 'See the certificate', certificates: 'My certificates',
    my_classes: 'My classes (trainer)',
    reports: 'Reports',
    kind_pretest: 'Pre-test', kind_practice: 'Practice', kind_posttest: 'Post-test', kind_final: 'Final exam',
  },
};

export function lang() {
  return localStorage.getItem('lang') === 'en' ? 'en' : 'id';
}

export function setLang(l) {
  localStorage.setItem('lang', l === 'en' ? 'en' : 'id');
  document.documentElement.lang = lang();
}

export function t(key) {
  return strings[lang()][key] ?? strings.id[key] ?? key;
}
