// The quiz editor: a course's quizzes, a new quiz, GIFT import with every
// problem shown at its line, GIFT export, and one quiz at a time with
// questions of all five types in both languages. Trainers and admins only.
import '/words-staff.js';
import { t, lang } from '/i18n.js';
import { api, session } from '/api.js';
import { h, go, page, loading, field, submitting, button, link, message, showErrors, notice, bilingual, fill } from '/ui.js';

const kinds = ['pretest', 'practice', 'posttest', 'final'];
const types = ['single', 'multiple', 'true_false', 'numeric', 'short_answer'];
const text = (v) => (typeof v === 'string' ? v : v?.[lang()] || v?.id || '');
const kindSelect = () => h('select', {}, kinds.map((k) => h('option', { value: k }, t('kind_' + k))));

// download saves a quiz as a GIFT file (the export needs the token, so
// it is fetched, not linked).
async function download(q) {
  const res = await fetch(`/api/v1/quizzes/${encodeURIComponent(q.id)}/export?format=gift&lang=all`,
    { headers: { Authorization: 'Bearer ' + session.access } });
  if (!res.ok) throw new Error(t('error_generic'));
  const a = h('a', { href: URL.createObjectURL(await res.blob()), download: q.id + '.gift' });
  document.body.append(a);
  a.click();
  a.remove();
}

// problemsView shows a GIFT file with each problem under its line.
export function problemsView(src, problems) {
  const byLine = new Map();
  for (const p of problems) byLine.set(p.line, [...(byLine.get(p.line) || []), p.reason]);
  const lines = src.split('\n');
  return h('ol', { class: 'gift-lines' }, lines.map((l, i) => h('li', { class: byLine.has(i + 1) ? 'bad' : '', value: i + 1 },
    h('code', {}, l || ' '), (byLine.get(i + 1) || []).map((r) => h('p', { class: 'error' }, t('qe_line', { n: i + 1 }) + ': ' + r)))));
}

export async function quizListView(courseId) {
  loading();
  const list = await api.get(`/courses/${encodeURIComponent(courseId)}/quizzes?lang=${lang()}`).catch(() => []);
  const create = submitting(h('form', { class: 'card', novalidate: true },
    h('h2', {}, t('qe_new')),
    field('title', t('qe_title_id'), h('input', { required: true })),
    field('kind', t('qe_kind'), kindSelect()),
    h('p', { class: 'form-error', role: 'alert' }),
    h('button', { type: 'submit', class: 'primary' }, t('qe_new'))),
  async (fd) => {
    const q = await api.post('/quizzes', { course_id: courseId, kind: fd.get('kind'), title: { id: fd.get('title') }, pass_mark: 60,
      max_attempts: 0, questions: [{ type: 'true_false', prompt: { id: t('qe_first_prompt') }, answer: true, points: 1 }] });
    go('/pelatih/kuis/' + encodeURIComponent(q.id));
  });
  const report = h('div', { class: 'gift-report', 'aria-live': 'polite' });
  const src = h('textarea', { rows: 10, spellcheck: 'false' });
  const file = h('input', { type: 'file', accept: '.gift,.txt,text/plain' });
  file.addEventListener('change', async () => { if (file.files[0]) src.value = await file.files[0].text(); });
  const imp = submitting(h('form', { class: 'card', novalidate: true },
    h('h2', {}, t('qe_import')), h('p', { class: 'hint' }, t('qe_import_help')),
    field('file', t('qe_file'), file), field('body', t('qe_gift'), src),
    field('kind', t('qe_kind'), kindSelect()), field('title', t('qe_title_id'), h('input', {})),
    h('p', { class: 'form-error', role: 'alert' }),
    h('button', { type: 'submit', class: 'primary' }, t('qe_import'))),
  async (fd) => {
    const q = new URLSearchParams({ format: 'gift', course_id: courseId, kind: fd.get('kind'), title: fd.get('title') || '' });
    const res = await fetch('/api/v1/quizzes/import?' + q, { method: 'POST', body: src.value,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', Authorization: 'Bearer ' + session.access, 'Accept-Language': lang() } });
    const data = await res.json().catch(() => ({}));
    if (res.status === 422 && data.error?.fields) {
      const problems = Object.entries(data.error.fields).filter(([k]) => k.startsWith('line.'))
        .map(([k, reason]) => ({ line: Number(k.slice(5)), reason }));
      report.replaceChildren(h('p', { class: 'form-error' }, data.error.fields.body || data.error.message), problemsView(src.value, problems));
      report.scrollIntoView({ block: 'start' });
      return;
    }
    if (!res.ok) throw Object.assign(new Error(data.error?.message || t('error_generic')), { fields: data.error?.fields || {} });
    const problems = data.problems || [];
    fill(report, h('p', { class: 'status ok' }, t('qe_imported', { n: data.questions.length })),
      problems.length ? [h('p', {}, t('qe_skipped', { n: problems.length })), problemsView(src.value, problems)] : null,
      button('/pelatih/kuis/' + encodeURIComponent(data.id), t('qe_edit')));
  });
  page(link('/pelatih/kursus/' + encodeURIComponent(courseId), { class: 'back' }, '← ' + t('ed_edit')), h('h1', {}, t('qe_quizzes')),
    list.length ? h('ul', { class: 'cards' }, list.map((q) => h('li', { class: 'card quiz-item' },
      h('h3', {}, text(q.title)), h('p', { class: 'meta' }, `${t('kind_' + q.kind)} · ${q.questions_count} ${t('qe_questions')}`),
      button('/pelatih/kuis/' + encodeURIComponent(q.id), t('qe_edit'), 'secondary'),
      h('button', { type: 'button', class: 'secondary', onclick: () => download(q).catch((e) => alert(message(e))) }, t('qe_export'))))) : h('p', {}, t('qe_none')),
    create, imp, report);
}

// answerEditor edits what makes a question's answer right, by type.
function answerEditor(q, i, draw) {
  const path = `questions.${i}`;
  switch (q.type) {
    case 'single':
    case 'multiple':
      q.choices ??= [];
      return h('div', { class: 'choices-edit' },
        q.choices.map((c, j) => {
          const right = h('input', { type: q.type === 'single' ? 'radio' : 'checkbox', name: `right-${i}`, checked: !!c.correct });
          right.addEventListener('change', () => {
            if (q.type === 'single') q.choices.forEach((x) => { x.correct = false; });
            c.correct = right.checked;
          });
          return h('div', { class: 'choice-edit card' },
            bilingual(`${path}.choices.${j}.text`, t('qe_choice') + ' ' + (j + 1), c.text, (l, v) => { c.text = { ...c.text, [l]: v }; }),
            h('label', { class: 'choice' }, right, h('span', {}, t('qe_right'))),
            bilingual(`${path}.choices.${j}.feedback`, t('qe_choice_feedback'), c.feedback, (l, v) => { c.feedback = { ...c.feedback, [l]: v }; }),
            h('button', { type: 'button', class: 'secondary', onclick: () => { q.choices.splice(j, 1); draw(); } }, t('ed_remove')));
        }),
        h('button', { type: 'button', class: 'secondary', onclick: () => { q.choices.push({ text: { id: '' } }); draw(); } }, t('qe_add_choice')));
    case 'true_false': {
      const sel = h('select', {}, h('option', { value: 'true' }, t('true')), h('option', { value: 'false' }, t('false')));
      sel.value = String(q.answer !== false);
      sel.addEventListener('change', () => { q.answer = sel.value === 'true'; });
      return field(`${path}.answer`, t('qe_answer'), sel);
    }
    case 'numeric': {
      q.answer ??= { value: 0, tolerance: 0 };
      const v = h('input', { inputmode: 'decimal', value: String(q.answer.value ?? '') });
      const tol = h('input', { inputmode: 'decimal', value: String(q.answer.tolerance ?? 0) });
      v.addEventListener('input', () => { q.answer.value = Number(v.value.replace(',', '.')); });
      tol.addEventListener('input', () => { q.answer.tolerance = Number(tol.value.replace(',', '.')); });
      return h('div', {}, field(`${path}.answer.value`, t('qe_number'), v), field(`${path}.answer.tolerance`, t('qe_tolerance'), tol));
    }
    default: {
      const el = h('textarea', { rows: 3 });
      el.value = (q.answer || []).join('\n');
      el.addEventListener('input', () => { q.answer = el.value.split('\n').map((s) => s.trim()).filter(Boolean); });
      return field(`${path}.answer`, t('qe_accepted'), el, t('qe_accepted_hint'));
    }
  }
}

export async function quizEditView(id) {
  loading();
  const quiz = await api.get(`/quizzes/${encodeURIComponent(id)}?lang=all`);
  const form = h('form', { class: 'editor', novalidate: true });
  const draw = () => {
    const pass = h('input', { type: 'number', min: 0, max: 100, value: quiz.pass_mark });
    pass.addEventListener('input', () => { quiz.pass_mark = Number(pass.value); });
    const max = h('input', { type: 'number', min: 0, max: 20, value: quiz.max_attempts });
    max.addEventListener('input', () => { quiz.max_attempts = Number(max.value); });
    const kind = kindSelect();
    kind.value = quiz.kind;
    kind.addEventListener('change', () => { quiz.kind = kind.value; });
    fill(form, 
      bilingual('title', t('qe_title'), quiz.title, (l, v) => { quiz.title = { ...quiz.title, [l]: v }; }),
      field('kind', t('qe_kind'), kind), field('pass_mark', t('qe_pass'), pass), field('max_attempts', t('qe_max'), max, t('qe_max_hint')),
      quiz.questions.map((q, i) => {
        const type = h('select', {}, types.map((x) => h('option', { value: x }, t('qe_type_' + x))));
        type.value = q.type;
        type.addEventListener('change', () => { q.type = type.value; q.answer = undefined; q.choices = undefined; draw(); });
        const points = h('input', { type: 'number', min: 0, step: 'any', value: q.points ?? 1 });
        points.addEventListener('input', () => { q.points = Number(points.value); });
        return h('fieldset', { class: 'card question-edit' }, h('legend', {}, `${t('qe_question')} ${i + 1}`),
          field(`questions.${i}.type`, t('qe_type'), type),
          bilingual(`questions.${i}.prompt`, t('qe_prompt'), q.prompt, (l, v) => { q.prompt = { ...q.prompt, [l]: v }; }, true),
          field(`questions.${i}.points`, t('qe_points'), points),
          answerEditor(q, i, draw),
          bilingual(`questions.${i}.feedback`, t('qe_feedback'), q.feedback, (l, v) => { q.feedback = { ...q.feedback, [l]: v }; }, true),
          h('button', { type: 'button', class: 'secondary', disabled: quiz.questions.length === 1, onclick: () => { quiz.questions.splice(i, 1); draw(); } }, t('ed_remove')));
      }),
      h('button', { type: 'button', class: 'secondary', onclick: () => {
        quiz.questions.push({ type: 'single', prompt: { id: '' }, points: 1, choices: [{ text: { id: '' }, correct: true }, { text: { id: '' } }] });
        draw();
      } }, t('qe_add_question')),
      h('p', { class: 'form-error', role: 'alert' }),
      h('button', { type: 'submit', class: 'primary' }, t('ed_save')));
  };
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const saved = await api.put(`/quizzes/${encodeURIComponent(id)}`, quiz);
      Object.assign(quiz, saved);
      notice(t('ed_saved'));
      form.querySelector('.form-error').textContent = t('ed_saved');
    } catch (err) {
      showErrors(form, err);
    }
  });
  draw();
  page(link('/pelatih/kursus/' + encodeURIComponent(quiz.course_id) + '/kuis', { class: 'back' }, '← ' + t('qe_quizzes')),
    h('h1', {}, text(quiz.title)),
    h('button', { type: 'button', class: 'secondary', onclick: () => download(quiz).catch((e) => alert(message(e))) }, t('qe_export')),
    form);
}
