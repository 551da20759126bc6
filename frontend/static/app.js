// Lontar's web app: plain ES modules, no build step. This module holds the
// router and the screens a learner needs first (landing, sign-in, home,
// course, lesson); every other screen lives in its own module, loaded on
// demand through the route table below. Views are built with h() from
// ui.js; the only HTML inserted as markup is a lesson body, which the
// server rendered from Markdown and sanitised at publish.
import { t, lang } from '/i18n.js';
import { api, session, mine, record, flush, logout, APIError } from '/api.js';
import { h, go, link, button, page, loading, field, submitting, select, progressBar, regionOptions, message, notice, rerender, settings, signedIn, staff, home } from '/ui.js';
import { course, cached, enrollments, doneLessons, lessonsOf, nextLesson, catalogue } from '/data.js';

// Screens in their own modules, loaded when first opened, so a learner's
// first load carries none of them. A module plugs in with one row:
// [path pattern, module, exported view(...matches), who may open it].
const screens = [
  [/^\/kuis\/([^/]+)$/, '/quiz.js', 'quizView', 'user'],
  [/^\/pelajar$/, '/learners.js', 'learnersView', 'any'],
  [/^\/pelajar\/tambah$/, '/learners.js', 'addLearnerView', 'any'],
  [/^\/lupa-sandi$/, '/learners.js', 'resetView', 'any'],
  [/^\/pelatih$/, '/trainer.js', 'trainerView', 'staff'],
  [/^\/pelatih\/kelas\/([^/]+)$/, '/trainer.js', 'rosterView', 'staff'],
  [/^\/pelatih\/kursus$/, '/editor.js', 'coursesView', 'staff'],
  [/^\/pelatih\/kursus\/([^/]+)$/, '/editor.js', 'courseEditView', 'staff'],
  [/^\/pelatih\/kursus\/([^/]+)\/kuis$/, '/quizedit.js', 'quizListView', 'staff'],
  [/^\/pelatih\/kuis\/([^/]+)$/, '/quizedit.js', 'quizEditView', 'staff'],
  [/^\/sertifikat$/, '/certificate.js', 'certificatesView', 'user'],
  [/^\/sertifikat\/([^/]+)$/, '/certificate.js', 'certificateView', 'user'],
  [/^\/pelatih\/kelas\/([^/]+)\/sertifikat$/, '/certificate.js', 'cohortCertificatesView', 'staff'],
  [/^\/pelatih\/kelas\/([^/]+)\/bantuan$/, '/reports.js', 'cohortHelpView', 'staff'],
  [/^\/laporan$/, '/reports.js', 'reportsView', 'agency'],
];

const kb = (bytes) => Math.max(1, Math.round(bytes / 1024));
const courseMeta = (c) => `${c.lessons_count} ${t('lessons')} · ${c.est_minutes} ${t('minutes')} · ${kb(c.size_bytes)} KB`;

// --- visitors ---

async function landingView() {
  loading();
  const list = await catalogue();
  page(
    h('h1', {}, t('landing_title')),
    button('/daftar', t('register_new')),
    button('/masuk', t('login'), 'secondary'),
    h('h2', {}, t('landing_what')),
    h('ul', { class: 'cards' }, list.map((c) => h('li', { class: 'card' },
      h('h3', {}, c.title), h('p', {}, c.summary), h('p', { class: 'meta' }, courseMeta(c)),
      c.first_lesson_id ? button(`/kursus/${c.id}/${c.first_lesson_id}`, t('read_first'), 'secondary') : null))));
}

function loginView() {
  const form = submitting(h('form', { class: 'card', novalidate: true },
    h('h1', {}, t('login')),
    field('phone', t('phone'), h('input', { type: 'tel', inputmode: 'tel', autocomplete: 'tel', required: true }), t('phone_hint')),
    field('password', t('password'), h('input', { type: 'password', autocomplete: 'current-password', required: true })),
    h('p', { class: 'form-error', role: 'alert' }),
    h('button', { type: 'submit', class: 'primary' }, t('login'))),
  async (fd) => {
    await signedIn(await api.post('/auth/login', { phone: fd.get('phone'), password: fd.get('password') }));
  });
  page(form,
    h('p', {}, t('no_account')), button('/daftar', t('register_new'), 'secondary'),
    h('p', {}, t('have_code')), button('/aktivasi', t('activate'), 'secondary'),
    button('/lupa-sandi', t('forgot'), 'plain'));
}

const sectors = ['kuliner', 'tenun', 'kerajinan', 'fesyen', 'jasa', 'lainnya'];

async function registerView() {
  const invite = sessionStorage.getItem('lontar.invite');
  const form = submitting(h('form', { class: 'card', novalidate: true },
    h('h1', {}, t('register')),
    invite ? h('p', { class: 'invite' }, t('join_invited'), ' ', h('strong', {}, invite)) : null,
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
    h('button', { type: 'submit', class: 'primary' }, t('register'))),
  async (fd) => {
    const by = parseInt(fd.get('birth_year'), 10);
    await signedIn(await api.post('/auth/register', {
      name: fd.get('name'), phone: fd.get('phone'), password: fd.get('password'),
      profile: { business_name: fd.get('business_name'), sector: fd.get('sector'), region: fd.get('region'),
        gender: fd.get('gender'), birth_year: Number.isFinite(by) ? by : 0 },
    }));
  });
  page(form, h('p', {}, t('have_account')), button('/masuk', t('login'), 'secondary'));
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
    await signedIn(await api.post('/auth/activate', { phone: fd.get('phone'), code: fd.get('code'), password: fd.get('password') }));
  });
  page(form);
}

// --- joining a class from a WhatsApp link ---

async function joinView(code) {
  code = decodeURIComponent(code);
  if (!session.user) {
    // Say which class invites them before asking anything.
    let inv = null;
    try { inv = await api.get('/join/' + encodeURIComponent(code)); } catch (e) {
      return page(h('p', { class: 'form-error', role: 'alert' }, message(e)), button('/', t('back'), 'secondary'));
    }
    sessionStorage.setItem('lontar.next', location.pathname);
    sessionStorage.setItem('lontar.invite', inv.name);
    return page(h('div', { class: 'card invite' },
      h('p', {}, t('join_invited')), h('h1', {}, inv.name),
      h('ul', {}, inv.courses.map((c) => h('li', {}, c.title)))),
    button('/daftar', t('join_register')), button('/masuk', t('join_login'), 'secondary'));
  }
  loading();
  try {
    const res = await api.post('/cohorts/join', { code });
    sessionStorage.removeItem('lontar.invite');
    go('/');
    notice(t('joined', { name: res?.cohort?.name || res?.name || code }));
  } catch (e) {
    page(h('p', { class: 'form-error', role: 'alert' }, message(e)), button('/', t('back'), 'secondary'));
  }
}

// --- learner home ---

async function homeView() {
  loading();
  const [list, all] = await Promise.all([enrollments(), catalogue()]);
  const cards = await Promise.all((list || []).map(async (en) => {
    const c = await course(en.course_id).catch(() => null);
    const done = doneLessons(en.course_id, en);
    const total = c ? lessonsOf(c).length : en.lessons_total;
    const next = c ? nextLesson(c, done) : null;
    return h('li', { class: 'card course' },
      link('/kursus/' + en.course_id, { class: 'title' }, h('strong', {}, c?.title || en.course_title || en.course_id)),
      progressBar(total ? (100 * done.size) / total : en.percent),
      next ? button(`/kursus/${en.course_id}/${next.id}`, t('continue_to', { title: next.title }))
        : h('span', { class: 'badge' }, t('course_done')),
      en.certificate_code ? button('/sertifikat/' + encodeURIComponent(en.certificate_code), t('certificate_open'), 'secondary') : null);
  }));
  const joinForm = submitting(h('form', { class: 'card', novalidate: true },
    field('code', t('join_code'), h('input', { autocapitalize: 'characters', placeholder: 'ABCD-EFGH' })),
    h('p', { class: 'form-error', role: 'alert' }),
    h('button', { type: 'submit', class: 'secondary' }, t('join'))),
  async (fd) => {
    const res = await api.post('/cohorts/join', { code: fd.get('code') });
    notice(t('joined', { name: res?.cohort?.name || res?.name || '' }));
    rerender();
  });
  const enrolled = new Set((list || []).map((e) => e.course_id));
  const invitations = await api.get('/me/invitations').catch(() => []);
  page(
    h('h1', {}, t('my_courses')),
    (invitations || []).length ? [h('h2', {}, t('invitations')), h('ul', { class: 'cards' }, invitations.map(invitationCard))] : null,
    cards.length ? h('ul', { class: 'cards' }, cards) : h('p', {}, t('empty_courses')),
    h('h2', {}, t('all_courses')),
    h('ul', { class: 'list' }, all.filter((c) => !enrolled.has(c.id)).map((c) => h('li', {}, link('/kursus/' + c.id,
      h('strong', {}, c.title), h('span', {}, c.summary), h('small', {}, courseMeta(c)))))),
    h('h2', {}, t('join_cohort')), joinForm);
}

// invitationCard lets a learner a trainer imported decide whether to join.
function invitationCard(inv) {
  const answer = (verb) => async (e) => {
    e.target.disabled = true;
    try {
      await api.post(`/me/invitations/${encodeURIComponent(inv.cohort_id)}/${verb}`);
      if (verb === 'accept') notice(t('joined', { name: inv.cohort_name }));
      rerender();
    } catch (err) { e.target.disabled = false; alert(message(err)); }
  };
  return h('li', { class: 'card invitation' },
    h('p', {}, h('strong', {}, inv.institution), ` ${t('invited_by')} `, h('strong', {}, inv.cohort_name)),
    h('p', { class: 'meta' }, (inv.courses || []).map((c) => c.title).join(', ')),
    h('button', { type: 'button', class: 'primary', onclick: answer('accept') }, t('accept')),
    h('button', { type: 'button', class: 'secondary', onclick: answer('decline') }, t('decline')));
}

// --- course, lesson ---

async function courseView(id) {
  loading();
  const [c, list] = await Promise.all([course(id), session.user ? enrollments() : []]);
  const enrollment = (list || []).find((e) => e.course_id === id) || null;
  // Quizzes are listed to enrolled learners only: asking before enrolling
  // would be refused.
  const quizzes = enrollment ? await api.kept(`/courses/${encodeURIComponent(id)}/quizzes?lang=${lang()}`).catch(() => []) : [];
  const done = doneLessons(id, enrollment);
  const results = enrollment?.quiz_results || {};
  const next = nextLesson(c, done);
  const quizItem = (q) => h('li', { class: 'quiz' }, link('/kuis/' + q.id,
    titled(q) ? null : h('small', { class: 'kind' }, t('kind_' + q.kind)), h('strong', {}, q.title),
    results[q.id] ? h('span', { class: 'badge' }, `${t('score')} ${Math.round(results[q.id].best_score)}%`) : null));
  const ls = lessonsOf(c);
  let action;
  if (enrollment) {
    action = [progressBar((100 * done.size) / Math.max(1, ls.length)),
      next ? button(`/kursus/${id}/${next.id}`, done.size ? t('continue_to', { title: next.title }) : t('start_first'))
        : h('p', { class: 'badge' }, t('course_done'))];
  } else if (session.user && !staff(session.user)) {
    action = h('button', { class: 'primary', type: 'button', onclick: async (e) => {
      e.target.disabled = true;
      try {
        await api.post(`/courses/${encodeURIComponent(id)}/enroll`);
        rerender();
      } catch (err) { e.target.disabled = false; alert(message(err)); }
    } }, t('enroll'));
  } else if (!session.user) {
    action = [button('/daftar', t('register_new')), ls[0] ? button(`/kursus/${id}/${ls[0].id}`, t('read_first'), 'secondary') : null];
  }
  const saver = enrollment ? await import('/offline.js').then((m) => m.saveButton(c, quizzes)).catch(() => null) : null;
  page(
    h('h1', {}, c.title), h('p', {}, c.summary), action, saver,
    h('ul', { class: 'list' }, quizzes.filter((q) => q.kind === 'pretest').map(quizItem)),
    c.modules.map((m) => h('section', { class: 'module' },
      h('h2', {}, m.title),
      h('ol', { class: 'lessons' }, m.lessons.map((l) => h('li', { class: done.has(l.id) ? 'done' : '' },
        link(`/kursus/${id}/${l.id}`, h('span', {}, l.title), h('small', {}, `${l.est_minutes} ${t('minutes')}`))))),
      h('ul', { class: 'list' }, quizzes.filter((q) => q.module_id === m.id && q.kind !== 'pretest').map(quizItem)))),
    h('ul', { class: 'list' }, quizzes.filter((q) => !q.module_id && q.kind !== 'pretest').map(quizItem)));
}

// titled reports whether a quiz's title already says its kind ("Tes
// awal: …"), so the kind is not said twice.
export const titled = (q) => q.title.toLowerCase().startsWith(t('kind_' + q.kind).toLowerCase());

// tables lets a lesson's tables scroll sideways with a visible hint rather
// than breaking words mid-syllable on a narrow phone.
function tables(article) {
  for (const table of article.querySelectorAll('table')) {
    const wrap = h('div', { class: 'table-scroll', tabindex: '0' });
    table.replaceWith(wrap);
    wrap.append(table);
    requestAnimationFrame(() => {
      if (wrap.scrollWidth > wrap.clientWidth + 2) wrap.before(h('p', { class: 'table-hint' }, t('table_hint')));
    });
  }
}

async function lessonView(courseId, lessonId) {
  if (!cached(courseId)) loading();
  const c = await course(courseId);
  const ls = lessonsOf(c);
  const i = ls.findIndex((l) => l.id === lessonId);
  if (i < 0) return notFound();
  const lesson = ls[i];
  const list = session.user && !staff(session.user) ? mine.get('enrollments', []) : [];
  const enrollment = list.find((e) => e.course_id === courseId);
  const body = h('article', { class: 'lesson' });
  body.innerHTML = lesson.body; // sanitised on the server at publish
  tables(body);
  const next = ls[i + 1];
  const nextBtn = next ? button(`/kursus/${courseId}/${next.id}`, t('next') + ': ' + next.title)
    : button('/kursus/' + courseId, t('back_course'));
  let actions;
  if (enrollment) {
    const isDone = doneLessons(courseId, enrollment).has(lessonId);
    const doneBtn = h('button', { type: 'button', class: isDone ? 'secondary' : 'primary', disabled: isDone, onclick: () => {
      record('lesson_completed', { course_id: courseId, lesson_id: lessonId });
      doneBtn.textContent = t('done');
      doneBtn.disabled = true;
      doneBtn.className = 'secondary';
      nextBtn.classList.replace('secondary', 'primary');
    } }, isDone ? t('done') : t('mark_done'));
    if (!isDone) nextBtn.classList.replace('primary', 'secondary');
    actions = [doneBtn, nextBtn];
  } else {
    actions = session.user ? [nextBtn] : [button('/daftar', t('register_new')), nextBtn];
    if (!session.user) nextBtn.classList.replace('primary', 'secondary');
  }
  const speak = h('div', { class: 'speak' });
  import('/speech.js').then((m) => speak.replaceWith(m.readAloud(body))).catch(() => {});
  page(link('/kursus/' + courseId, { class: 'back' }, '← ' + c.title), h('h1', {}, lesson.title), speak, body,
    h('div', { class: 'actions' }, actions));
  window.scrollTo(0, 0);
  practiceTools(body, courseId, lessonId);
}

// practiceTools loads the practice module only for a lesson that has a
// practice block; without signal on a first visit the block says so.
function practiceTools(body, courseId, lessonId) {
  const blocks = body.querySelectorAll('.practice[data-practice]');
  if (!blocks.length) return;
  import('/practice.js').then((m) => m.mount(blocks, { lang: lang(), userId: session.id, courseId, lessonId, record }),
    () => blocks.forEach((b) => { b.querySelector('.practice-fallback').textContent = t('practice_offline'); }));
}

// --- profile ---

function profileView() {
  const u = session.user || {};
  page(h('h1', {}, t('profile')), h('p', {}, u.name, h('br'), u.phone),
    staff(u) ? button('/pelatih', t('my_classes'), 'secondary') : button('/sertifikat', t('certificates'), 'secondary'),
    u.role === 'agency' || u.role === 'admin' ? button('/laporan', t('reports'), 'secondary') : null,
    button('/pelajar', t('learners'), 'secondary'),
    h('button', { type: 'button', class: 'secondary', onclick: async () => {
      await logout();
      go('/');
    } }, t('logout')));
}

function notFound(text = t('not_found')) {
  page(h('h1', {}, text), button('/', t('back'), 'secondary'));
}

// --- router ---

async function render() {
  document.documentElement.lang = lang();
  const p = location.pathname;
  const u = session.user;
  try {
    let r;
    if (p === '/masuk') return loginView();
    if (p === '/daftar') return await registerView();
    if (p === '/aktivasi') return activateView();
    if ((r = p.match(/^\/join\/([^/]+)$/))) return await joinView(r[1]);
    if ((r = p.match(/^\/kursus\/([^/]+)\/([^/]+)$/))) return await lessonView(r[1], r[2]);
    if ((r = p.match(/^\/kursus\/([^/]+)$/))) return await courseView(r[1]);
    for (const [re, mod, view, who] of screens) {
      if (!(r = p.match(re))) continue;
      if (who !== 'any' && !u) return loginView();
      if (who === 'staff' && !staff(u)) return notFound(t('not_available'));
      if (who === 'agency' && u.role !== 'agency' && u.role !== 'admin') return notFound(t('not_available'));
      const m = await import(mod);
      return await m[view](...r.slice(1).map(decodeURIComponent));
    }
    if (!u) return p === '/' ? await landingView() : loginView();
    // Each role lands on its own home; one whose screens are not here yet
    // gets a plain "not yet available", never a bare 404.
    if (p === '/' && home(u) !== '/') return go(home(u));
    if (p === home(u) && p !== '/') return notFound(t('not_available'));
    if (p === '/') return await homeView();
    if (p === '/profil') return profileView();
    return notFound();
  } catch (e) {
    if (e instanceof APIError && e.status === 401) {
      session.clear();
      return loginView();
    }
    page(h('p', { class: 'form-error', role: 'alert' }, message(e)), button('/', t('back'), 'secondary'));
  }
}

// After a sync the screen is drawn again from the server's answer, with
// "Terkirim ✓" (an offline quiz's score then shows in its course).
window.addEventListener('lontar:synced', (e) => {
  if (e.detail.uid !== session.id) return;
  notice(t('sent'));
  if (!document.querySelector('form :focus')) rerender();
  announceCertificate();
});

// announceCertificate says so the moment a course completes (after a
// passed quiz, or when offline lessons reach the server).
export function announceCertificate() {
  import('/certificate.js').then((m) => m.announce()).catch(() => {});
}
window.addEventListener('lontar:navigate', render);
window.addEventListener('popstate', render);
window.addEventListener('online', render);
window.addEventListener('offline', render);
// A new version's worker takes over while the learner has not touched
// the page yet (it waits from an earlier visit, or installs right after
// opening), and the page reloads into that version; once they have
// started, it waits for the next open, so nobody loses a half-typed form.
let touched = false;
for (const ev of ['pointerdown', 'keydown']) window.addEventListener(ev, () => { touched = true; }, { once: true, capture: true });
function takeOver(worker) {
  if (touched || !navigator.serviceWorker.controller) return;
  navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), { once: true });
  worker.postMessage('skipWaiting');
}
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/sw.js').then((reg) => {
    if (reg.waiting) return takeOver(reg.waiting);
    reg.addEventListener('updatefound', () => {
      const w = reg.installing;
      w?.addEventListener('statechange', () => { if (w.state === 'installed') takeOver(w); });
    });
  }).catch(() => {});
}
render();
flush();
// Keep settings warm for the register form and the offline saver.
settings();
