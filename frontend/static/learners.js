// Several learners on one phone: each signed-in learner keeps their own
// tokens, outbox and saved courses; switching to another asks for that
// learner's 4-digit PIN. Also the way back in with a reset code from a
// trainer or admin when a password is forgotten.
import { t } from '/i18n.js';
import { api, accounts, session } from '/api.js';
import { h, go, page, button, field, submitting, signedIn, home } from '/ui.js';

const MAX_TRIES = 5;

// pinHash derives a PIN's check value with a per-account salt. A 4-digit
// PIN only keeps a sharing neighbour out, not someone who can read the
// phone's storage; the password stays the real secret.
async function pinHash(pin, salt) {
  const data = new TextEncoder().encode(salt + ':' + pin);
  if (crypto.subtle) {
    const key = await crypto.subtle.importKey('raw', data, 'PBKDF2', false, ['deriveBits']);
    const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: new TextEncoder().encode(salt), iterations: 100000 }, key, 256);
    return [...new Uint8Array(bits)].map((b) => b.toString(16).padStart(2, '0')).join('');
  }
  let x = 2166136261; // FNV-1a where the page is not a secure context
  for (const b of data) x = Math.imul(x ^ b, 16777619) >>> 0;
  return x.toString(16);
}

const pinInput = () => h('input', { type: 'password', inputmode: 'numeric', autocomplete: 'off', maxlength: 4, pattern: '[0-9]{4}' });
const fieldError = (fields) => Object.assign(new Error(''), { fields });

// setPin asks the current learner for a new PIN, then goes to next.
function setPinView(next) {
  const form = submitting(h('form', { class: 'card', novalidate: true },
    h('h1', {}, t('pin_new')), h('p', {}, t('pin_help')),
    field('pin', t('pin'), pinInput()), field('pin2', t('pin_again'), pinInput()),
    h('p', { class: 'form-error', role: 'alert' }),
    h('button', { type: 'submit', class: 'primary' }, t('pin_new'))),
  async (fd) => {
    const pin = String(fd.get('pin'));
    if (!/^\d{4}$/.test(pin)) throw fieldError({ pin: t('pin_digits') });
    if (pin !== fd.get('pin2')) throw fieldError({ pin2: t('pin_mismatch') });
    const salt = crypto.getRandomValues(new Uint32Array(2)).join('-');
    const hash = await pinHash(pin, salt);
    session.update(session.id, (a) => { a.pin = { salt, hash }; a.tries = 0; });
    go(next);
  });
  page(form);
}

function askPinView(id) {
  const acct = accounts()[id];
  if (!acct) return go('/pelajar');
  const form = submitting(h('form', { class: 'card', novalidate: true },
    h('h1', {}, t('pin_enter', { name: acct.user.name })),
    field('pin', t('pin'), pinInput()),
    h('p', { class: 'form-error', role: 'alert' }),
    h('button', { type: 'submit', class: 'primary' }, t('switch_to', { name: acct.user.name }))),
  async (fd) => {
    const a = accounts()[id];
    if ((await pinHash(String(fd.get('pin')), a.pin.salt)) === a.pin.hash) {
      session.update(id, (x) => { x.tries = 0; });
      session.switchTo(id);
      return go(home(a.user));
    }
    const tries = (a.tries || 0) + 1;
    session.update(id, (x) => { x.tries = tries; });
    if (tries >= MAX_TRIES) {
      // Too many guesses: the tokens go; the outbox stays for their next login.
      session.clear(id);
      throw fieldError({ pin: t('pin_locked') });
    }
    throw fieldError({ pin: t('pin_wrong') });
  });
  page(form, button('/pelajar', t('back'), 'secondary'));
}

export function learnersView() {
  const q = new URLSearchParams(location.search);
  const current = session.account;
  if (q.get('pin') === '1' && current) {
    const next = sessionStorage.getItem('lontar.after-pin') || home(current.user);
    sessionStorage.removeItem('lontar.after-pin');
    return current.pin ? go(next) : setPinView(next);
  }
  if (q.get('add') === '1' && current && !current.pin) return setPinView('/pelajar/tambah');
  if (q.get('to')) return askPinView(q.get('to'));
  const list = Object.entries(accounts());
  page(h('h1', {}, t('learners')),
    h('ul', { class: 'cards' }, list.map(([id, a]) => h('li', { class: 'card learner', 'data-id': id },
      h('strong', {}, a.user.name), h('small', {}, a.user.phone),
      id === session.id ? h('span', { class: 'badge' }, t('current'))
        : h('button', { type: 'button', class: 'secondary', onclick: () => go(a.pin ? '/pelajar?to=' + encodeURIComponent(id) : '/masuk') },
          t('switch_to', { name: a.user.name }))))),
    button(current && !current.pin ? '/pelajar?add=1' : '/pelajar/tambah', t('add_learner')));
}

export function addLearnerView() {
  const form = submitting(h('form', { class: 'card', novalidate: true },
    h('h1', {}, t('add_learner')),
    field('phone', t('phone'), h('input', { type: 'tel', inputmode: 'tel', autocomplete: 'off', required: true }), t('phone_hint')),
    field('password', t('password'), h('input', { type: 'password', autocomplete: 'off', required: true })),
    h('p', { class: 'form-error', role: 'alert' }),
    h('button', { type: 'submit', class: 'primary' }, t('login'))),
  async (fd) => {
    await signedIn(await api.post('/auth/login', { phone: fd.get('phone'), password: fd.get('password') }));
  });
  page(form, button('/daftar', t('register_new'), 'secondary'), button('/pelajar', t('back'), 'plain'));
}

export function resetView() {
  const form = submitting(h('form', { class: 'card', novalidate: true },
    h('h1', {}, t('reset_title')), h('p', {}, t('reset_help')),
    field('phone', t('phone'), h('input', { type: 'tel', inputmode: 'tel', required: true }), t('phone_hint')),
    field('code', t('reset_code'), h('input', { autocapitalize: 'characters', required: true })),
    field('password', t('new_password'), h('input', { type: 'password', autocomplete: 'new-password', required: true }), t('password_hint')),
    h('p', { class: 'form-error', role: 'alert' }),
    h('button', { type: 'submit', class: 'primary' }, t('reset_title'))),
  async (fd) => {
    // A reset code works like an activation code: it sets a new password.
    await signedIn(await api.post('/auth/activate', { phone: fd.get('phone'), code: fd.get('code'), password: fd.get('password') }));
  });
  page(form, button('/masuk', t('back'), 'secondary'));
}
