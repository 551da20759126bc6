// Lontar's web app: plain ES modules, no build step. Every view is built
// with h(); the only HTML inserted as markup is a lesson body, which the
// server rendered from Markdown and sanitised at publish.
import { t, lang, setLang } from '/i18n.js';
import { api, session, logout, record, flush, outbox, uuid, APIError } from '/api.js';

const root = document.getElementById('app');

function h(tag, attrs = {}, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const kid of kids.flat()) {
    if (kid === null || kid === undefined || kid === false) continue;
    el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return el;
}

function go(path) {
  history.pushState(null, '', path);
  render();
}

function link(path, ...kids) {
  return h('a', { href: path, onclick: (e) => { e.preventDefault(); go(path); } }, ...kids);
}

function message(e) {
  if (e instanceof APIError && e.code === 'network') return t('error_network');
  return (e && e.message) || t('error_generic');
}

// --- layout ---

function header() {
  const other = lang() === 'id' ? 'en' : 'id';
  return h('header', { class: 'top' },
    link('/', h('span', { class: 'brand' }, 'Lontar')),
    h('nav', {},
      session.user ? link('/profil', t('profile')) : null,
      h('button', { type: 'button', class: 'lang', 'aria-label': 'Language / Bahasa',
        onclick: () => { setLang(other); render(); } }, other === 'en' ? 'English' : 'Bahasa Indonesia')));
}

function statusBar() {
  const n = outbox().length;
  if (!navigator.onLine) return h('p', { class: 'status offline', role: 'status' }, t('offline'), n ? ` (${n} ${t('pending')})` : '');
  if (n) return h('p', { class: 'status', role: 'status' }, `${n} ${t('pending')}`);
  return null;
}

function page(...kids) {
  root.replaceChildren(header(), statusBar() || '', h('div', { class: 'page' }, ...kids));
  document.title = 'Lontar';
}

// --- forms ---

function field(name, label, input, hint) {
  input.id = 'f-' + name;
  input.name = name;
  return h('div', { class: 'field', 'data-field': name },
    h('label', { for: input.id }, label), input,
    hint ? h('small', { class: 'hint' }, hint) : null,
    h('small', { class: 'error', id: 'e-' + name, 'aria-live': 'polite' }));
}

function showErrors(form, e) {
  form.querySelectorAll('.error').forEach((el) => { el.textContent = ''; });
  form.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
  const general = form.querySelector('.form-error');
  general.textContent = '';
  let placed = false;
  for (const [name, msg] of Object.entries((e && e.fields) || {})) {
    const key = name.replace(/^profile\./, '');
    const el = form.querySelector('#e-' + CSS.escape(key));
    if (el) {
      el.textContent = msg;
      form.querySelector('#f-' + CSS.escape(key))?.setAttribute('aria-invalid', 'true');
      placed = true;
    }
  }
  if (!placed) general.textContent = message(e);
}

function submitting(form, fn) {
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const btn = form.querySelector('button[type=submit]');
    btn.disabled = true;
    try {
      await fn(new FormData(form));
    } catch (e) {
      showErrors(form, e);
    } finally {
      btn.disabled = false;
    }
  });
  return form;
}

let regionsCache = null;
// regionOptions lists each kabupaten/kota; where Lontar knows its kecamatan
// (Kota Kupang, Kabupaten Kupang) they are grouped under it.
async function regionOptions() {
  regionsCache ??= await api.get('/regions').catch(() => []);
  const kids = new Map();
  for (const r of regionsCache) {
    if (r.level === 'kecamatan') kids.set(r.parent, [...(kids.get(r.parent) || []), r]);
  }
  return regionsCache.filter((r) => r.level === 'kabupaten' || r.level === 'kota').map((k) => {
    const label = k.level === 'kabupaten' ? `Kabupaten ${k.name}` : k.name;
    const sub = kids.get(k.code);
    if (!sub) return h('option', { value: k.code }, label);
    return h('optgroup', { label }, h('option', { value: k.code }, label),
      sub.map((r) => h('option', { value: r.code }, `${r.name} (${label})`)));
  });
}

function select(options) {
  return h('select', {}, h('option', { value: '' }, t('choose')), ...options);
}

// --- views ---

function loginView() {
  const form = submitting(h('form', { class: 'card', novalidate: true },
    h('h1', {}, t('login')),
    field('phone', t('phone'), h('input', { type: 'tel', inputmode: 'tel', autocomplete: 'tel', required: true }), t('phone_hint')),
    field('password', t('password'), h('input', { type: 'password', autocomplete: 'current-password', required: true })),
    h('p', { class: 'form-error', role: 'alert' }),
    h('button', { type: 'submit', class: 'primary' }, t('login')),
    h('p', {}, t('no_account'), ' ', link('/daftar', t('register'))),
    h('p', {}, t('have_code'), ' ', link('/aktivasi', t('activate')))),
  async (fd) => {
    session.save(await api.post('/auth/login', { phone: fd.get('phone'), password: fd.get('password') }));
    afterLogin();
  });
  page(h('p', { class: 'tagline' }, t('app_tagline')), form);
}

async function registerView() {
  const sectors = ['kuliner', 'tenun', 'kerajinan', 'fesyen', 'jasa', 'lainnya'];
  const form = submitting(h('form', { class: 'card', novalidate: true },
    h('h1', {}, t('register')),
    field('name', t('name'), h('input', { autocomplete: 'name', required: true })),
    field('phone', t('phone'), h('input', { type: 'tel', inputmode: 'tel', autocomplete: 'tel', required: true }), t('phone_hint')),
    field('password', t('password'), h('input', { type: 'password', autocomplete: 'new-password', required: true }), t('password_hint')),
    field('business_name', t('business_name'), h('input', {})),
    field('sector', t('sector'), select(sectors.map((s) => h('option', { value: s }, t('sector_' + s))))),
    field('region', t('region'), select(await regionOptions())),
    field('gender', t('gender'), h('select', {}, h('option', { value: '' }, t('gender_none')),
      h('option', { value: 'f' }, t('gender_f')), h('option', { value: 'm' }, t('gender_m')))),
    field('birth_year', t('birth_year'), h('input', { type: 'number', inputmode: 'numeric', min: 1930, max: 2020 })),
    h('p', { class: 'form-error', role: 'alert' }),
    h('button', { type: 'submit', class: 'primary' }, t('register')),
    h('p', {}, t('have_account'), ' ', link('/masuk', t('login')))),
  async (fd) => {
    const by = parseInt(fd.get('birth_year'), 10);
    session.save(await api.post('/auth/register', {
      name: fd.get('name'), phone: fd.get('phone'), password: fd.get('password'),
      profile: { business_name: fd.get('business_name'), sector: fd.get('sector'), region: fd.get('region'),
        gender: fd.get('gender'), birth_year: Number.isFinite(by) ? by : 0 },
    }));
    afterLogin();
  });
  page(form);
}

function activateView() {
  const form = submitting(h('form', { class: 'card', novalidate: true },
    h('h1', {}, t('activate')),
    field('phone', t('phone'), h('input', { type: 'tel', inputmode: 'tel', required: true }), t('phone_hint')),
    field('code', t('activation_code'), h('input', { autocapitalize: 'characters', required: true })),
    field('password', t('password'), h('input', { type: 'password', autocomplete: 'new-password', required: true }), t('password_hint')),
    h('p', { class: 'form-error', role: 'alert' }),
    h('button', { type: 'submit', class: 'primary' }, t('activate'))),
  async (fd) => {
    session.save(await api.post('/auth/activate', { phone: fd.get('phone'), code: fd.get('code'), password: fd.get('password') }));
    afterLogin();
  });
  page(form);
}

function afterLogin() {
  const u = session.user || {};
  const next = sessionStorage.getItem('lontar.next') || ({ trainer: '/pelatih', agency: '/laporan', admin: '/laporan' }[u.role] ?? null);
  sessionStorage.removeItem('lontar.next');
  flush();
  go(next || '/');
}

function progressBar(percent) {
  const p = Math.round(percent || 0);
  return h('div', { class: 'progress', role: 'progressbar', 'aria-valuenow': p, 'aria-valuemin': 0, 'aria-valuemax': 100 },
    h('span', { class: 'bar', 'data-p': String(Math.min(100, Math.max(0, Math.round(p / 5) * 5))) }), h('b', {}, `${p}%`));
}

// pendingLessons are completions still in the outbox, counted locally so
// progress shows at once even offline.
function pendingLessons(courseId) {
  return new Set(outbox().filter((e) => e.type === 'lesson_completed' && e.course_id === courseId).map((e) => e.lesson_id));
}

async function homeView() {
  page(h('p', {}, t('loading')));
  const [enrollments, courses, invitations] = await Promise.all([
    api.get('/me/enrollments').catch(() => []), api.get('/courses?lang=' + lang()).catch(() => []),
    api.get('/me/invitations').catch(() => [])]);
  const byId = new Map(courses.map((c) => [c.id, c]));
  const mine = (enrollments || []).map((en) => {
    const c = byId.get(en.course_id);
    const done = new Set([...Object.keys(en.completed_lessons || {}), ...pendingLessons(en.course_id)]);
    const pct = c && c.lessons_count ? (100 * done.size) / c.lessons_count : en.percent;
    return h('li', { class: 'course' }, link('/kursus/' + en.course_id,
      h('strong', {}, (c && c.title) || en.course_title || en.course_id), progressBar(Math.min(100, pct)),
      en.completed_at ? h('span', { class: 'badge' }, t('certificate_ready')) : null),
    en.certificate_code ? link('/sertifikat/' + encodeURIComponent(en.certificate_code), t('certificate_open')) : null);
  });
  const joinForm = submitting(h('form', { class: 'card inline', novalidate: true },
    field('code', t('join_code'), h('input', { autocapitalize: 'characters', placeholder: 'ABCD-EFGH' })),
    h('p', { class: 'form-error', role: 'alert' }),
    h('button', { type: 'submit' }, t('join'))),
  async (fd) => { await joinCohort(fd.get('code')); });
  // A trainer imported this learner: they decide whether to join.
  const answer = (inv, verb) => async (e) => {
    e.target.disabled = true;
    try {
      await api.post(`/me/invitations/${encodeURIComponent(inv.cohort_id)}/${verb}`);
      if (verb === 'accept') sessionStorage.setItem('lontar.flash', t('joined'));
      homeView();
    } catch (err) { e.target.disabled = false; alert(message(err)); }
  };
  const invited = (invitations || []).map((inv) => h('li', { class: 'card invitation' },
    h('p', {}, h('strong', {}, inv.institution), ` ${t('invited_by')} `, h('strong', {}, inv.cohort_name)),
    h('p', {}, inv.courses.map((c) => c.title).join(', ')),
    h('button', { type: 'button', class: 'primary', onclick: answer(inv, 'accept') }, t('accept')),
    h('button', { type: 'button', onclick: answer(inv, 'decline') }, t('decline'))));
  page(
    invited.length ? [h('h2', {}, t('invitations')), h('ul', { class: 'list plain' }, invited)] : null,
    h('h1', {}, t('my_courses')),
    mine.length ? h('ul', { class: 'list' }, mine) : h('p', {}, t('empty_courses')),
    h('h2', {}, t('join_cohort')), joinForm,
    h('h2', {}, t('all_courses')),
    h('ul', { class: 'list' }, courses.map((c) => h('li', { class: 'course' }, link('/kursus/' + c.id,
      h('strong', {}, c.title), h('span', {}, c.summary),
      h('small', {}, `${c.lessons_count} ${t('lessons')} · ${c.est_minutes} ${t('minutes')} · ${Math.round(c.size_bytes / 1024)} KB`))))));
}

async function joinCohort(code) {
  await api.post('/cohorts/join', { code });
  sessionStorage.setItem('lontar.flash', t('joined'));
  go('/');
}

async function joinView(code) {
  if (!session.user) {
    sessionStorage.setItem('lontar.next', location.pathname);
    return loginView();
  }
  page(h('p', {}, t('loading')));
  try {
    await joinCohort(decodeURIComponent(code));
  } catch (e) {
    page(h('p', { class: 'form-error', role: 'alert' }, message(e)), link('/', t('back')));
  }
}

async function courseView(id) {
  page(h('p', {}, t('loading')));
  const course = await api.get(`/courses/${encodeURIComponent(id)}?lang=${lang()}`);
  let enrollment = null;
  try {
    enrollment = await api.get('/me/enrollments/' + encodeURIComponent(id));
  } catch { /* not enrolled yet */ }
  const quizzes = await api.get(`/courses/${encodeURIComponent(id)}/quizzes?lang=${lang()}`).catch(() => []);
  const done = new Set([...Object.keys((enrollment && enrollment.completed_lessons) || {}), ...pendingLessons(id)]);
  const results = (enrollment && enrollment.quiz_results) || {};
  const quizItem = (q) => h('li', { class: 'quiz' }, link('/kuis/' + q.id,
    h('strong', {}, `${t('kind_' + q.kind)}: ${q.title}`),
    results[q.id] ? h('span', { class: 'badge' }, `${t('score')} ${Math.round(results[q.id].best_score)}%`) : null));
  page(
    h('h1', {}, course.title),
    h('p', {}, course.summary),
    enrollment ? progressBar((100 * done.size) / Math.max(1, countLessons(course)))
      : h('button', { class: 'primary', type: 'button', onclick: async (e) => {
        e.target.disabled = true;
        try { await api.post(`/courses/${encodeURIComponent(id)}/enroll`); courseView(id); } catch (err) { e.target.disabled = false; alert(message(err)); }
      } }, t('enroll')),
    h('ul', { class: 'list' }, quizzes.filter((q) => q.kind === 'pretest').map(quizItem)),
    course.modules.map((m) => h('section', { class: 'module' },
      h('h2', {}, m.title),
      h('ol', { class: 'lessons' }, m.lessons.map((l) => h('li', { class: done.has(l.id) ? 'done' : '' },
        link(`/kursus/${id}/${l.id}`, l.title, h('small', {}, ` · ${l.est_minutes} ${t('minutes')}`))))),
      h('ul', { class: 'list' }, quizzes.filter((q) => q.module_id === m.id && q.kind !== 'pretest').map(quizItem)))),
    h('ul', { class: 'list' }, quizzes.filter((q) => !q.module_id && q.kind !== 'pretest').map(quizItem)));
}

function countLessons(course) {
  return course.modules.reduce((n, m) => n + m.lessons.length, 0);
}

async function lessonView(courseId, lessonId) {
  page(h('p', {}, t('loading')));
  const course = await api.get(`/courses/${encodeURIComponent(courseId)}?lang=${lang()}`);
  const flat = course.modules.flatMap((m) => m.lessons);
  const i = flat.findIndex((l) => l.id === lessonId);
  if (i < 0) return notFound();
  const lesson = flat[i];
  const body = h('article', { class: 'lesson' });
  body.innerHTML = lesson.body; // sanitised on the server at publish
  const next = flat[i + 1];
  const isDone = pendingLessons(courseId).has(lessonId);
  const doneBtn = h('button', { type: 'button', class: 'primary big', disabled: isDone, onclick: () => {
    record('lesson_completed', { course_id: courseId, lesson_id: lessonId });
    doneBtn.textContent = t('done');
    doneBtn.disabled = true;
  } }, isDone ? t('done') : t('mark_done'));
  page(link('/kursus/' + courseId, '← ' + course.title), h('h1', {}, lesson.title), body,
    h('div', { class: 'actions' }, doneBtn,
      next ? link(`/kursus/${courseId}/${next.id}`, t('next') + ' →') : link('/kursus/' + courseId, t('back'))));
  practiceTools(body, courseId, lessonId);
}

// practiceTools loads the practice module only for a lesson that has a
// practice block; without signal on a first visit the block says so.
function practiceTools(body, courseId, lessonId) {
  const blocks = body.querySelectorAll('.practice[data-practice]');
  if (!blocks.length) return;
  import('/practice.js').then((m) => m.mount(blocks, { lang: lang(), userId: session.user && session.user.id, courseId, lessonId, record }),
    () => blocks.forEach((b) => { b.querySelector('.practice-fallback').textContent = lang() === 'en'
      ? 'This exercise needs signal once to load.' : 'Alat latihan ini perlu dimuat sekali saat ada sinyal.'; }));
}

function answerInput(q) {
  const name = 'q-' + q.id;
  switch (q.type) {
    case 'single':
      return q.choices.map((c) => h('label', { class: 'choice' }, h('input', { type: 'radio', name, value: c.id }), c.text));
    case 'multiple':
      return q.choices.map((c) => h('label', { class: 'choice' }, h('input', { type: 'checkbox', name, value: c.id }), c.text));
    case 'true_false':
      return [h('label', { class: 'choice' }, h('input', { type: 'radio', name, value: 'true' }), t('true')),
        h('label', { class: 'choice' }, h('input', { type: 'radio', name, value: 'false' }), t('false'))];
    case 'numeric':
      return [h('input', { type: 'text', inputmode: 'decimal', name, 'aria-label': t('your_answer') })];
    default:
      return [h('input', { type: 'text', name, 'aria-label': t('your_answer') })];
  }
}

function collect(form, quiz) {
  const answers = {};
  for (const q of quiz.questions) {
    const name = 'q-' + q.id;
    if (q.type === 'multiple') {
      const v = [...form.querySelectorAll(`input[name="${CSS.escape(name)}"]:checked`)].map((i) => i.value);
      if (v.length) answers[q.id] = v;
      continue;
    }
    const v = new FormData(form).get(name);
    if (v === null || v === '') continue;
    if (q.type === 'true_false') answers[q.id] = v === 'true';
    else if (q.type === 'numeric') {
      const n = parseNumber(String(v));
      answers[q.id] = Number.isFinite(n) ? n : String(v);
    } else answers[q.id] = v;
  }
  return answers;
}

// parseNumber reads a number as the learner typed it: Indonesian writes
// 75.000 and 2,5; English writes 75,000 and 2.5. "Rp" and spaces are ignored.
function parseNumber(s) {
  let v = s.replace(/rp|\s/gi, '');
  v = lang() === 'en' ? v.replace(/,/g, '') : v.replace(/\./g, '').replace(',', '.');
  return v === '' ? NaN : Number(v);
}

async function quizView(id) {
  page(h('p', {}, t('loading')));
  const quiz = await api.get(`/quizzes/${encodeURIComponent(id)}?lang=${lang()}`);
  // One id per attempt: a retry after a dropped answer, or the same answers
  // queued offline, is graded and counted once.
  const attemptId = uuid();
  const out = h('div', { class: 'results', 'aria-live': 'polite' });
  const form = submitting(h('form', { class: 'quiz-form', novalidate: true },
    quiz.questions.map((q, n) => h('fieldset', { class: 'question', 'data-q': q.id },
      h('legend', {}, `${n + 1}. ${q.prompt}`), answerInput(q), h('p', { class: 'feedback' }))),
    h('p', { class: 'form-error', role: 'alert' }),
    h('button', { type: 'submit', class: 'primary big' }, t('submit'))),
  async () => {
    const answers = collect(form, quiz);
    let res;
    try {
      res = await api.post(`/quizzes/${encodeURIComponent(id)}/attempts`, { answers, attempt_id: attemptId });
    } catch (e) {
      if (e.code !== 'network') throw e;
      record('quiz_submitted', { quiz_id: id, course_id: quiz.course_id, answers }, attemptId);
      out.replaceChildren(h('p', { class: 'status' }, t('saved_offline')));
      return;
    }
    out.replaceChildren(h('h2', {}, `${t('score')}: ${Math.round(res.score)}% — ${res.passed ? t('passed') : t('not_passed')}`));
    if (res.passed) announceCertificate();
    for (const r of res.results || []) {
      const fs = form.querySelector(`[data-q="${CSS.escape(r.question_id)}"]`);
      if (!fs) continue;
      fs.classList.toggle('right', !!r.correct);
      fs.classList.toggle('wrong', !r.correct);
      fs.querySelector('.feedback').textContent = [r.feedback, r.general_feedback].filter(Boolean).join(' ');
    }
    out.scrollIntoView();
  });
  page(link('/kursus/' + quiz.course_id, '← ' + t('back')), h('h1', {}, quiz.title), form, out);
}

function profileView() {
  const u = session.user || {};
  const teaches = u.role === 'trainer' || u.role === 'admin';
  page(h('h1', {}, t('profile')), h('p', {}, u.name, ' · ', u.phone),
    teaches ? h('p', {}, link('/pelatih', t('my_classes'))) : h('p', {}, link('/sertifikat', t('certificates'))),
    u.role === 'agency' || u.role === 'admin' ? h('p', {}, link('/laporan', t('reports'))) : null,
    h('button', { type: 'button', onclick: async () => { await logout(); go('/masuk'); } }, t('logout')));
}

function notFound() {
  page(h('h1', {}, '404'), link('/', t('back')));
}

// --- router ---

async function render() {
  document.documentElement.lang = lang();
  const p = location.pathname;
  const m = (re) => p.match(re);
  try {
    let r;
    if (p === '/masuk') return loginView();
    if (p === '/daftar') return await registerView();
    if (p === '/aktivasi') return activateView();
    if ((r = m(/^\/join\/([^/]+)$/))) return await joinView(r[1]);
    if (!session.user) return loginView();
    if (p === '/') return await homeView();
    if (p === '/profil') return profileView();
    if ((r = m(/^\/kursus\/([^/]+)\/([^/]+)$/))) return await lessonView(r[1], r[2]);
    if ((r = m(/^\/kursus\/([^/]+)$/))) return await courseView(r[1]);
    if ((r = m(/^\/kuis\/([^/]+)$/))) return await quizView(r[1]);
    if (p === '/laporan') return await (await import('/reports.js')).reportsView({ h, page }); // agency and admin only
    if ((r = m(/^\/pelatih\/([^/]+)\/bantuan$/))) return await (await import('/reports.js')).cohortHelpView({ h, page, link }, decodeURIComponent(r[1]));
    if (p === '/sertifikat' || (r = m(/^\/sertifikat\/([^/]+)$/)) || (r = m(/^\/pelatih\/([^/]+)\/sertifikat$/))) {
      // Certificates have their own module, downloaded when first opened.
      const cert = await import('/certificate.js');
      if (p === '/sertifikat') return await cert.certificatesView({ page });
      const arg = decodeURIComponent(r[1]);
      return p.startsWith('/pelatih/') ? await cert.cohortCertificatesView({ page }, arg) : await cert.certificateView({ page }, arg);
    }
    if ((r = m(/^\/pelatih(?:\/([^/]+))?$/))) {
      // Only trainers download the panel.
      const panel = await import('/trainer.js');
      const ui = { h, page, field, submitting, link };
      return r[1] ? await panel.rosterView(ui, decodeURIComponent(r[1])) : await panel.trainerView(ui);
    }
    return notFound();
  } catch (e) {
    if (e instanceof APIError && e.status === 401) {
      session.clear();
      return loginView();
    }
    page(h('p', { class: 'form-error', role: 'alert' }, message(e)), link('/', t('back')));
  }
}

// announceCertificate says so the moment a course completes (after a
// passed quiz, or when offline lessons reach the server).
function announceCertificate() {
  import('/certificate.js').then((m) => m.announce()).catch(() => {});
}
window.addEventListener('lontar:synced', announceCertificate);
window.addEventListener('popstate', render);
window.addEventListener('online', render);
window.addEventListener('offline', render);
if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(() => {});
render();
