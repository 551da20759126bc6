// Read-aloud with the browser's speech synthesis: an Indonesian voice when
// the phone has one, sentence by sentence with the sentence being read
// highlighted, and pause, resume and stop.
import { t, lang } from '/i18n.js';
import { h } from '/ui.js';

const blocks = 'h1,h2,h3,h4,p,li,td,th,legend,blockquote';

// sentences splits el's text into sentences, each with a Range over the
// page's text so it can be highlighted where it stands.
function sentences(el) {
  const out = [];
  const units = el.matches(blocks) ? [el] : [...el.querySelectorAll(blocks)].filter((b) => !b.querySelector(blocks));
  for (const unit of units) {
    const nodes = [];
    const walk = document.createTreeWalker(unit, NodeFilter.SHOW_TEXT, {
      acceptNode: (n) => (n.parentElement.closest('.speak,button') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT) });
    let text = '';
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      nodes.push([n, text.length]);
      text += n.data;
    }
    const at = (i) => {
      let k = nodes.length - 1;
      while (k > 0 && nodes[k][1] > i) k--;
      return [nodes[k][0], Math.min(i - nodes[k][1], nodes[k][0].length)];
    };
    for (const m of text.matchAll(/[^.!?…]+[.!?…]*["”)]?\s*/g)) {
      const said = m[0].trim();
      if (!said || !/\p{L}|\p{N}/u.test(said)) continue;
      const range = document.createRange();
      range.setStart(...at(m.index));
      range.setEnd(...at(m.index + m[0].trimEnd().length));
      out.push({ text: said, range, unit });
    }
  }
  return out;
}

function voice() {
  const want = lang() === 'en' ? 'en' : 'id';
  return speechSynthesis.getVoices().find((v) => v.lang.toLowerCase().replace('_', '-').startsWith(want)) || null;
}

// voices waits briefly for the phone's voice list, which some browsers
// fill only after a voiceschanged event.
function voices() {
  if (speechSynthesis.getVoices().length) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => { speechSynthesis.removeEventListener('voiceschanged', done); resolve(); };
    speechSynthesis.addEventListener('voiceschanged', done);
    setTimeout(done, 1500);
  });
}

let active = null; // the one control reading now

function mark(s) {
  document.querySelectorAll('.reading').forEach((el) => el.classList.remove('reading'));
  if (window.CSS?.highlights) {
    if (s) CSS.highlights.set('reading', new Highlight(s.range));
    else CSS.highlights.delete('reading');
  }
  s?.unit.classList.add('reading');
}

// readAloud returns the controls that read el aloud.
export function readAloud(el, small = false) {
  const play = h('button', { type: 'button', class: 'speak-btn' + (small ? ' small' : ''), 'aria-label': t('read_aloud') }, '🔊 ' + (small ? '' : t('read_aloud')));
  const stop = h('button', { type: 'button', class: 'speak-btn', hidden: true }, '⏹ ' + t('stop'));
  const note = h('p', { class: 'hint', role: 'status' });
  const box = h('div', { class: 'speak' }, play, stop, note);
  let state = 'idle';
  let queue = [];
  const show = (s) => {
    state = s;
    play.textContent = s === 'playing' ? '⏸ ' + t('pause') : s === 'paused' ? '▶ ' + t('resume') : '🔊 ' + (small ? '' : t('read_aloud'));
    play.setAttribute('aria-label', play.textContent.slice(2) || t('read_aloud'));
    stop.hidden = s === 'idle';
    box.dataset.state = s;
  };
  const finish = () => { queue = []; mark(null); show('idle'); if (active === finish) active = null; };
  const next = () => {
    const s = queue.shift();
    if (!s) return finish();
    mark(s);
    const u = new SpeechSynthesisUtterance(s.text);
    u.lang = lang() === 'en' ? 'en-US' : 'id-ID';
    const v = voice();
    if (v) u.voice = v;
    u.onend = () => { if (state !== 'idle') next(); };
    u.onerror = () => finish();
    speechSynthesis.speak(u);
  };
  play.addEventListener('click', async () => {
    if (!('speechSynthesis' in window)) { note.textContent = t('no_voice'); return; }
    if (state === 'playing') { speechSynthesis.pause(); return show('paused'); }
    if (state === 'paused') { speechSynthesis.resume(); return show('playing'); }
    await voices();
    if (!voice()) { note.textContent = t('no_voice'); return; }
    note.textContent = '';
    active?.();
    speechSynthesis.cancel();
    active = finish;
    queue = sentences(el);
    show('playing');
    next();
  });
  stop.addEventListener('click', () => { speechSynthesis.cancel(); finish(); });
  // Leaving the screen stops reading.
  window.addEventListener('lontar:navigate', () => { if (state !== 'idle') { speechSynthesis.cancel(); finish(); } }, { once: true });
  return box;
}
