// "Simpan untuk dibaca tanpa internet": a learner saves a course and its
// quizzes on the phone, sees beforehand what that costs in KB and Rupiah
// at the operator's price per GB, and can remove it again. The copies live
// among the phone's kept copies (api.js keep), filed under this learner.
import { t, lang, num } from '/i18n.js';
import { keep, dataKey, DATA, mine } from '/api.js';
import { h, settings } from '/ui.js';

function urls(c, quizzes) {
  return [`/courses/${encodeURIComponent(c.id)}?lang=${lang()}`, `/courses/${encodeURIComponent(c.id)}/quizzes?lang=${lang()}`,
    ...quizzes.map((q) => `/quizzes/${encodeURIComponent(q.id)}?lang=${lang()}`)];
}

// cost is what bytes cost at pricePerGB Rupiah (1 GB = 10^9 bytes, as
// operators sell it).
export function cost(bytes, pricePerGB) {
  const rp = (bytes / 1e9) * pricePerGB;
  return num(rp, rp < 1 ? 2 : 0);
}

const kb = (b) => num(Math.max(1, Math.round(b / 1024)));

// saveButton returns the saver for course c: the estimate before saving,
// the real size once saved, and a remove button.
export async function saveButton(c, quizzes) {
  const conf = await settings();
  const box = h('div', { class: 'saver card' });
  const draw = () => {
    const saved = mine.get('saved', {})[c.id];
    if (saved) {
      box.replaceChildren(h('p', { class: 'badge saved' }, t('saved_size', { kb: kb(saved.bytes) })),
        h('button', { type: 'button', class: 'secondary', onclick: remove }, t('remove_saved')));
      return;
    }
    // The course as the server measured it, and each quiz likewise.
    const est = (c.size_bytes || 0) + quizzes.reduce((n, q) => n + (q.size_bytes || 0), 0);
    box.replaceChildren(
      h('button', { type: 'button', class: 'secondary', onclick: save }, t('save_offline')),
      h('small', { class: 'hint' }, t('save_cost', { kb: kb(est), rp: cost(est, conf.data_price_per_gb) })));
  };
  const save = async (e) => {
    e.target.disabled = true;
    e.target.textContent = t('saving');
    try {
      let bytes = 0;
      for (const u of urls(c, quizzes)) {
        const r = await keep(u);
        if (r.stale) throw new Error('offline');
        bytes += r.bytes;
      }
      mine.set('saved', { ...mine.get('saved', {}), [c.id]: { bytes, at: new Date().toISOString(), lang: lang() } });
    } catch {
      e.target.disabled = false;
    }
    draw();
  };
  const remove = async () => {
    const saved = mine.get('saved', {});
    delete saved[c.id];
    mine.set('saved', saved);
    if (window.caches) {
      const cache = await caches.open(DATA);
      for (const u of urls(c, quizzes)) await cache.delete(dataKey(u));
    }
    draw();
  };
  draw();
  return box;
}
