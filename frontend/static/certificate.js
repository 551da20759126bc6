// Certificates on the phone: the learner's list, one certificate with its
// PDF and a WhatsApp share link (both kept on the phone once opened, so
// they show with no signal), the "course complete" announcement, and the
// trainer's view of a cohort's certificates with revocation. Loaded only
// when one of them is needed; it brings its section of the dictionary.
import '/words-certificate.js';
import { t, lang } from '/i18n.js';
import { api, session } from '/api.js';
import { h, go, link, page } from '/ui.js';

// w reads the certificate section of the dictionary.
const w = (k, vars) => t('ce_' + k, vars);



const enc = encodeURIComponent;
const locale = () => (lang() === 'en' ? 'en-GB' : 'id-ID');
const date = (s) => (s ? new Date(s).toLocaleDateString(locale(), { day: 'numeric', month: 'long', year: 'numeric' }) : '');
const pdfURL = (code) => `/api/v1/certificates/${enc(code)}/pdf`;

// The phone's copy of the learner's certificates, per learner.
const keptKey = (what) => `lontar.certificates.${what}.${session.user?.id || ''}`;
function kept(what, fallback) {
  try { return JSON.parse(localStorage.getItem(keptKey(what)) || 'null') ?? fallback; } catch { return fallback; }
}
const keep = (what, v) => localStorage.setItem(keptKey(what), JSON.stringify(v));

// myCertificates asks the server and keeps the answer for when there is
// no signal.
async function myCertificates() {
  try {
    const list = await api.get('/me/certificates?lang=' + lang());
    keep('list', list);
    return list;
  } catch (e) {
    const list = kept('list', null);
    if (list) return list;
    throw e;
  }
}

// The PDFs are kept in their own cache, whatever the service worker does,
// so one opened once can be saved again with no signal.
const PDFS = 'lontar-certificates';

// keepPDF keeps the PDF on the phone (the current one: a revoked
// certificate's PDF says so).
async function keepPDF(code) {
  if (!navigator.onLine || !window.caches) return;
  try {
    const res = await fetch(pdfURL(code));
    if (res.ok) await caches.open(PDFS).then((c) => c.put(pdfURL(code), res));
  } catch { /* no signal after all: the copy kept before stays */ }
}

// pdf returns the PDF from the network, else the copy on the phone.
async function pdf(code) {
  try {
    const res = await fetch(pdfURL(code));
    if (res.ok) return res;
  } catch { /* offline */ }
  const kept = window.caches ? await caches.match(pdfURL(code), { cacheName: PDFS }) : null;
  if (!kept) throw new Error('not kept');
  return kept;
}

// downloadPDF saves the PDF, from the network or the phone's copy.
async function downloadPDF(code, btn) {
  btn.disabled = true;
  try {
    const res = await pdf(code);
    const url = URL.createObjectURL(await res.blob());
    const a = h('a', { href: url, download: `sertifikat-${code}.pdf`, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  } catch {
    alert(navigator.onLine ? w('error') : w('pdf_offline'));
  } finally {
    btn.disabled = false;
  }
}

function status(c) {
  if (c.status === 'revoked') {
    return h('p', { class: 'cert-status revoked', role: 'status' }, w('revoked', { date: date(c.revoked_at) }),
      h('br'), `${w('reason')}: ${c.revoked_reason}`);
  }
  return h('p', { class: 'cert-status valid' }, '✔ ', w('valid'));
}

// certificatesView lists the learner's certificates.
export async function certificatesView() {
  page(h('p', { class: 'loading' }, '…'));
  const list = await myCertificates();
  list.forEach((c) => keepPDF(c.code));
  page(h('h1', {}, w('mine')),
    list.length ? h('ul', { class: 'list cert-list' }, list.map((c) => h('li', {}, link('/sertifikat/' + enc(c.code), {},
      h('strong', {}, c.course_title), h('span', {}, `${c.institution} · ${date(c.issued_at)}`),
      h('small', {}, c.status === 'revoked' ? w('revoked_short') : c.code)))))
      : h('p', { class: 'cert-none' }, w('none')),
    link('/', { class: 'cert-btn plain' }, w('back')));
}

// certificateView is one certificate, as the learner shows it to a buyer
// or a bank: the facts, the PDF, a WhatsApp link to its public page.
export async function certificateView(code) {
  page(h('p', { class: 'loading' }, '…'));
  const list = await myCertificates();
  const c = list.find((x) => x.code === code);
  if (!c) return page(h('h1', {}, w('not_found')), link('/sertifikat', { class: 'cert-btn' }, w('mine')));
  keepPDF(c.code);
  const share = `${w('share_text', { course: c.course_title })} ${c.verify_url}`;
  page(link('/sertifikat', { class: 'back' }, '← ' + w('mine')),
    h('section', { class: 'card certificate' + (c.status === 'revoked' ? ' revoked' : '') },
      h('p', { class: 'cert-inst' }, c.institution),
      h('h1', {}, w('title')),
      h('p', { class: 'meta' }, w('awarded')),
      h('p', { class: 'cert-name' }, c.learner_name),
      h('p', { class: 'meta' }, w('for')),
      h('p', { class: 'cert-course' }, c.course_title),
      h('dl', {},
        h('dt', {}, w('hours')), h('dd', {}, `${c.hours.toLocaleString(locale())} ${w('hours_unit')}`),
        c.final_score != null ? [h('dt', {}, w('score')), h('dd', {}, String(Math.round(c.final_score)))] : null,
        c.cohort_name ? [h('dt', {}, w('cohort')), h('dd', {}, c.cohort_name)] : null,
        h('dt', {}, w('issued')), h('dd', {}, date(c.issued_at)),
        h('dt', {}, w('code')), h('dd', { class: 'code' }, c.code)),
      status(c)),
    h('button', { type: 'button', class: 'primary cert-pdf', onclick: (e) => downloadPDF(c.code, e.currentTarget) }, w('download')),
    c.status === 'revoked' ? null
      : h('a', { class: 'cert-btn cert-share', href: 'https://wa.me/?text=' + enc(share), rel: 'noopener' }, w('share')),
    h('a', { class: 'cert-btn plain', href: c.verify_url, rel: 'noopener' }, w('verify')),
    h('p', { class: 'hint' }, w('offline_note')));
}

// announce tells the learner, on the screen they are on, that a course
// has just been completed and its certificate issued: a certificate of the
// last day not announced on this phone before.
export async function announce() {
  if (!session.user || !navigator.onLine) return;
  const seen = kept('seen', []);
  let list;
  try { list = await myCertificates(); } catch { return; }
  const recent = Date.now() - 24 * 3600 * 1000;
  const fresh = list.filter((c) => !seen.includes(c.code) && c.status === 'valid' && Date.parse(c.issued_at) > recent);
  keep('seen', list.map((c) => c.code));
  const at = document.querySelector('.page');
  if (!fresh.length || !at) return;
  const c = fresh[0];
  keepPDF(c.code);
  at.prepend(h('div', { class: 'card cert-new', role: 'alert' },
    h('p', { class: 'cert-new-title' }, '🎓 ', w('new_title')),
    h('p', {}, w('new_body', { course: c.course_title })),
    link('/sertifikat/' + enc(c.code), { class: 'cert-btn primary' }, w('open'))));
  window.scrollTo(0, 0);
}

// --- trainers ---

// cohortCertificatesView is a trainer's view of a class: certificates
// issued (with revocation), pending with what is missing, and revoked.
export async function cohortCertificatesView(id) {
  page(h('p', { class: 'loading' }, '…'));
  const data = await api.get(`/cohorts/${enc(id)}/certificates?lang=${lang()}`);
  const revokeForm = (e) => {
    const code = e.certificate.code;
    const form = h('form', { class: 'revoke', novalidate: true },
      h('label', { for: 'reason-' + code }, w('reason_ask')),
      h('textarea', { id: 'reason-' + code, name: 'reason', required: true, minlength: 5, maxlength: 500, rows: 2 }),
      h('p', { class: 'form-error', role: 'alert' }),
      h('button', { type: 'submit', class: 'secondary' }, w('revoke')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (!confirm(w('revoke_confirm', { code }))) return;
      const btn = form.querySelector('button');
      btn.disabled = true;
      try {
        await api.post(`/certificates/${enc(code)}/revoke`, { reason: new FormData(form).get('reason') });
        go(location.pathname);
      } catch (err) {
        form.querySelector('.form-error').textContent = err.fields?.reason || err.message || w('error');
        btn.disabled = false;
      }
    });
    return form;
  };
  const missing = (m) => {
    if (m.not_enrolled) return w('missing_enrol');
    if (m.processing) return w('missing_processing');
    return [m.lessons ? w('missing_lessons', { n: m.lessons }) : null, m.final_quiz ? w('missing_final') : null]
      .filter(Boolean).join(', ');
  };
  const item = (e, ...extra) => h('li', { class: 'card' },
    h('h3', {}, e.learner_name), h('p', { class: 'meta' }, e.course_title), ...extra);
  page(link('/pelatih/kelas/' + enc(id), { class: 'back' }, '← ' + data.cohort_name),
    h('h1', {}, w('cohort_title')),
    h('h2', {}, w('issued_list', { n: data.issued.length })),
    h('ul', { class: 'cards cert-issued' }, data.issued.map((e) => item(e,
      h('p', {}, h('b', { class: 'code' }, e.certificate.code), ' · ', date(e.certificate.issued_at)),
      h('a', { class: 'cert-btn plain', href: e.certificate.verify_url, rel: 'noopener' }, w('verify')),
      revokeForm(e)))),
    h('h2', {}, w('pending_list', { n: data.pending.length })),
    h('ul', { class: 'cards cert-pending' }, data.pending.map((e) => item(e, h('p', {}, `${w('missing')}: ${missing(e.missing)}`)))),
    h('h2', {}, w('revoked_list', { n: data.revoked.length })),
    h('ul', { class: 'cards cert-revoked' }, data.revoked.map((e) => item(e,
      h('p', {}, h('b', { class: 'code' }, e.certificate.code), ' · ', w('revoked', { date: date(e.certificate.revoked_at) })),
      h('p', {}, `${w('reason')}: ${e.certificate.revoked_reason}`)))));
}
