// The trainer's panel: their cohorts with course, dates and a join code to
// copy or share on WhatsApp, a form to open a cohort, and each cohort's
// roster as a card per participant. Loaded only for trainers and admins.
import '/words-staff.js';
import { t, lang, num } from '/i18n.js';
import { api } from '/api.js';
import { h, page, loading, field, submitting, link, button, select, regionOptions, message, rerender } from '/ui.js';

function copyButton(text, label) {
  const b = h('button', { type: 'button', class: 'secondary', onclick: async () => {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // No clipboard permission (an http page): select the text instead.
      const ta = h('textarea', { readonly: true, class: 'copy-area' }, text);
      document.body.append(ta);
      ta.select();
      document.execCommand('copy');
      ta.remove();
    }
    b.textContent = t('tr_copied');
    setTimeout(() => { b.textContent = label; }, 2000);
  } }, label);
  return b;
}

const date = (s) => (s ? new Date(s).toLocaleDateString(lang() === 'en' ? 'en-GB' : 'id-ID', { day: 'numeric', month: 'short', year: 'numeric' }) : '—');
const when = (s) => (s ? new Date(s).toLocaleString(lang() === 'en' ? 'en-GB' : 'id-ID', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }) : t('tr_never'));

export async function trainerView() {
  loading();
  const [cohorts, list] = await Promise.all([api.get('/cohorts'), api.get('/courses?lang=' + lang())]);
  const title = new Map(list.map((c) => [c.id, c.title]));
  const today = new Date().toISOString().slice(0, 10);
  const form = submitting(h('form', { class: 'card', novalidate: true },
    h('h2', {}, t('tr_create')),
    field('name', t('tr_name'), h('input', { required: true })),
    field('course_ids', t('tr_course'), select(list.map((c) => h('option', { value: c.id }, c.title)))),
    field('starts_on', t('tr_starts'), h('input', { type: 'date', value: today })),
    field('ends_on', t('tr_ends'), h('input', { type: 'date' })),
    field('region', t('region'), select(await regionOptions())),
    h('p', { class: 'form-error', role: 'alert' }),
    h('button', { type: 'submit', class: 'primary' }, t('tr_create'))),
  async (fd) => {
    const course = fd.get('course_ids');
    await api.post('/cohorts', { name: fd.get('name'), course_ids: course ? [course] : [], starts_on: fd.get('starts_on'),
      ends_on: fd.get('ends_on'), region: fd.get('region') });
    rerender();
  });
  const item = (c) => h('li', { class: 'card cohort' },
    h('h3', {}, c.name),
    h('p', { class: 'meta' }, c.course_ids.map((id) => title.get(id) || id).join(', ')),
    h('p', { class: 'meta' }, `${date(c.starts_on)} – ${date(c.ends_on)} · ${num(c.members_count)} ${t('tr_members')}`),
    h('p', {}, `${t('tr_code')}: `, h('b', { class: 'code' }, c.join_code)),
    h('div', { class: 'row' }, copyButton(c.join_code, t('tr_copy_code')), copyButton(c.join_url, t('tr_copy_link'))),
    h('a', { class: 'btn secondary', href: 'https://wa.me/?text=' + encodeURIComponent(`${t('tr_invite')} ${c.join_url}`), rel: 'noopener' }, t('tr_share')),
    button('/pelatih/kelas/' + encodeURIComponent(c.id), t('tr_roster')));
  page(h('h1', {}, t('tr_title')),
    button('/pelatih/kursus', t('ed_courses'), 'secondary'),
    cohorts.length ? h('ul', { class: 'cards' }, cohorts.map(item)) : h('p', {}, t('tr_none')),
    form);
}

export async function rosterView(id) {
  loading();
  const [cohort, roster] = await Promise.all([api.get('/cohorts/' + encodeURIComponent(id)), api.get(`/cohorts/${encodeURIComponent(id)}/roster`)]);
  const courses = await Promise.all(cohort.course_ids.map((cid) => api.get(`/courses/${encodeURIComponent(cid)}?lang=${lang()}`).catch(() => null)));
  const lessonTitle = new Map();
  const order = new Map();
  for (const c of courses.filter(Boolean)) {
    c.modules.flatMap((m) => m.lessons).forEach((l, i) => { lessonTitle.set(l.id, l.title); order.set(l.id, i); });
  }
  // stoppedAt is the last lesson done, in course order.
  const stoppedAt = (rc) => Object.keys(rc.completed_lessons || {}).sort((a, b) => (order.get(b) ?? -1) - (order.get(a) ?? -1))[0];
  const reissue = (p) => h('button', { type: 'button', class: 'secondary', onclick: async (e) => {
    e.target.disabled = true;
    try {
      const res = await api.post(`/cohorts/${encodeURIComponent(id)}/participants/${encodeURIComponent(p.user_id)}/code`);
      e.target.replaceWith(h('p', { class: 'code-out' }, t(res.kind === 'activation' ? 'tr_new_activation' : 'tr_new_reset', { name: p.name, code: res.code })));
    } catch (err) { e.target.disabled = false; alert(message(err)); }
  } }, t('tr_new_code'));
  const card = (p) => h('li', { class: 'card participant' },
    h('h3', {}, p.name), h('p', { class: 'meta' }, [p.phone, p.business_name].filter(Boolean).join(' · ')),
    h('dl', {},
      h('dt', {}, t('tr_last_seen')), h('dd', {}, when(p.last_seen_at)),
      h('dt', {}, t('tr_last_sync')), h('dd', {}, when(p.last_sync_at),
        p.last_sync_at ? h('small', {}, ' · ' + t('tr_waiting_at_sync', { n: p.pending_at_sync || 0 })) : null)),
    p.courses.map((rc) => {
      const stop = stoppedAt(rc);
      const scores = Object.values(rc.quiz_results || {});
      return h('div', { class: 'rc' },
        courses.length > 1 ? h('strong', {}, courses.find((c) => c?.id === rc.course_id)?.title || rc.course_id) : null,
        h('dl', {},
          h('dt', {}, t('tr_lessons_done')), h('dd', {}, `${rc.lessons_done}/${rc.lessons_total} (${rc.percent}%)`, rc.completed_at ? ' ✓' : ''),
          h('dt', {}, t('tr_stopped_at')), h('dd', {}, stop ? lessonTitle.get(stop) || stop : '—'),
          h('dt', {}, t('tr_scores')), h('dd', {}, scores.length ? scores.map((q) => `${t('kind_' + q.kind)} ${Math.round(q.best_score)}%`).join(', ') : '—')));
    }),
    p.status === 'invited' ? h('p', { class: 'badge invited' }, t('tr_invited')) : null,
    p.user_id ? reissue(p) : null);
  page(link('/pelatih', { class: 'back' }, '← ' + t('tr_title')), h('h1', {}, cohort.name),
    h('p', {}, `${t('tr_code')}: `, h('b', { class: 'code' }, cohort.join_code)),
    button('/pelatih/kelas/' + encodeURIComponent(id) + '/bantuan', t('tr_help'), 'secondary'),
    button('/pelatih/kelas/' + encodeURIComponent(id) + '/sertifikat', t('tr_certificates'), 'secondary'),
    h('h2', {}, t('tr_roster')),
    h('ul', { class: 'cards roster' }, roster.map(card)));
}
