// The one dictionary of the app's own words, Indonesian first. Course text
// comes from the API in the chosen language. Every module takes its
// strings from here (one section per screen); t('key', {n: 2}) fills {n}.
const strings = {
  id: {
    // shell
    app_tagline: 'Belajar digital untuk UMKM Kupang',
    profile: 'Profil', back: 'Kembali', loading: 'Memuat…', choose: 'Pilih…',
    error_generic: 'Maaf, terjadi kesalahan. Coba lagi.', error_network: 'Tidak ada sambungan internet.',
    offline: 'Anda sedang offline. Kemajuan disimpan di HP dan dikirim nanti.',
    waiting: '{what} belum terkirim', waiting_lessons: '{n} pelajaran', waiting_quizzes: '{n} kuis',
    sent: 'Terkirim ✓', not_found: 'Halaman tidak ditemukan.', not_available: 'Halaman ini belum tersedia untuk akun Anda.',
    fix_fields: 'Periksa isian yang ditandai merah.',
    // accounts
    login: 'Masuk', register: 'Daftar', register_new: 'Daftar akun baru', logout: 'Keluar',
    phone: 'Nomor HP', phone_hint: 'Contoh: 0812 3456 7890',
    password: 'Kata sandi', password_hint: 'Minimal 8 karakter', new_password: 'Kata sandi baru',
    name: 'Nama lengkap', business_name: 'Nama usaha (boleh kosong)', sector: 'Jenis usaha',
    region: 'Wilayah', gender: 'Jenis kelamin', gender_f: 'Perempuan', gender_m: 'Laki-laki', gender_none: 'Tidak disebut',
    birth_year: 'Tahun lahir (boleh kosong)',
    sector_kuliner: 'Kuliner (mis. sei, kue)', sector_tenun: 'Tenun ikat', sector_kerajinan: 'Kerajinan (mis. sasando, anyaman)',
    sector_fesyen: 'Fesyen', sector_jasa: 'Jasa', sector_lainnya: 'Lainnya',
    no_account: 'Belum punya akun?', have_account: 'Sudah punya akun?',
    have_code: 'Punya kode aktivasi dari pelatih?', activate: 'Aktifkan akun', activation_code: 'Kode aktivasi',
    forgot: 'Lupa kata sandi?', reset_title: 'Atur ulang kata sandi', reset_code: 'Kode atur ulang',
    reset_help: 'Minta kode atur ulang kepada pelatih atau admin Anda, lalu isi di sini.', reset_done: 'Kata sandi baru tersimpan.',
    // learners on one phone
    learners: 'Pelajar di HP ini', add_learner: 'Tambah pelajar lain', switch_to: 'Ganti ke {name}',
    pin: 'PIN 4 angka', pin_new: 'Buat PIN 4 angka', pin_again: 'Ulangi PIN', pin_help: 'PIN menjaga akun Anda saat HP dipakai bergantian.',
    pin_wrong: 'PIN salah.', pin_mismatch: 'PIN tidak sama.', pin_digits: 'PIN harus 4 angka.', pin_locked: 'Terlalu sering salah. Masuk lagi dengan kata sandi.',
    pin_enter: 'Masukkan PIN {name}', current: 'sedang dipakai', remove_learner: 'Hapus dari HP ini',
    // landing
    landing_title: 'Belajar jualan online, konten dan pembukuan — gratis, dari HP',
    landing_what: 'Yang bisa Anda pelajari', read_first: 'Baca pelajaran pertama',
    // learner home and courses
    my_courses: 'Kursus saya', all_courses: 'Semua kursus', join_cohort: 'Gabung kelas',
    join_code: 'Kode kelas', join: 'Gabung', joined: 'Berhasil bergabung dengan kelas {name}',
    join_invited: 'Anda diundang ke kelas', join_register: 'Daftar untuk bergabung', join_login: 'Sudah punya akun? Masuk',
    invitations: 'Undangan kelas', accept: 'Terima', decline: 'Tolak', invited_by: 'mengundang Anda ke kelas',
    enroll: 'Mulai kursus', continue_to: 'Lanjutkan: {title}', start_first: 'Mulai pelajaran 1',
    lessons: 'pelajaran', minutes: 'menit', course_done: 'Kursus selesai!',
    empty_courses: 'Belum ada kursus. Pilih dari daftar di bawah.',
    mark_done: 'Tandai selesai', done: 'Selesai ✓', next: 'Berikutnya', back_course: 'Kembali ke kursus',
    table_hint: 'Geser tabel ke samping untuk melihat semua kolom →',
    practice_offline: 'Alat latihan ini perlu dimuat sekali saat ada sinyal.', my_classes: 'Kelas saya (pelatih)',
    certificate_open: 'Lihat sertifikat', certificates: 'Sertifikat saya', reports: 'Laporan',
    // saving courses for offline
    save_offline: 'Simpan untuk dibaca tanpa internet', saved_offline_mark: 'Tersimpan di HP ✓', remove_saved: 'Hapus dari HP',
    save_cost: '± {kb} KB, sekitar Rp {rp}', saving: 'Menyimpan…', saved_size: 'Tersimpan di HP ✓ ({kb} KB)',
    // quizzes
    kind_pretest: 'Tes awal', kind_practice: 'Latihan', kind_posttest: 'Tes akhir', kind_final: 'Ujian akhir',
    submit: 'Kirim jawaban', score: 'Nilai', passed: 'Lulus', not_passed: 'Belum lulus',
    pretest_note: 'Tes awal mengukur apa yang sudah Anda tahu. Tidak ada lulus atau gagal.',
    attempts_left: 'Sisa kesempatan: {n} dari {max}', attempts_unlimited: 'Boleh dicoba berkali-kali.',
    no_attempts: 'Kesempatan Anda untuk kuis ini sudah habis.',
    unanswered: '{n} soal belum dijawab. Tetap kirim?', unanswered_all: 'Belum ada soal yang dijawab.',
    send_anyway: 'Tetap kirim', answer_more: 'Jawab dulu',
    right: 'Benar ✓', wrong: 'Belum tepat ✗', right_answer: 'Jawaban yang benar: {a}', not_answered: 'Tidak dijawab',
    answers_later: 'Jawaban yang benar dan penjelasannya muncul setelah Anda lulus atau kesempatan habis.',
    saved_quiz_offline: 'Jawaban disimpan di HP dan akan dinilai saat online.',
    keep_learning: 'Lanjut belajar', your_score: 'Nilai Anda: {n}%',
    true: 'Benar', false: 'Salah', your_answer: 'Jawaban Anda',
    // read-aloud
    read_aloud: 'Bacakan', pause: 'Jeda', resume: 'Lanjutkan', stop: 'Berhenti',
    no_voice: 'HP ini belum bisa membacakan teks. Pasang suara Bahasa Indonesia di pengaturan Text-to-speech.',
    // trainer
  },
  en: {
    app_tagline: 'Digital skills for Kupang small businesses',
    profile: 'Profile', back: 'Back', loading: 'Loading…', choose: 'Choose…',
    error_generic: 'Sorry, something went wrong. Please try again.', error_network: 'No internet connection.',
    offline: 'You are offline. Progress is saved on your phone and sent later.',
    waiting: '{what} not sent yet', waiting_lessons: '{n} lesson(s)', waiting_quizzes: '{n} quiz(zes)',
    sent: 'Sent ✓', not_found: 'Page not found.', not_available: 'This page is not available for your account yet.',
    fix_fields: 'Check the fields marked in red.',
    login: 'Log in', register: 'Sign up', register_new: 'Create a new account', logout: 'Log out',
    phone: 'Phone number', phone_hint: 'Example: 0812 3456 7890',
    password: 'Password', password_hint: 'At least 8 characters', new_password: 'New password',
    name: 'Full name', business_name: 'Business name (optional)', sector: 'Business type',
    region: 'Region', gender: 'Gender', gender_f: 'Female', gender_m: 'Male', gender_none: 'Prefer not to say',
    birth_year: 'Year of birth (optional)',
    sector_kuliner: 'Food (e.g. sei, cakes)', sector_tenun: 'Ikat weaving', sector_kerajinan: 'Crafts (e.g. sasando, baskets)',
    sector_fesyen: 'Fashion', sector_jasa: 'Services', sector_lainnya: 'Other',
    no_account: 'No account yet?', have_account: 'Already have an account?',
    have_code: 'Have an activation code from your trainer?', activate: 'Activate account', activation_code: 'Activation code',
    forgot: 'Forgot your password?', reset_title: 'Reset your password', reset_code: 'Reset code',
    reset_help: 'Ask your trainer or admin for a reset code, then enter it here.', reset_done: 'New password saved.',
    learners: 'Learners on this phone', add_learner: 'Add another learner', switch_to: 'Switch to {name}',
    pin: '4-digit PIN', pin_new: 'Choose a 4-digit PIN', pin_again: 'Repeat the PIN', pin_help: 'The PIN guards your account when the phone is shared.',
    pin_wrong: 'Wrong PIN.', pin_mismatch: 'The PINs differ.', pin_digits: 'The PIN must be 4 digits.', pin_locked: 'Too many wrong tries. Log in again with the password.',
    pin_enter: 'Enter the PIN of {name}', current: 'in use', remove_learner: 'Remove from this phone',
    landing_title: 'Learn online selling, content and bookkeeping — free, on your phone',
    landing_what: 'What you can learn', read_first: 'Read the first lesson',
    my_courses: 'My courses', all_courses: 'All courses', join_cohort: 'Join a class',
    join_code: 'Class code', join: 'Join', joined: 'You joined the class {name}',
    join_invited: 'You are invited to the class', join_register: 'Sign up to join', join_login: 'Have an account? Log in',
    invitations: 'Class invitations', accept: 'Accept', decline: 'Decline', invited_by: 'invites you to the class',
    enroll: 'Start course', continue_to: 'Continue: {title}', start_first: 'Start lesson 1',
    lessons: 'lessons', minutes: 'min', course_done: 'Course complete!',
    empty_courses: 'No courses yet. Pick one from the list below.',
    mark_done: 'Mark as done', done: 'Done ✓', next: 'Next', back_course: 'Back to the course',
    table_hint: 'Swipe the table sideways to see every column →',
    practice_offline: 'This exercise needs signal once to load.', my_classes: 'My classes (trainer)',
    certificate_open: 'See the certificate', certificates: 'My certificates', reports: 'Reports',
    save_offline: 'Save to read without internet', saved_offline_mark: 'Saved on this phone ✓', remove_saved: 'Remove from phone',
    save_cost: '± {kb} KB, about Rp {rp}', saving: 'Saving…', saved_size: 'Saved on this phone ✓ ({kb} KB)',
    kind_pretest: 'Pre-test', kind_practice: 'Practice', kind_posttest: 'Post-test', kind_final: 'Final exam',
    submit: 'Submit answers', score: 'Score', passed: 'Passed', not_passed: 'Not passed yet',
    pretest_note: 'The pre-test measures what you already know. There is no pass or fail.',
    attempts_left: 'Attempts left: {n} of {max}', attempts_unlimited: 'You may try as often as you like.',
    no_attempts: 'You have used every attempt for this quiz.',
    unanswered: '{n} question(s) not answered. Submit anyway?', unanswered_all: 'No question is answered yet.',
    send_anyway: 'Submit anyway', answer_more: 'Answer first',
    right: 'Right ✓', wrong: 'Not quite ✗', right_answer: 'The right answer: {a}', not_answered: 'Not answered',
    answers_later: 'The right answers and explanations appear once you pass or have no attempt left.',
    saved_quiz_offline: 'Answers saved on your phone; they will be graded when you are online.',
    keep_learning: 'Keep learning', your_score: 'Your score: {n}%',
    true: 'True', false: 'False', your_answer: 'Your answer',
    read_aloud: 'Read aloud', pause: 'Pause', resume: 'Resume', stop: 'Stop',
    no_voice: 'This phone cannot read text aloud yet. Install a voice in the Text-to-speech settings.',
  },
};

// addWords adds a section to the dictionary; its keys carry the
// section's prefix, so no two sections can collide.
export function addWords(section) {
  for (const l of ['id', 'en']) Object.assign(strings[l], section[l]);
}

export function lang() {
  return localStorage.getItem('lang') === 'en' ? 'en' : 'id';
}

export function setLang(l) {
  localStorage.setItem('lang', l === 'en' ? 'en' : 'id');
  document.documentElement.lang = lang();
}

export function t(key, vars) {
  let s = strings[lang()][key] ?? strings.id[key] ?? key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return s;
}

// num writes a number the way the reader expects (75.000 / 75,000).
export function num(n, digits = 0) {
  return Number(n).toLocaleString(lang() === 'en' ? 'en-US' : 'id-ID', { maximumFractionDigits: digits });
}
