// How numbers, lengths and dates read on the page: "1 like" and "1,234 plays" rather than
// "1 likes", a song's length beside every song, "3 days ago" with the exact date on hover.
// Pure functions of their arguments (no DOM), so that node's test runner checks them directly.

const LOCALE = 'en';
const numbers = new Intl.NumberFormat(LOCALE);
const plurals = new Intl.PluralRules(LOCALE);
const relative = new Intl.RelativeTimeFormat(LOCALE, { numeric: 'auto' });
const exact = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'long', timeStyle: 'short' });

/** `count(1, 'like')` → "1 like", `count(1234, 'play')` → "1,234 plays"; a missing count is 0.
 * `plural` is for words whose plural is not the singular with an "s". */
export function count(n, singular, plural = `${singular}s`) {
  const value = Number.isFinite(Number(n)) ? Number(n) : 0;
  const word = plurals.select(value) === 'one' ? singular : plural;
  return `${numbers.format(value)} ${word}`;
}

/** A song's length as m:ss (h:mm:ss from an hour on); unknown lengths read "–:––". */
export function duration(seconds) {
  const value = Number(seconds);
  if (seconds == null || !Number.isFinite(value) || value < 0) return '–:––';
  const s = Math.floor(value);
  const mm = String(Math.floor((s % 3600) / 60));
  const ss = String(s % 60).padStart(2, '0');
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mm.padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

/** A total length in words, for albums and playlists: "42 min", "1 h 5 min", "40 s". */
export function totalLength(seconds) {
  const s = Math.max(0, Math.round(Number(seconds) || 0));
  if (s < 60) return `${s} s`;
  const hours = Math.floor(s / 3600);
  const minutes = Math.round((s % 3600) / 60);
  if (!hours) return `${minutes} min`;
  return minutes ? `${hours} h ${minutes} min` : `${hours} h`;
}

const UNITS = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "3 days ago", "yesterday", "just now" for `when` (a date or an ISO string) seen at `now`. */
export function ago(when, now = Date.now()) {
  const then = new Date(when).getTime();
  if (!Number.isFinite(then)) return '';
  const seconds = Math.round((then - now) / 1000);
  if (Math.abs(seconds) < 60) return 'just now';
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return relative.format(Math.trunc(seconds / size), unit);
  }
  return 'just now';
}

/** The exact date and time, shown on hover beside a relative one. */
export function exactDate(when) {
  const date = new Date(when);
  return Number.isFinite(date.getTime()) ? exact.format(date) : '';
}
