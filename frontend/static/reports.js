// The agency dashboard: totals, a bar chart per breakdown and the weekly
// series, drawn as SVG by the small functions below, with filters kept in
// the address and a CSV download. Loaded only for agency and admin users.
import '/words-reports.js';
import { t, lang } from '/i18n.js';
import { api, session, APIError } from '/api.js';
import * as ui from '/ui.js';

const w = (k) => t('rp_' + k);
const SECTORS = ['kuliner', 'tenun', 'kerajinan', 'fesyen', 'jasa', 'lainnya'];
const FILTERS = ['course_id', 'region', 'sector', 'cohort_id', 'from', 'to'];
const SVG = 'http://www.w3.org/2000/svg';

// s builds an SVG element; attributes only, never inline style (CSP).
function s(tag, attrs = {}, ...kids) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const kid of kids.flat()) if (kid != null) el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  return el;
}

const fmt = (v, digits = 0) => (v == null ? '—' : Number(v).toLocaleString(lang() === 'en' ? 'en-GB' : 'id-ID',
  { maximumFractionDigits: digits, minimumFractionDigits: digits }));

function ensureStyles() {
  if (document.querySelector('link[href^="/reports.css"]')) return;
  const l = document.createElement('link');
  l.rel = 'stylesheet';
  l.href = '/reports.css';
  document.head.append(l);
}

// barChart draws one horizontal bar per row: enrolled in light, completed
// in dark over it; suppressed rows get a hatched stub and a note.
export function barChart(rows, title) {
  const rowH = 26, labelW = 108, width = 360, barW = width - labelW - 76;
  const max = Math.max(1, ...rows.map((r) => r.enrolled ?? 0));
  const svg = s('svg', { viewBox: `0 0 ${width} ${rows.length * rowH + 8}`, role: 'img', class: 'chart', 'aria-label': title });
  rows.forEach((r, i) => {
    const y = i * rowH + 4;
    const label = r.label.length > 15 ? r.label.slice(0, 14) + '…' : r.label;
    svg.append(s('text', { x: labelW - 6, y: y + 17, 'text-anchor': 'end', class: 'lbl' }, label));
    if (r.suppressed) {
      svg.append(s('rect', { x: labelW, y: y + 4, width: 16, height: rowH - 10, class: 'bar-supp' }),
        s('text', { x: labelW + 22, y: y + 17, class: 'val muted' }, w('suppressed')));
      return;
    }
    const we = (r.enrolled / max) * barW, wc = ((r.completed ?? 0) / max) * barW;
    svg.append(s('rect', { x: labelW, y: y + 4, width: Math.max(we, 1), height: rowH - 10, class: 'bar-enr' },
      s('title', {}, `${r.label}: ${r.enrolled} ${w('legend_enrolled')}, ${r.completed} ${w('legend_completed')}`)),
    s('rect', { x: labelW, y: y + 4, width: wc, height: rowH - 10, class: 'bar-done' }),
    s('text', { x: labelW + we + 6, y: y + 17, class: 'val' }, `${fmt(r.enrolled)} · ${fmt(r.completion_rate, 1)}%`));
  });
  return svg;
}

// weekChart draws enrollments per week as columns and completions as a
// line with dots; suppressed weeks are hatched.
export function weekChart(weeks) {
  const width = 360, height = 170, pad = 30, n = Math.max(weeks.length, 1);
  const max = Math.max(1, ...weeks.map((x) => Math.max(x.enrolled ?? 0, x.completed ?? 0)));
  const colW = (width - 2 * pad) / n;
  const y = (v) => height - pad - (v / max) * (height - 2 * pad);
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'chart', 'aria-label': w('weekly') });
  svg.append(s('line', { x1: pad, y1: height - pad, x2: width - pad, y2: height - pad, class: 'axis' }),
    s('text', { x: pad - 4, y: y(max) + 4, 'text-anchor': 'end', class: 'tick' }, fmt(max)),
    s('text', { x: pad - 4, y: height - pad, 'text-anchor': 'end', class: 'tick' }, '0'));
  const pts = [];
  weeks.forEach((x, i) => {
    const cx = pad + i * colW;
    if (x.suppressed) {
      svg.append(s('rect', { x: cx + 1, y: height - pad - 12, width: Math.max(colW - 2, 1), height: 12, class: 'bar-supp' },
        s('title', {}, `${x.week}: ${w('suppressed')}`)));
      return;
    }
    svg.append(s('rect', { x: cx + 1, y: y(x.enrolled), width: Math.max(colW - 2, 1), height: height - pad - y(x.enrolled), class: 'bar-enr' },
      s('title', {}, `${x.week}: ${x.enrolled} ${w('legend_enrolled')}, ${x.completed} ${w('legend_completed')}`)));
    pts.push([cx + colW / 2, y(x.completed)]);
  });
  if (pts.length) {
    svg.append(s('polyline', { points: pts.map((p) => p.join(',')).join(' '), class: 'line-done' }));
    pts.forEach(([px, py]) => svg.append(s('circle', { cx: px, cy: py, r: 2.5, class: 'dot-done' })));
  }
  if (weeks.length) {
    svg.append(s('text', { x: pad, y: height - 8, class: 'tick' }, weeks[0].week),
      s('text', { x: width - pad, y: height - 8, 'text-anchor': 'end', class: 'tick' }, weeks[weeks.length - 1].week));
  }
  return svg;
}

function legend(h) {
  return h('p', { class: 'legend' }, h('span', { class: 'key enr' }), w('legend_enrolled'), ' ',
    h('span', { class: 'key done' }), w('legend_completed'));
}

// downloadCSV fetches the CSV with the session's token (a plain link
// cannot send it) and hands it to the browser as a file.
async function downloadCSV(qs, retry = true) {
  const res = await fetch('/api/v1/reports/export.csv' + qs, {
    headers: { Authorization: 'Bearer ' + session.access, 'Accept-Language': lang() },
  });
  if (res.status === 401 && retry) {
    await api.get('/me').catch(() => {}); // refreshes an expired access token
    return downloadCSV(qs, false);
  }
  if (!res.ok) throw new APIError(res.status, 'export', '', {});
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = (res.headers.get('Content-Disposition') || '').match(/filename="([^"]+)"/)?.[1] || 'lontar.csv';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// reportsView renders /laporan; the filters live in the query string.
export async function reportsView({ h, page } = ui) {
  ensureStyles();
  page(h('p', {}, w('loading')));
  const params = new URLSearchParams(location.search);
  const q = new URLSearchParams();
  for (const k of FILTERS) if (params.get(k)) q.set(k, params.get(k));
  const qs = q.toString() ? '?' + q : '';
  const [summary, courses, regions] = await Promise.all([
    api.get('/reports/summary' + qs),
    api.get('/courses?lang=' + lang()).catch(() => []),
    api.get('/regions').catch(() => []),
  ]);
  const scope = session.user?.scope || [];
  const inScope = (code) => !scope.length || scope.some((sc) => code.startsWith(sc));
  const select = (name, options) => h('select', { name, id: 'f-' + name },
    h('option', { value: '' }, w('all')),
    options.map(([v, label]) => h('option', { value: v, selected: params.get(name) === v }, label)));
  const regionOpts = regions.filter((r) => r.level !== 'provinsi' && inScope(r.code))
    .map((r) => [r.code, (r.level === 'kecamatan' ? '— ' : '') + r.name]);
  const form = h('form', { class: 'card filters', 'aria-label': w('filters') },
    h('label', {}, w('course'), select('course_id', courses.map((c) => [c.id, c.title]))),
    h('label', {}, w('region'), select('region', regionOpts)),
    h('label', {}, w('sector'), select('sector', SECTORS.map((k) => [k, w('sector_' + k)]))),
    h('label', {}, w('b_cohort'), select('cohort_id', (summary.breakdowns.cohort || []).map((r) => [r.key, r.label]))),
    h('label', {}, w('from'), h('input', { type: 'date', name: 'from', value: params.get('from') || '' })),
    h('label', {}, w('to'), h('input', { type: 'date', name: 'to', value: params.get('to') || '' })),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, w('apply')),
      h('button', { type: 'button', class: 'csv', onclick: (e) => downloadCSV(qs).catch(() => {
        e.target.after(h('p', { class: 'form-error', role: 'alert' }, w('csv_failed')));
      }) }, w('csv'))));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const next = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v) next.set(k, v);
    history.pushState(null, '', '/laporan' + (next.toString() ? '?' + next : ''));
    reportsView({ h, page });
  });

  const T = summary.totals;
  const card = (key, value, note) => h('div', { class: 'total', 'data-total': key },
    h('span', { class: 'num' }, value), h('span', { class: 'what' }, w(key)), note ? h('small', {}, note) : null);
  const totals = h('section', { class: 'totals', 'aria-label': w('title') },
    card('enrolled', fmt(T.enrolled)),
    card('active_7d', fmt(T.active_7d)),
    card('completed', fmt(T.completed)),
    card('completion_rate', T.completion_rate == null ? '—' : fmt(T.completion_rate, 1) + '%'),
    card('certificates', fmt(T.certificates)),
    card('avg_score', fmt(T.avg_score, 1), `${w('based_on')} ${fmt(T.avg_score_n)} ${w('learners')}`),
    card('pre_post_gain', fmt(T.pre_post_gain, 2), `${w('based_on')} ${fmt(T.pre_post_gain_n)} ${w('learners')}`));

  const charts = [];
  for (const dim of ['region', 'kecamatan', 'sector', 'gender', 'cohort', 'course']) {
    const rows = summary.breakdowns[dim] || [];
    if (!rows.length) continue;
    charts.push(h('section', { class: 'card chart-card', 'data-dim': dim }, h('h2', {}, w('b_' + dim)), barChart(rows, w('b_' + dim))));
  }
  page(h('h1', {}, w('title')),
    h('p', { class: 'muted' }, `${w('as_of')} ${summary.as_of}`),
    form, totals,
    T.enrolled ? null : h('p', { class: 'empty' }, w('none')),
    legend(h),
    h('section', { class: 'card chart-card', 'data-dim': 'weekly' }, h('h2', {}, w('weekly')), weekChart(summary.weekly)),
    h('div', { class: 'charts' }, charts),
    h('details', { class: 'card' }, h('summary', {}, w('definitions')), h('p', {}, summary.definitions)));
}

// cohortHelpView renders /pelatih/kelas/{id}/bantuan for the cohort's trainers:
// who needs help, with a WhatsApp message ready, and the questions the
// cohort gets wrong on the first attempt, hardest first.
export async function cohortHelpView(id, { h, page, link } = ui) {
  ensureStyles();
  page(h('p', {}, w('loading')));
  const v = await api.get('/reports/cohorts/' + encodeURIComponent(id) + '?lang=' + lang());
  const when = (at) => (at ? new Date(at).toLocaleDateString(lang() === 'en' ? 'en-GB' : 'id-ID') : w('never'));
  const people = v.needs_help.length ? h('ul', { class: 'list plain help' }, v.needs_help.map((p) => h('li', { class: 'card helpee' },
    h('strong', {}, p.name || p.user_id), h('span', {}, ` · ${p.course_title} · ${p.percent}%`),
    h('ul', {}, p.reasons.map((r) => h('li', { 'data-reason': r.code }, r.text))),
    h('small', {}, `${w('last_active')}: ${when(p.last_active)}`),
    p.whatsapp_url ? h('a', { class: 'button wa', href: p.whatsapp_url, target: '_blank', rel: 'noopener' }, w('message')) : null)))
    : h('p', {}, w('nobody'));
  const quizzes = v.quizzes.map((q) => {
    const qs = q.questions.filter((x) => x.answered_first > 0)
      .sort((a, b) => a.first_try_right - b.first_try_right);
    return h('section', { class: 'card', 'data-quiz': q.quiz_id }, h('h3', {}, q.title),
      qs.length ? h('ol', { class: 'questions' }, qs.map((x) => h('li', { 'data-question': x.id },
        h('p', {}, x.prompt),
        h('p', { class: x.first_try_right < 0.5 ? 'hard' : '' }, `${Math.round(x.first_try_right * 100)}% ${w('first_try')} (${x.answered_first})`),
        x.most_chosen_wrong ? h('p', { class: 'muted' }, `${w('wrong_pick')}: “${x.most_chosen_wrong.text}” (${x.most_chosen_wrong.count} ${w('times')})`) : null)))
        : h('p', { class: 'muted' }, w('no_attempts')));
  });
  page(link('/pelatih/kelas/' + encodeURIComponent(id), '← ' + w('back')), h('h1', {}, v.name),
    h('h2', {}, w('help_title')), people,
    h('h2', {}, w('hard')), quizzes);
}
