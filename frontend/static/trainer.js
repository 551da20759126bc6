// The trainer's panel: their institution's cohorts with join codes to share
// on WhatsApp, a form to open a cohort, and each cohort's roster. Loaded
// only for trainers and admins, so learners never download it.
import { t, lang } from '/i18n.js';
import { api } from '/api.js';

const words = {
  id: {
    title: 'Kelas saya', help: 'Siapa perlu bantuan, soal yang sulit', create: 'Buka kelas baru', name: 'Nama kelas', course: 'Kursus', starts: 'Mulai', ends: 'Selesai',
    region: 'Wilayah (kode BPS)', members: 'peserta', code: 'Kode', share: 'Bagikan di WhatsApp', roster: 'Daftar peserta',
    none: 'Belum ada kelas.', invite: 'Ayo belajar di Lontar! Gabung kelas kami lewat tautan ini:', progress: 'Kemajuan',
    invited: 'Diundang, belum menjawab', certificates: 'Sertifikat kelas ini', new_code: 'Kode baru', code_activation: 'Kode aktivasi', code_reset: 'Kode atur ulang sandi',
  },
  en: {
    title: 'My classes', help: 'Who needs help, hard questions', create: 'Open a new class', name: 'Class name', course: 'Course', starts: 'Starts', ends: 'Ends',
    region: 'Region (BPS code)', members: 'participants', code: 'Code', share: 'Share on WhatsApp', roster: 'Participants',
    none: 'No classes yet.', invite: 'Come and learn on Lontar! Join our class with this link:', progress: 'Progress',
    invited: 'Invited, no answer yet', certificates: 'This class\'s certificates', new_code: 'New code', code_activation: 'Activation code', code_reset: 'Password reset code',
  },
};
const w = (k) => words[lang()][k];

export async function trainerView({ h, page, field, submitting, link }) {
  page(h('p', {}, t('loading')));
  const [cohorts, courses] = await Promise.all([api.get('/cohorts'), api.get('/courses?lang=' + lang())]);
  const today = new Date().toISOString().slice(0, 10);
  const form = submitting(h('form', { class: 'card', novalidate: true },
    h('h2', {}, w('create')),
    field('name', w('name'), h('input', { required: true })),
    field('course_ids', w('course'), h('select', {}, courses.map((c) => h('option', { value: c.id }, c.title)))),
    field('starts_on', w('starts'), h('input', { type: 'date', value: today })),
    field('ends_on', w('ends'), h('input', { type: 'date' })),
    field('region', w('region'), h('input', { inputmode: 'numeric', value: '5371' })),
    h('p', { class: 'form-error', role: 'alert' }),
    h('button', { type: 'submit', class: 'primary' }, w('create'))),
  async (fd) => {
    await api.post('/cohorts', { name: fd.get('name'), course_ids: [fd.get('course_ids')], starts_on: fd.get('starts_on'),
      ends_on: fd.get('ends_on'), region: fd.get('region') });
    trainerView({ h, page, field, submitting, link });
  });
  const item = (c) => h('li', { class: 'course cohort' },
    h('strong', {}, c.name),
    h('span', {}, `${w('code')}: `, h('b', { class: 'code' }, c.join_code), ` · ${c.members_count} ${w('members')}`),
    h('a', { href: 'https://wa.me/?text=' + encodeURIComponent(`${w('invite')} ${c.join_url}`), rel: 'noopener' }, w('share')),
    link('/pelatih/' + encodeURIComponent(c.id), w('roster')));
  page(h('h1', {}, w('title')),
    cohorts.length ? h('ul', { class: 'list plain' }, cohorts.map(item)) : h('p', {}, w('none')),
    form);
}

export async function rosterView({ h, page, link }, id) {
  page(h('p', {}, t('loading')));
  const [cohort, roster] = await Promise.all([api.get('/cohorts/' + encodeURIComponent(id)), api.get(`/cohorts/${encodeURIComponent(id)}/roster`)]);
  page(link('/pelatih', '← ' + w('title')), h('h1', {}, cohort.name),
    h('p', {}, `${w('code')}: `, h('b', { class: 'code' }, cohort.join_code)),
    h('p', {}, link(`/pelatih/${encodeURIComponent(id)}/bantuan`, w('help'))),
    h('p', {}, link(`/pelatih/${encodeURIComponent(id)}/sertifikat`, w('certificates'))),
    h('table', { class: 'roster' },
      h('thead', {}, h('tr', {}, h('th', {}, t('name')), h('th', {}, t('business_name')), h('th', {}, w('progress')))),
      h('tbody', {}, roster.map((p) => h('tr', {},
        h('td', {}, p.name, h('br'), h('small', {}, p.phone)),
        h('td', {}, p.business_name || '—'),
        h('td', {}, p.status === 'invited' ? h('em', {}, w('invited'))
          : [p.courses.map((c) => h('div', {}, `${c.percent}%`, c.completed_at ? ' ✓' : '')), codeButton(h, id, p.user_id)]))))));
}

// codeButton gets a participant a new one-time code (a lost activation
// code, a forgotten password) and shows it once, to pass on.
function codeButton(h, cohortId, userId) {
  const out = h('output', { class: 'code' });
  const btn = h('button', { type: 'button', onclick: async () => {
    btn.disabled = true;
    try {
      const c = await api.post(`/cohorts/${encodeURIComponent(cohortId)}/participants/${encodeURIComponent(userId)}/code`);
      out.textContent = `${w('code_' + c.kind)}: ${c.code}`;
    } catch (e) { out.textContent = e.message; } finally { btn.disabled = false; }
  } }, w('new_code'));
  return h('div', {}, btn, out);
}
