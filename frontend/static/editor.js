// The course editor: a trainer's drafts, the shared curriculum to copy,
// and one course at a time with its modules and lessons, both languages
// side by side (what is still untranslated marked), reordering, a
// preview rendered by the server, what changed since the last published
// version, and publishing. Loaded only for trainers and admins.
import '/words-staff.js';
import { t, lang } from '/i18n.js';
import { api } from '/api.js';
import { h, go, page, loading, field, submitting, button, link, message, showErrors, notice, bilingual, fill } from '/ui.js';

const topics = ['ecommerce', 'content', 'bookkeeping', 'other'];
const text = (v) => (typeof v === 'string' ? v : v?.[lang()] || v?.id || '');

export async function coursesView() {
  loading();
  const [drafts, shared] = await Promise.all([api.get('/courses?mine=1'), api.get('/courses?lang=' + lang())]);
  const form = submitting(h('form', { class: 'card', novalidate: true },
    h('h2', {}, t('ed_new')),
    field('title.id', t('ed_title_id'), h('input', { required: true })),
    field('topic', t('ed_topic'), h('select', {}, topics.map((x) => h('option', { value: x }, t('ed_topic_' + x))))),
    h('p', { class: 'form-error', role: 'alert' }),
    h('button', { type: 'submit', class: 'primary' }, t('ed_new'))),
  async (fd) => {
    const co = await api.post('/courses', { title: { id: fd.get('title.id') }, topic: fd.get('topic'),
      modules: [{ title: { id: t('ed_module') + ' 1' }, lessons: [{ title: { id: t('ed_lesson') + ' 1' }, body: { id: t('ed_body_start') }, est_minutes: 5 }] }] });
    go('/pelatih/kursus/' + encodeURIComponent(co.id));
  });
  page(link('/pelatih', { class: 'back' }, '← ' + t('tr_title')), h('h1', {}, t('ed_courses')),
    drafts.length ? h('ul', { class: 'cards' }, drafts.map((c) => h('li', { class: 'card draft' },
      h('h3', {}, text(c.title)), h('p', { class: 'meta' }, c.version ? t('ed_version', { n: c.version }) : t('ed_unpublished')),
      button('/pelatih/kursus/' + encodeURIComponent(c.id), t('ed_edit'), 'secondary'),
      button('/pelatih/kursus/' + encodeURIComponent(c.id) + '/kuis', t('qe_quizzes'), 'secondary')))) : h('p', {}, t('ed_none')),
    form,
    h('h2', {}, t('ed_shared')),
    h('ul', { class: 'cards' }, shared.filter((c) => c.institution === 'lontar').map((c) => h('li', { class: 'card' },
      h('h3', {}, c.title), h('p', { class: 'meta' }, c.summary),
      h('button', { type: 'button', class: 'secondary', onclick: async (e) => {
        e.target.disabled = true;
        try {
          const co = await api.post(`/courses/${encodeURIComponent(c.id)}/copy`);
          notice(t('tr_copied_course'));
          go('/pelatih/kursus/' + encodeURIComponent(co.id));
        } catch (err) { e.target.disabled = false; alert(message(err)); }
      } }, t('tr_copy_course'))))));
}

// input is the CourseInput the server takes, from the draft being edited.
function input(d) {
  return { topic: d.topic, level: d.level || undefined, title: d.title, summary: d.summary,
    modules: d.modules.map((m) => ({ id: m.id, title: m.title,
      lessons: m.lessons.map((l) => ({ id: l.id, title: l.title, body: l.body, est_minutes: Number(l.est_minutes) || 0 })) })) };
}

// untranslated lists the texts with Indonesian but no English yet.
function untranslated(d) {
  const out = [];
  const see = (path, v) => { if (v?.id?.trim() && !v?.en?.trim()) out.push(path); };
  see('title', d.title);
  see('summary', d.summary);
  d.modules.forEach((m, i) => {
    see(`modules.${i}.title`, m.title);
    m.lessons.forEach((l, j) => { see(`modules.${i}.lessons.${j}.title`, l.title); see(`modules.${i}.lessons.${j}.body`, l.body); });
  });
  return out;
}

// changes says what the draft changes against the published version.
export function changes(draft, pub) {
  if (!pub) return [];
  const out = [];
  const key = (v) => JSON.stringify([v?.id || '', v?.en || '']);
  if (key(draft.title) !== key(pub.title)) out.push(t('ed_ch_title'));
  const old = new Map();
  pub.modules.forEach((m) => m.lessons.forEach((l, i) => old.set(l.id, { ...l, module: m.id, i })));
  const now = new Set();
  for (const m of draft.modules) {
    if (!pub.modules.some((p) => p.id === m.id)) out.push(t('ed_ch_module_new', { name: text(m.title) }));
    m.lessons.forEach((l, i) => {
      now.add(l.id);
      const o = old.get(l.id);
      const name = text(l.title);
      if (!o) return out.push(t('ed_ch_new', { name }));
      if (key(o.title) !== key(l.title)) out.push(t('ed_ch_renamed', { name }));
      if (key(o.markdown) !== key(l.body)) out.push(t('ed_ch_body', { name }));
      if (o.module !== m.id || o.i !== i) out.push(t('ed_ch_moved', { name }));
    });
  }
  for (const [id, o] of old) if (!now.has(id)) out.push(t('ed_ch_removed', { name: text(o.title) }));
  return out;
}

function move(list, i, by) {
  const j = i + by;
  if (j < 0 || j >= list.length) return;
  [list[i], list[j]] = [list[j], list[i]];
}

export async function courseEditView(id) {
  loading();
  const draft = await api.get(`/courses/${encodeURIComponent(id)}/draft`);
  const pub = draft.version ? await api.get(`/courses/${encodeURIComponent(id)}?lang=all`).catch(() => null) : null;
  draft.summary ??= { id: '', en: '' };
  const status = h('p', { class: 'status-line', role: 'status' });
  const changeBox = h('section', { class: 'card changes' });
  const form = h('form', { class: 'editor', novalidate: true });
  const refresh = () => {
    const miss = untranslated(draft);
    status.textContent = miss.length ? t('ed_untranslated', { n: miss.length }) : t('ed_all_translated');
    const ch = changes(draft, pub);
    fill(changeBox, h('h2', {}, pub ? t('ed_changes', { n: pub.version }) : t('ed_unpublished')),
      pub ? (ch.length ? h('ul', {}, ch.map((c) => h('li', {}, c))) : h('p', {}, t('ed_no_changes'))) : null);
  };
  const draw = () => {
    fill(form, 
      bilingual('title', t('ed_title'), draft.title, (l, v) => { draft.title = { ...draft.title, [l]: v }; refresh(); }),
      bilingual('summary', t('ed_summary'), draft.summary, (l, v) => { draft.summary = { ...draft.summary, [l]: v }; refresh(); }, true),
      draft.modules.map((m, i) => h('fieldset', { class: 'module-edit card' },
        h('legend', {}, `${t('ed_module')} ${i + 1}`),
        bilingual(`modules.${i}.title`, t('ed_module_title'), m.title, (l, v) => { m.title = { ...m.title, [l]: v }; refresh(); }),
        h('div', { class: 'row' },
          h('button', { type: 'button', class: 'secondary', 'aria-label': t('ed_up'), disabled: i === 0, onclick: () => { move(draft.modules, i, -1); draw(); } }, '↑'),
          h('button', { type: 'button', class: 'secondary', 'aria-label': t('ed_down'), disabled: i === draft.modules.length - 1, onclick: () => { move(draft.modules, i, 1); draw(); } }, '↓'),
          h('button', { type: 'button', class: 'secondary', disabled: draft.modules.length === 1, onclick: () => { draft.modules.splice(i, 1); draw(); } }, t('ed_remove'))),
        m.lessons.map((l, j) => {
          const path = `modules.${i}.lessons.${j}`;
          const preview = h('div', { class: 'preview' });
          const minutes = h('input', { type: 'number', inputmode: 'numeric', min: 1, max: 120 });
          minutes.value = l.est_minutes || '';
          minutes.addEventListener('input', () => { l.est_minutes = minutes.value; });
          return h('div', { class: 'lesson-edit' },
            h('h3', {}, `${t('ed_lesson')} ${i + 1}.${j + 1}`),
            bilingual(`${path}.title`, t('ed_lesson_title'), l.title, (lg, v) => { l.title = { ...l.title, [lg]: v }; refresh(); }),
            bilingual(`${path}.body`, t('ed_body'), l.body, (lg, v) => { l.body = { ...l.body, [lg]: v }; refresh(); }, true),
            field(`${path}.est_minutes`, t('ed_minutes'), minutes),
            h('div', { class: 'row' },
              h('button', { type: 'button', class: 'secondary', 'aria-label': t('ed_up'), disabled: j === 0, onclick: () => { move(m.lessons, j, -1); draw(); } }, '↑'),
              h('button', { type: 'button', class: 'secondary', 'aria-label': t('ed_down'), disabled: j === m.lessons.length - 1, onclick: () => { move(m.lessons, j, 1); draw(); } }, '↓'),
              h('button', { type: 'button', class: 'secondary', disabled: m.lessons.length === 1, onclick: () => { m.lessons.splice(j, 1); draw(); } }, t('ed_remove'))),
            h('button', { type: 'button', class: 'secondary', onclick: async () => {
              const [id, en] = await Promise.all(['id', 'en'].map((lg) => api.post('/courses/preview', { markdown: l.body?.[lg] || '', lang: lg })
                .then((r) => r.html).catch((e) => message(e))));
              const side = (lg, html) => { const el = h('div', { class: 'lesson', lang: lg }); el.innerHTML = html; return el; }; // sanitised by the server
              preview.replaceChildren(side('id', id), en && l.body?.en ? side('en', en) : h('p', { class: 'hint' }, t('ed_no_english')));
            } }, t('ed_preview')),
            preview);
        }),
        h('button', { type: 'button', class: 'secondary', onclick: () => {
          m.lessons.push({ title: { id: `${t('ed_lesson')} ${m.lessons.length + 1}` }, body: { id: t('ed_body_start') }, est_minutes: 5 });
          draw();
        } }, t('ed_add_lesson')))),
      h('button', { type: 'button', class: 'secondary', onclick: () => {
        draft.modules.push({ title: { id: `${t('ed_module')} ${draft.modules.length + 1}` },
          lessons: [{ title: { id: `${t('ed_lesson')} 1` }, body: { id: t('ed_body_start') }, est_minutes: 5 }] });
        draw();
      } }, t('ed_add_module')),
      h('p', { class: 'form-error', role: 'alert' }),
      h('button', { type: 'button', class: 'secondary', onclick: () => save(false) }, t('ed_save')),
      h('button', { type: 'submit', class: 'primary' }, t('ed_publish')));
    refresh();
  };
  const save = async (publish) => {
    try {
      const saved = await api.put(`/courses/${encodeURIComponent(id)}`, input(draft));
      Object.assign(draft, saved, { summary: saved.summary ?? { id: '', en: '' } });
      if (publish) {
        await api.post(`/courses/${encodeURIComponent(id)}/publish`);
        notice(t('ed_published'));
        return courseEditView(id);
      }
      notice(t('ed_saved'));
      form.querySelector('.form-error').textContent = t('ed_saved');
    } catch (e) {
      showErrors(form, e);
    }
  };
  form.addEventListener('submit', (e) => { e.preventDefault(); save(true); });
  draw();
  page(link('/pelatih/kursus', { class: 'back' }, '← ' + t('ed_courses')), h('h1', {}, text(draft.title)), status, changeBox, form,
    button('/pelatih/kursus/' + encodeURIComponent(id) + '/kuis', t('qe_quizzes'), 'secondary'));
}
