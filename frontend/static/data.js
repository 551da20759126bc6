// The learner's data, shared by every screen module: courses read once
// per app session, and enrollments, quizzes and the catalogue kept on the
// phone so each screen opens offline.
import { lang } from '/i18n.js';
import { api, mine, outbox } from '/api.js';

const courses = new Map(); // `${id}:${lang}` → Promise<course>

// cached reports whether course(id) answers from memory.
export function cached(id) {
  return courses.has(`${id}:${lang()}`);
}

// course reads a course once per app session: a lesson step then draws
// from memory, with no request and no "Memuat…".
export function course(id) {
  const key = `${id}:${lang()}`;
  if (!courses.has(key)) {
    courses.set(key, api.kept(`/courses/${encodeURIComponent(id)}?lang=${lang()}`).catch((e) => {
      courses.delete(key);
      throw e;
    }));
  }
  return courses.get(key);
}

// enrollments are the learner's, fresh when online, else the last copy.
export async function enrollments() {
  try {
    const list = await api.get('/me/enrollments?lang=' + lang());
    mine.set('enrollments', list);
    return list;
  } catch (e) {
    if (e.code === 'network' || e.status >= 500) return mine.get('enrollments', []);
    throw e;
  }
}

// doneLessons joins what the server knows with what still waits in the
// outbox, so a lesson finished offline shows finished everywhere.
export function doneLessons(courseId, enrollment) {
  const done = new Set(Object.keys(enrollment?.completed_lessons || {}));
  for (const e of outbox()) if (e.type === 'lesson_completed' && e.course_id === courseId) done.add(e.lesson_id);
  return done;
}

export const lessonsOf = (c) => c.modules.flatMap((m) => m.lessons);

// nextLesson is where to continue: the first unfinished lesson after the
// last one done, else the first unfinished one.
export function nextLesson(c, done) {
  const ls = lessonsOf(c);
  let last = -1;
  ls.forEach((l, i) => { if (done.has(l.id)) last = i; });
  return ls.slice(last + 1).find((l) => !done.has(l.id)) || ls.find((l) => !done.has(l.id)) || null;
}

export async function catalogue() {
  return api.kept('/courses?lang=' + lang()).catch(() => []);
}

