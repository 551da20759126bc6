// Practice tools inside lessons: a price calculator, a cash-book exercise
// and a listing checklist. The app loads this module only for a lesson
// that contains a practice block, so learners who never open one never
// download it. Everything runs on the phone; each check is recorded
// through the app's outbox (like a quiz) and synced when there is signal.

import '/words-practice.js';
import { t } from '/i18n.js';
import { h as el } from '/ui.js';

// digits reads what a learner types: "1.500.000", "1,500,000" or "1500000".
export function digits(s) {
  const d = String(s || '').replace(/[^0-9]/g, '');
  return d === '' ? NaN : Number(d);
}

function decimal(s) {
  const v = Number(String(s || '').replace(',', '.'));
  return String(s || '').trim() === '' ? NaN : v;
}

// priceFor is the lessons' formula: price = (cost + fixed) ÷ (1 − margin − fees),
// rounded up to the thousand.
export function priceFor({ batch, units, ship, margin, fee, fixed }) {
  const hpp = batch / units;
  const cost = hpp + ship;
  const exact = (cost + fixed) / (1 - (margin + fee) / 100);
  const price = Math.ceil(exact / 1000) * 1000;
  const fees = (price * fee) / 100 + fixed;
  const net = price - fees;
  return { hpp, cost, exact, price, fees, net, profit: net - cost, got: (100 * (net - cost)) / price };
}

export function listingChecks(cfg, title, desc) {
  const low = (s) => s.toLowerCase();
  const has = (s, words) => words.some((w) => low(s).includes(low(w)));
  const size = /\d+\s*(x\s*\d+\s*)?(cm|mm|m|meter|gram|gr|g|kg|ml|l|liter|senar|strings?)\b/i;
  const letters = title.replace(/[^A-Za-z]/g, '');
  const caps = title.replace(/[^A-Z]/g, '').length;
  return [
    ['r_type', has(title, cfg.keywords || [])],
    ['r_origin', has(title, cfg.origins && cfg.origins.length ? cfg.origins : ['ntt', 'kupang'])],
    ['r_size', size.test(title)],
    ['r_words', title.trim().split(/\s+/).filter(Boolean).length >= 4],
    ['r_calm', title.trim() !== '' && !/!!/.test(title) && !(letters.length >= 8 && caps / letters.length > 0.6)],
    ['r_material', /bahan|katun|benang|pewarna|daging|bumbu|kayu|lontar|material|cotton|thread|dye|meat|spice|wood/i.test(desc)],
    ['r_dsize', size.test(desc)],
    ['r_care', /simpan|rawat|cuci|kulkas|freezer|tahan|store|keep|wash|care|fridge/i.test(desc)],
    ['r_ship', /kirim|pengiriman|proses|hari kerja|ship|dispatch|deliver|working day/i.test(desc)],
    ['r_story', /saya|kami|mama|ibu|bapak|\bpak\b|\bom\b|\bkak\b|penenun|pembuat|dibuat|ditenun|made|woven|weaver|maker|\bwe\b|\bour\b/i.test(desc)],
  ];
}

function field(label, input) {
  return el('div', { class: 'field' }, el('label', {}, label, input));
}

function numInput(name, value, mode = 'numeric') {
  return el('input', { name, inputmode: mode, autocomplete: 'off', value: value === undefined ? '' : String(value) });
}

function priceTool(cfg, ctx, s) {
  const f = {
    batch: numInput('batch'), units: numInput('units'), ship: numInput('ship'),
    margin: numInput('margin', cfg.margin ?? 25, 'decimal'), fee: numInput('fee', cfg.fee_percent ?? 10, 'decimal'),
    fixed: numInput('fixed', cfg.fixed_fee ?? 0), guess: numInput('guess'),
  };
  const out = el('div', { class: 'practice-result', 'aria-live': 'polite' });
  const rp = (v) => 'Rp' + Math.round(v).toLocaleString(ctx.lang === 'id' ? 'id-ID' : 'en-US');
  const form = el('form', { class: 'practice-form', onsubmit: (e) => {
    e.preventDefault();
    const v = { batch: digits(f.batch.value), units: digits(f.units.value), ship: digits(f.ship.value),
      margin: decimal(f.margin.value), fee: decimal(f.fee.value), fixed: digits(f.fixed.value) };
    const guess = digits(f.guess.value);
    if (Object.values(v).some(Number.isNaN) || Number.isNaN(guess) || v.units <= 0) return out.replaceChildren(el('p', { class: 'error' }, s.need));
    if (v.margin + v.fee >= 95) return out.replaceChildren(el('p', { class: 'error' }, s.too_high));
    const r = priceFor(v);
    const ok = guess >= Math.floor(r.exact) && guess <= r.price + 1000;
    out.replaceChildren(
      el('p', { class: ok ? 'ok' : 'error' }, ok ? s.right : s.wrong),
      el('p', { class: 'hint' }, s.formula),
      el('dl', {},
        el('dt', {}, s.hpp), el('dd', {}, rp(r.hpp)),
        el('dt', {}, s.cost), el('dd', {}, rp(r.cost)),
        el('dt', {}, s.price), el('dd', { class: 'answer' }, rp(r.price)),
        el('dt', {}, s.fees), el('dd', {}, rp(r.fees)),
        el('dt', {}, s.net), el('dd', {}, rp(r.net)),
        el('dt', {}, s.profit), el('dd', {}, rp(r.profit)),
        el('dt', {}, s.got), el('dd', {}, r.got.toFixed(1) + '%')));
    ctx.report(cfg, { ...v, guess }, out);
  } },
  field(s.batch, f.batch), field(s.units, f.units), field(s.ship, f.ship),
  field(s.margin, f.margin), field(s.fee, f.fee), field(s.fixed, f.fixed), field(s.guess, f.guess),
  el('button', { type: 'submit', class: 'primary' }, s.check));
  return [el('h3', {}, s.price_title), form, out];
}

function cashTool(cfg, ctx, s) {
  const money = (v) => Number(v).toLocaleString(ctx.lang === 'id' ? 'id-ID' : 'en-US');
  const inputs = cfg.rows.map((r, i) => {
    const input = numInput('row' + i);
    input.setAttribute('aria-label', `${s.balance}: ${r.day || ''} ${r.text}`);
    return input;
  });
  const out = el('div', { class: 'practice-result', 'aria-live': 'polite' });
  // One receipt per line, not a five-column table: it has to fit 360 px.
  const list = el('ol', { class: 'cashbook' },
    el('li', { class: 'opening' }, el('span', {}, s.opening), el('b', { class: 'num' }, money(cfg.opening || 0))),
    cfg.rows.map((r, i) => el('li', {},
      el('span', { class: 'what' }, r.day ? el('b', {}, r.day + ' ') : '', r.text),
      el('span', { class: 'num ' + (r.in ? 'in' : 'out') }, r.in ? `${s.in} +${money(r.in)}` : `${s.out} −${money(r.out)}`),
      el('label', {}, s.balance, inputs[i]))));
  const form = el('form', { class: 'practice-form', onsubmit: (e) => {
    e.preventDefault();
    let bal = cfg.opening || 0;
    let good = 0;
    cfg.rows.forEach((r, i) => {
      bal += (r.in || 0) - (r.out || 0);
      const ok = digits(inputs[i].value) === bal;
      inputs[i].toggleAttribute('aria-invalid', !ok);
      inputs[i].closest('li').className = ok ? 'row-ok' : 'row-bad';
      if (ok) good++;
    });
    const score = Math.round((100 * good) / cfg.rows.length);
    const all = good === cfg.rows.length;
    out.replaceChildren(el('p', { class: all ? 'ok' : 'error' }, all ? s.cash_ok : `${cfg.rows.length - good} ${s.cash_bad}`),
      el('p', {}, `${s.score}: ${score}`));
    ctx.report(cfg, { balances: inputs.map((i) => digits(i.value) || 0) }, out);
  } }, list, el('button', { type: 'submit', class: 'primary' }, s.check));
  return [el('h3', {}, s.cash_title), form, out];
}

function listingTool(cfg, ctx, s) {
  const title = el('input', { name: 'title', autocomplete: 'off' });
  const desc = el('textarea', { name: 'desc', rows: '6' });
  const out = el('div', { class: 'practice-result', 'aria-live': 'polite' });
  const form = el('form', { class: 'practice-form', onsubmit: (e) => {
    e.preventDefault();
    const checks = listingChecks(cfg, title.value, desc.value);
    const good = checks.filter(([, ok]) => ok).length;
    const score = Math.round((100 * good) / checks.length);
    out.replaceChildren(el('p', { class: score >= 80 ? 'ok' : 'error' }, `${s.score}: ${score}`),
      el('ul', { class: 'checklist' }, checks.map(([k, ok]) => el('li', { class: ok ? 'ok' : 'bad' }, (ok ? '✓ ' : '✗ ') + s[k]))));
    ctx.report(cfg, { title: title.value, description: desc.value }, out);
  } }, field(s.title, title), field(s.desc, desc), el('button', { type: 'submit', class: 'primary' }, s.check));
  return [el('h3', {}, s.list_title), form, out];
}

const tools = { price: priceTool, cashbook: cashTool, listing: listingTool };

function stylesheet() {
  if (document.querySelector('link[data-practice-css]')) return;
  document.head.append(el('link', { rel: 'stylesheet', href: '/practice.css', 'data-practice-css': true }));
}

// mount fills every practice element of a lesson. ctx gives the learner,
// the lesson and a record(type, fields) function that queues an event for
// sync. What the
// learner types is kept on the phone as they type, so a re-render (signal
// lost or back), a reload or a restart never loses it; a result already
// shown is shown again without being recorded twice.
export function mount(elements, ctx) {
  stylesheet();
  // s.key is the dictionary's pr_key in the reader's language.
  const s = new Proxy({}, { get: (_, k) => t('pr_' + String(k)) });
  for (const node of elements) {
    let cfg;
    try { cfg = JSON.parse(node.dataset.practice); } catch { continue; }
    const tool = tools[cfg.tool];
    if (!tool) continue;
    const key = `lontar.practice:${ctx.userId || ''}/${ctx.courseId}/${ctx.lessonId}/${cfg.id}`;
    const draft = load(key);
    let silent = false;
    // The answers travel with the event; the server grades them again.
    const report = (cfg, answers, out) => {
      save(key, { ...load(key), checked: true });
      if (silent) return;
      ctx.record('practice_done', { course_id: ctx.courseId, lesson_id: ctx.lessonId, practice_id: cfg.id, answers });
      out.append(el('p', { class: 'hint' }, s.saved));
    };
    node.replaceChildren(...tool(cfg, { lang: ctx.lang, report }, s));
    const fields = node.querySelectorAll('input[name], textarea[name]');
    for (const f of fields) if (draft.values && f.name in draft.values) f.value = draft.values[f.name];
    node.addEventListener('input', () => {
      const values = {};
      for (const f of fields) values[f.name] = f.value;
      save(key, { ...load(key), values });
    });
    node.classList.add('ready');
    if (draft.checked) {
      silent = true;
      node.querySelector('form').requestSubmit();
      silent = false;
    }
  }
}

function load(key) {
  try { return JSON.parse(localStorage.getItem(key) || '{}') || {}; } catch { return {}; }
}

function save(key, v) {
  try { localStorage.setItem(key, JSON.stringify(v)); } catch { /* storage full: the exercise still works */ }
}

// offline replaces each placeholder's text when the module itself could
// not be fetched (first open of such a lesson with no signal).
