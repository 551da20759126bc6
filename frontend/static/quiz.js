// A quiz as a first-timer meets it: how many attempts are left before the
// first question, a warning about unanswered questions, and the result at
// the top in words (right or not, the right answer, why), then a way on.
import { t, lang } from '/i18n.js';
import { api, record, uuid } from '/api.js';
import { h, page, loading, button, submitting } from '/ui.js';
import { readAloud } from '/speech.js';

function answerInput(q) {
  const name = 'q-' + q.id;
  const choice = (type, value, text) => h('label', { class: 'choice' }, h('input', { type, name, value }), h('span', {}, text));
  switch (q.type) {
    case 'single':
      return q.choices.map((c) => choice('radio', c.id, c.text));
    case 'multiple':
      return q.choices.map((c) => choice('checkbox', c.id, c.text));
    case 'true_false':
      return [choice('radio', 'true', t('true')), choice('radio', 'false', t('false'))];
    case 'numeric':
      return [h('input', { type: 'text', inputmode: 'decimal', name, 'aria-label': t('your_answer') })];
    default:
      return [h('input', { type: 'text', name, 'aria-label': t('your_answer') })];
  }
}

// parseNumber reads a number as the learner typed it: Indonesian writes
// 75.000 and 2,5; English writes 75,000 and 2.5. "Rp" and spaces are ignored.
export function parseNumber(s) {
  let v = s.replace(/rp|\s/gi, '');
  v = lang() === 'en' ? v.replace(/,/g, '') : v.replace(/\./g, '').replace(',', '.');
  return v === '' ? NaN : Number(v);
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
    if (v === null || String(v).trim() === '') continue;
    if (q.type === 'true_false') answers[q.id] = v === 'true';
    else if (q.type === 'numeric') {
      const n = parseNumber(String(v));
      answers[q.id] = Number.isFinite(n) ? n : String(v);
    } else answers[q.id] = String(v);
  }
  return answers;
}

// inWords says what the learner answered, in the quiz's own words.
function inWords(q, a) {
  if (a === undefined) return t('not_answered');
  const text = (id) => q.choices?.find((c) => c.id === id)?.text ?? id;
  if (q.type === 'single') return text(a);
  if (q.type === 'multiple') return a.map(text).join('; ');
  if (q.type === 'true_false') return a ? t('true') : t('false');
  return String(a);
}

export async function quizView(id) {
  loading();
  const quiz = await api.kept(`/quizzes/${encodeURIComponent(id)}?lang=${lang()}`);
  const back = '/kursus/' + quiz.course_id;
  const pretest = quiz.kind === 'pretest';
  const left = quiz.max_attempts ? quiz.max_attempts - (quiz.attempts_used || 0) : Infinity;
  const intro = h('div', { class: 'quiz-intro' },
    pretest ? h('p', {}, t('pretest_note')) : null,
    h('p', { class: 'attempts' }, quiz.max_attempts ? t('attempts_left', { n: Math.max(0, left), max: quiz.max_attempts }) : t('attempts_unlimited')));
  const head = [button(back, '← ' + t('back'), 'plain'), quiz.title.toLowerCase().startsWith(t('kind_' + quiz.kind).toLowerCase()) ? null : h('small', { class: 'kind' }, t('kind_' + quiz.kind)), h('h1', {}, quiz.title), intro];
  if (left <= 0) return page(...head, h('p', { class: 'form-error' }, t('no_attempts')), button(back, t('keep_learning')));

  // One id per attempt: a retry after a dropped answer, or the same answers
  // queued offline, is graded and counted once.
  const attemptId = uuid();
  const out = h('section', { class: 'results', 'aria-live': 'polite', tabindex: '-1' });
  const confirmBox = h('div', { class: 'confirm', role: 'alert' });
  let confirmed = false;
  const form = submitting(h('form', { class: 'quiz-form', novalidate: true },
    quiz.questions.map((q, n) => {
      const legend = h('legend', {}, h('span', { class: 'qn' }, `${n + 1}.`), ' ', q.prompt);
      return h('fieldset', { class: 'question', 'data-q': q.id }, legend, readAloud(legend, true), answerInput(q));
    }),
    confirmBox,
    h('p', { class: 'form-error', role: 'alert' }),
    h('button', { type: 'submit', class: 'primary' }, t('submit'))),
  async () => {
    const answers = collect(form, quiz);
    const missing = quiz.questions.filter((q) => answers[q.id] === undefined);
    const firstMissing = () => form.querySelector(`[data-q="${CSS.escape(missing[0].id)}"]`);
    if (missing.length === quiz.questions.length) {
      confirmBox.replaceChildren(h('p', {}, t('unanswered_all')));
      firstMissing().scrollIntoView({ block: 'center' });
      firstMissing().querySelector('input')?.focus({ preventScroll: true });
      return;
    }
    if (missing.length && !confirmed) {
      form.querySelectorAll('.question').forEach((f) => f.classList.toggle('missing', missing.some((q) => q.id === f.dataset.q)));
      confirmBox.replaceChildren(h('p', {}, t('unanswered', { n: missing.length })),
        h('button', { type: 'button', class: 'secondary', onclick: () => {
          firstMissing().scrollIntoView({ block: 'center' });
          firstMissing().querySelector('input')?.focus({ preventScroll: true });
        } }, t('answer_more')),
        h('button', { type: 'button', class: 'primary', onclick: () => { confirmed = true; form.requestSubmit(); } }, t('send_anyway')));
      confirmBox.scrollIntoView({ block: 'center' });
      return;
    }
    let res;
    try {
      res = await api.post(`/quizzes/${encodeURIComponent(id)}/attempts`, { answers, attempt_id: attemptId });
    } catch (e) {
      if (e.code !== 'network') throw e;
      record('quiz_submitted', { quiz_id: id, course_id: quiz.course_id, answers }, attemptId);
      form.remove();
      out.replaceChildren(h('p', { class: 'status' }, t('saved_quiz_offline')), button(back, t('keep_learning')));
      out.focus();
      return;
    }
    form.remove();
    intro.remove();
    // A passed final may complete the course: its certificate is announced.
    if (res.passed) import('/certificate.js').then((m) => m.announce()).catch(() => {});
    const byId = new Map(quiz.questions.map((q) => [q.id, q]));
    const results = res.results || [];
    const withheld = results.some((r) => !r.correct) && !results.some((r) => r.correct_answer);
    out.replaceChildren(
      h('h2', { class: 'score' }, t('your_score', { n: Math.round(res.score) }),
        pretest ? '' : ` — ${res.passed ? t('passed') : t('not_passed')}`),
      pretest ? h('p', {}, t('pretest_note')) : null,
      // A graded test keeps its answers back while they could help a retry.
      withheld ? h('p', {}, t('answers_later')) : null,
      button(back, t('keep_learning')),
      h('ol', { class: 'answers' }, results.map((r) => {
        const q = byId.get(r.question_id);
        if (!q) return null;
        return h('li', { class: 'card ' + (r.correct ? 'right' : 'wrong') },
          h('p', { class: 'prompt' }, q.prompt),
          h('p', { class: 'verdict' }, r.correct ? t('right') : t('wrong')),
          h('p', {}, t('your_answer') + ': ', h('strong', {}, inWords(q, answers[q.id]))),
          !r.correct && r.correct_answer ? h('p', {}, t('right_answer', { a: r.correct_answer })) : null,
          r.feedback ? h('p', { class: 'why' }, r.feedback) : null,
          r.general_feedback ? h('p', { class: 'why' }, r.general_feedback) : null);
      })),
      button(back, t('keep_learning')));
    window.scrollTo(0, 0);
    out.focus({ preventScroll: true });
  });
  page(...head, out, form);
}
