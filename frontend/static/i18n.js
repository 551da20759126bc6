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
    invitations: 'Undangan kelas', accept: 'Terima',
    enroll: 'Mulai kursus', continue_to: 'Lanjutkan: {title}', start_first: 'Mulai pelajaran 1',
    lessons: 'pelajaran', minutes: 'menit', course_done: 'Kursus selesai!',
    empty_courses: 'Belum ada kursus. Pilih dari daftar di bawah.',
    mark_done: 'Tandai selesai', done: 'Selesai ✓', next: 'Berikutnya', back_course: 'Kembali ke kursus',
    table_hint: 'Geser tabel ke samping untuk melihat semua kolom →',
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
    saved_quiz_offline: 'Jawaban disimpan di HP dan akan dinilai saat online.',
    keep_learning: 'Lanjut belajar', your_score: 'Nilai Anda: {n}%',
    true: 'Benar', false: 'Salah', your_answer: 'Jawaban Anda',
    // read-aloud
    read_aloud: 'Bacakan', pause: 'Jeda', resume: 'Lanjutkan', stop: 'Berhenti',
    no_voice: 'HP ini belum bisa membacakan teks. Pasang suara Bahasa Indonesia di pengaturan Text-to-speech.',
    // trainer
    tr_title: 'Kelas saya', tr_create: 'Buka kelas baru', tr_name: 'Nama kelas', tr_course: 'Kursus', tr_starts: 'Mulai', tr_ends: 'Selesai',
    tr_members: 'peserta', tr_code: 'Kode', tr_share: 'Bagikan di WhatsApp', tr_roster: 'Daftar peserta',
    tr_none: 'Belum ada kelas.', tr_invite: 'Ayo belajar di Lontar! Gabung kelas kami lewat tautan ini:', tr_progress: 'Kemajuan',
    tr_copy_code: 'Salin kode', tr_copy_link: 'Salin tautan', tr_copied: 'Tersalin ✓',
    tr_last_seen: 'Terakhir aktif', tr_last_sync: 'Sinkron terakhir', tr_waiting_at_sync: '{n} belum terkirim saat itu',
    tr_lessons_done: 'Pelajaran selesai', tr_stopped_at: 'Berhenti di', tr_scores: 'Nilai kuis', tr_never: 'belum pernah',
    tr_new_code: 'Kode baru: aktivasi atau atur ulang sandi', tr_invited: 'Diundang, belum menjawab',
    tr_new_activation: 'Kode aktivasi baru untuk {name}: {code}. Kode lama tidak berlaku lagi.',
    tr_new_reset: 'Kode atur ulang kata sandi untuk {name}: {code}. Berikan langsung kepadanya.',
    tr_copy_course: 'Salin ke institusi saya', tr_copied_course: 'Kursus disalin sebagai draf.',
    my_classes: 'Kelas saya (pelatih)',
    // practice tools in lessons (practice.js)
    pr_price_title: 'Kalkulator harga', pr_batch: 'Biaya satu batch (Rp)', pr_units: 'Jumlah barang jadi', pr_ship: 'Kemasan dan ongkir per barang (Rp)',
    pr_margin: 'Margin yang Anda mau (%)', pr_fee: 'Potongan marketplace (%)', pr_fixed: 'Biaya tetap per pesanan (Rp)',
    pr_guess: 'Harga jual menurut hitungan Anda (Rp)', pr_check: 'Cek', pr_hpp: 'HPP per barang', pr_cost: 'Modal per barang (HPP + kemasan/ongkir)',
    pr_price: 'Harga jual (dibulatkan ke atas ke ribuan)', pr_fees: 'Potongan marketplace', pr_net: 'Uang yang diterima', pr_profit: 'Laba per barang',
    pr_got: 'Margin tercapai', pr_right: 'Tepat! Hitungan Anda benar.', pr_wrong: 'Belum tepat. Lihat langkah hitungannya di bawah, lalu coba lagi.',
    pr_formula: 'Harga = (modal + biaya tetap) ÷ (1 − margin − potongan)', pr_need: 'Isi semua angka. Jumlah barang jadi harus lebih dari 0.',
    pr_too_high: 'Margin + potongan harus di bawah 95%.',
    pr_cash_title: 'Latihan buku kas', pr_day: 'Hari', pr_what: 'Keterangan', pr_in: 'Masuk', pr_out: 'Keluar', pr_balance: 'Saldo', pr_opening: 'Saldo awal',
    pr_cash_ok: 'Semua saldo cocok. Buku kas Anda benar!', pr_cash_bad: 'baris belum cocok. Ingat: saldo baru = saldo sebelumnya + masuk − keluar.',
    pr_list_title: 'Periksa judul dan deskripsi', pr_title: 'Judul produk', pr_desc: 'Deskripsi',
    pr_r_type: 'Judul menyebut jenis produk', pr_r_origin: 'Judul menyebut asal (misalnya NTT, Kupang)', pr_r_size: 'Judul menyebut ukuran atau berat',
    pr_r_words: 'Judul memuat ciri (minimal 4 kata)', pr_r_calm: 'Tanpa huruf kapital semua dan tanpa tanda seru berulang',
    pr_r_material: 'Deskripsi menyebut bahan', pr_r_dsize: 'Deskripsi menyebut ukuran atau berat', pr_r_care: 'Deskripsi menyebut cara merawat atau menyimpan',
    pr_r_ship: 'Deskripsi menyebut waktu proses atau pengiriman', pr_r_story: 'Deskripsi bercerita singkat tentang pembuatnya',
    pr_score: 'Nilai', pr_saved: 'Hasil tersimpan di HP dan dikirim saat ada sinyal.', pr_offline_tool: 'Alat latihan ini perlu dimuat sekali saat ada sinyal.',
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
    invitations: 'Class invitations', accept: 'Accept',
    enroll: 'Start course', continue_to: 'Continue: {title}', start_first: 'Start lesson 1',
    lessons: 'lessons', minutes: 'min', course_done: 'Course complete!',
    empty_courses: 'No courses yet. Pick one from the list below.',
    mark_done: 'Mark as done', done: 'Done ✓', next: 'Next', back_course: 'Back to the course',
    table_hint: 'Swipe the table sideways to see every column →',
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
    saved_quiz_offline: 'Answers saved on your phone; they will be graded when you are online.',
    keep_learning: 'Keep learning', your_score: 'Your score: {n}%',
    true: 'True', false: 'False', your_answer: 'Your answer',
    read_aloud: 'Read aloud', pause: 'Pause', resume: 'Resume', stop: 'Stop',
    no_voice: 'This phone cannot read text aloud yet. Install a voice in the Text-to-speech settings.',
    tr_title: 'My classes', tr_create: 'Open a new class', tr_name: 'Class name', tr_course: 'Course', tr_starts: 'Starts', tr_ends: 'Ends',
    tr_members: 'participants', tr_code: 'Code', tr_share: 'Share on WhatsApp', tr_roster: 'Participants',
    tr_none: 'No classes yet.', tr_invite: 'Come and learn on Lontar! Join our class with this link:', tr_progress: 'Progress',
    tr_copy_code: 'Copy code', tr_copy_link: 'Copy link', tr_copied: 'Copied ✓',
    tr_last_seen: 'Last seen', tr_last_sync: 'Last sync', tr_waiting_at_sync: '{n} still waiting then',
    tr_lessons_done: 'Lessons done', tr_stopped_at: 'Stopped at', tr_scores: 'Quiz scores', tr_never: 'never',
    tr_new_code: 'New code: activation or password reset', tr_invited: 'Invited, no answer yet',
    tr_new_activation: 'New activation code for {name}: {code}. The old one no longer works.',
    tr_new_reset: 'Password reset code for {name}: {code}. Give it to them in person.',
    tr_copy_course: 'Copy to my institution', tr_copied_course: 'Course copied as a draft.',
    my_classes: 'My classes (trainer)',
    pr_price_title: 'Price calculator', pr_batch: 'Cost of one batch (Rp)', pr_units: 'Items the batch makes', pr_ship: 'Packing and shipping per item (Rp)',
    pr_margin: 'Margin you want (%)', pr_fee: 'Marketplace fees (%)', pr_fixed: 'Fixed fee per order (Rp)',
    pr_guess: 'Your selling price (Rp)', pr_check: 'Check', pr_hpp: 'HPP per item', pr_cost: 'Cost per item (HPP + packing/shipping)',
    pr_price: 'Selling price (rounded up to the thousand)', pr_fees: 'Marketplace fees', pr_net: 'Money received', pr_profit: 'Profit per item',
    pr_got: 'Margin achieved', pr_right: 'Right! Your working is correct.', pr_wrong: 'Not yet. See the working below, then try again.',
    pr_formula: 'Price = (cost + fixed fee) ÷ (1 − margin − fees)', pr_need: 'Fill in every number. Items per batch must be more than 0.',
    pr_too_high: 'Margin + fees must stay under 95%.',
    pr_cash_title: 'Cash-book practice', pr_day: 'Day', pr_what: 'Description', pr_in: 'In', pr_out: 'Out', pr_balance: 'Balance', pr_opening: 'Opening balance',
    pr_cash_ok: 'Every balance matches. Your cash book is right!', pr_cash_bad: 'rows do not match yet. Remember: new balance = previous balance + in − out.',
    pr_list_title: 'Check a title and description', pr_title: 'Product title', pr_desc: 'Description',
    pr_r_type: 'The title names the product type', pr_r_origin: 'The title names the origin (e.g. NTT, Kupang)', pr_r_size: 'The title gives a size or weight',
    pr_r_words: 'The title has a feature (at least 4 words)', pr_r_calm: 'No all-capitals and no repeated exclamation marks',
    pr_r_material: 'The description names the materials', pr_r_dsize: 'The description gives a size or weight', pr_r_care: 'The description says how to care for or store it',
    pr_r_ship: 'The description gives processing or shipping time', pr_r_story: 'The description tells a little about the maker',
    pr_score: 'Score', pr_saved: 'Result saved on the phone and sent when there is signal.', pr_offline_tool: 'This exercise needs signal once to load.',
  },
};

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
