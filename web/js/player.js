// The player bar: one <audio> element that outlives page changes, a queue, shuffle, repeat,
// volume (normalised by ReplayGain when asked) and quality, and a lyrics panel that follows
// the song; it resumes where the listener stopped, reports plays and progress, and answers
// the keyboard and the Media Session API (lock screen, headset buttons).

import { api, user } from './api.js';
import { h, clear } from './dom.js';
import { duration } from './format.js';
import { lyricsView } from './lyrics.js';

const audio = new Audio();
audio.preload = 'metadata';
const state = {
  queue: [],
  index: -1,
  shuffle: false,
  repeat: 'off', // off | all | one
  quality: localStorage.getItem('ampli.quality') || 'original',
  counted: false,
  lastReport: 0,
  volume: 1, // the listener's own, before normalising
};
const ui = {};
const listeners = new Set();
const barLyrics = lyricsView(audio);

const NORMALISE_MODES = ['off', 'track', 'album'];

/** off, track or album: how volume is normalised, remembered in this browser. */
export function normaliseMode() {
  const mode = localStorage.getItem('ampli.normalise');
  return NORMALISE_MODES.includes(mode) ? mode : 'off';
}

export function setNormaliseMode(mode) {
  localStorage.setItem('ampli.normalise', NORMALISE_MODES.includes(mode) ? mode : 'off');
  applyVolume();
}

/** The volume factor a song's ReplayGain asks for: the gain (dB against ReplayGain's reference
 * level) as 10^(dB/20), the album's in album mode when known (else the track's), lowered so
 * that peak × factor stays at most 1. Never above 1: audio.volume cannot amplify, so a quiet
 * song plays at full volume rather than boosted (a Web Audio gain could boost, but would
 * silence a stream served from another origin and needs a user gesture to start). */
export function gainFactor(song, mode = normaliseMode()) {
  const loudness = song?.loudness;
  if (!loudness || mode === 'off') return 1;
  const album = mode === 'album' && Number.isFinite(loudness.albumGain);
  const gain = album ? loudness.albumGain : loudness.trackGain;
  if (!Number.isFinite(gain)) return 1;
  const peak = album ? (loudness.albumPeak ?? loudness.trackPeak) : loudness.trackPeak;
  let factor = 10 ** (gain / 20);
  if (Number.isFinite(peak) && peak > 0) factor = Math.min(factor, 1 / peak);
  return Math.min(1, factor);
}

function applyVolume() {
  audio.volume = Math.max(0, Math.min(1, state.volume * gainFactor(current())));
}

export function current() {
  return state.queue[state.index] || null;
}

export function isPlaying() {
  return !audio.paused;
}

export function audioElement() {
  return audio;
}

/** Plays `songs[start]` with the rest of `songs` as the queue. */
export async function playList(songs, start = 0) {
  state.queue = songs.slice();
  await load(start, true);
}

export function enqueue(song) {
  state.queue.push(song);
  render();
}

/** The queue as it stands (a copy) and where in it the player is. */
export function queue() {
  return { songs: state.queue.slice(), index: state.index };
}

/** Calls `listener` whenever the song, the queue or play and pause change; answers a
 * function that stops it. */
export function onChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function playAt(index) {
  return load(index, true);
}

/** Moves the queue's song at `from` to `to`; the song playing keeps playing. */
export function moveInQueue(from, to) {
  const last = state.queue.length - 1;
  if (from < 0 || from > last || to < 0 || to > last || from === to) return;
  const [song] = state.queue.splice(from, 1);
  state.queue.splice(to, 0, song);
  if (state.index === from) state.index = to;
  else if (from < state.index && to >= state.index) state.index -= 1;
  else if (from > state.index && to <= state.index) state.index += 1;
  render();
}

/** Takes the song at `index` out of the queue; taking out the one playing goes on with the
 * next (or stops at the end). */
export function removeFromQueue(index) {
  if (index < 0 || index >= state.queue.length) return;
  if (index !== state.index) {
    state.queue.splice(index, 1);
    if (index < state.index) state.index -= 1;
    render();
    return;
  }
  // The song playing leaves: its progress is reported while it is still the current one.
  const playing = !audio.paused;
  reportProgress();
  state.queue.splice(index, 1);
  state.index = -1;
  if (state.queue.length) load(Math.min(index, state.queue.length - 1), playing); else stop();
}

/** Empties the queue but for the song playing. */
export function clearUpcoming() {
  const song = current();
  state.queue = song ? [song] : [];
  state.index = song ? 0 : -1;
  render();
}

function stop() {
  audio.pause();
  audio.removeAttribute('src');
  audio.load();
  state.queue = [];
  state.index = -1;
  mediaSession(null);
  render();
}

async function load(index, autoplay) {
  if (index < 0 || index >= state.queue.length) return;
  await reportProgress();
  state.index = index;
  state.counted = false;
  const song = state.queue[index];
  const quality = state.quality !== 'original' && (song.qualities || []).includes(state.quality)
    ? state.quality : undefined;
  try {
    const stream = await api('POST', `/songs/${song.id}/stream-url`, quality ? { quality } : {});
    audio.src = stream.url;
  } catch (error) {
    setStatus(error.message);
    return;
  }
  const resumeAt = song.viewer?.resumeAt;
  if (resumeAt) {
    audio.addEventListener('loadedmetadata', () => {
      if (resumeAt < (audio.duration || Infinity) - 2) audio.currentTime = resumeAt;
    }, { once: true });
  }
  applyVolume();
  mediaSession(song);
  render();
  showLyrics();
  if (autoplay) audio.play().catch((error) => setStatus(error.message));
}

export function toggle() {
  if (!current()) return;
  if (audio.paused) audio.play().catch(() => {}); else audio.pause();
}

export function next() {
  if (!state.queue.length) return;
  if (state.shuffle && state.queue.length > 1) {
    let pick = state.index;
    while (pick === state.index) pick = Math.floor(Math.random() * state.queue.length);
    return load(pick, true);
  }
  if (state.index + 1 < state.queue.length) return load(state.index + 1, true);
  if (state.repeat === 'all') return load(0, true);
}

export function previous() {
  if (audio.currentTime > 3) { audio.currentTime = 0; return; }
  if (state.index > 0) load(state.index - 1, true);
}

export function seekBy(seconds) {
  if (!current()) return;
  audio.currentTime = Math.max(0, Math.min((audio.duration || 0), audio.currentTime + seconds));
}

async function reportProgress() {
  const song = current();
  if (!song || !user() || !audio.src) return;
  state.lastReport = Date.now();
  const progress = Math.floor(audio.currentTime || 0);
  try { await api('PUT', `/me/history/${song.id}`, { progress }); } catch { /* best effort */ }
}

function countPlay() {
  const song = current();
  if (!song || state.counted) return;
  // A play counts after 30 seconds, or half of a shorter song.
  const enough = Math.min(30, (audio.duration || 60) / 2);
  if (audio.currentTime >= enough) {
    state.counted = true;
    api('POST', `/songs/${song.id}/plays`).catch(() => {});
  }
}

audio.addEventListener('timeupdate', () => {
  countPlay();
  if (Date.now() - state.lastReport > 15000) reportProgress();
  renderTime();
  highlightLyric();
});
audio.addEventListener('pause', () => { reportProgress(); render(); });
audio.addEventListener('play', render);
audio.addEventListener('ended', () => {
  if (state.repeat === 'one') { audio.currentTime = 0; audio.play(); return; }
  next();
});
audio.addEventListener('error', () => setStatus('This song cannot be played right now.'));

function mediaSession(song) {
  if (!('mediaSession' in navigator)) return;
  if (!song) { navigator.mediaSession.metadata = null; return; }
  navigator.mediaSession.metadata = new MediaMetadata({
    title: song.title,
    artist: (song.artists || []).map((a) => a.name).join(', ') || song.owner?.name || '',
    artwork: song.artworkUrls ? [{ src: song.artworkUrls.large, sizes: '512x512' }] : [],
  });
  const handlers = {
    play: () => audio.play(),
    pause: () => audio.pause(),
    previoustrack: previous,
    nexttrack: next,
    seekbackward: () => seekBy(-10),
    seekforward: () => seekBy(10),
    seekto: (details) => { audio.currentTime = details.seekTime; },
  };
  for (const [action, handler] of Object.entries(handlers)) {
    try { navigator.mediaSession.setActionHandler(action, handler); } catch { /* unsupported */ }
  }
}

function setStatus(text) {
  if (ui.status) ui.status.textContent = text;
}

// Space plays and pauses, arrows seek, Shift+arrows change songs; not while typing.
document.addEventListener('keydown', (event) => {
  const target = event.target;
  if (target.closest && target.closest('input, textarea, select, button, [contenteditable], [role="slider"]')) return;
  if (event.key === ' ') { event.preventDefault(); toggle(); }
  else if (event.key === 'ArrowRight') { event.preventDefault(); event.shiftKey ? next() : seekBy(5); }
  else if (event.key === 'ArrowLeft') { event.preventDefault(); event.shiftKey ? previous() : seekBy(-5); }
});

function lyricsOpen() {
  return Boolean(ui.lyrics) && !ui.lyrics.hidden;
}

function toggleLyrics() {
  ui.lyrics.hidden = !ui.lyrics.hidden;
  ui.lyricsButton.setAttribute('aria-pressed', String(!ui.lyrics.hidden));
  // The panel grows the fixed player bar: the page makes room so nothing hides behind it.
  document.body.classList.toggle('lyrics-open', !ui.lyrics.hidden);
  showLyrics();
}

function showLyrics() {
  if (lyricsOpen()) barLyrics.show(current());
}

function highlightLyric() {
  if (lyricsOpen()) barLyrics.follow(current());
}

function button(label, onclick, text, extra = {}) {
  return h('button', { type: 'button', 'aria-label': label, title: label, onclick, ...extra }, text);
}

export function mount(container) {
  // In the page (hidden), so that tests and assistive tools can find what is playing.
  audio.hidden = true;
  ui.title = h('a', { class: 'now-title', href: '#' }, 'Nothing playing');
  ui.artist = h('span', { class: 'now-artist' });
  ui.play = button('Play', toggle, '▶', { class: 'play' });
  ui.seek = h('input', { type: 'range', min: 0, max: 0, step: 1, value: 0, 'aria-label': 'Position',
    oninput: () => { audio.currentTime = Number(ui.seek.value); } });
  ui.time = h('span', { class: 'time' }, '0:00 / 0:00');
  ui.shuffle = button('Shuffle', () => { state.shuffle = !state.shuffle; render(); }, '⤮');
  ui.repeat = button('Repeat: off', () => {
    state.repeat = { off: 'all', all: 'one', one: 'off' }[state.repeat]; render();
  }, '↻');
  ui.volume = h('input', { type: 'range', min: 0, max: 1, step: 0.05, value: state.volume, 'aria-label': 'Volume',
    oninput: () => { state.volume = Number(ui.volume.value); applyVolume(); } });
  ui.quality = h('select', { 'aria-label': 'Quality', onchange: () => {
    state.quality = ui.quality.value;
    localStorage.setItem('ampli.quality', state.quality);
    const at = audio.currentTime; const playing = !audio.paused;
    load(state.index, playing).then(() => { audio.currentTime = at; });
  } });
  ui.queue = h('ol', { class: 'queue', 'aria-label': 'Queue' });
  ui.status = h('p', { class: 'player-status', role: 'status' });
  ui.announcer = h('p', { class: 'visually-hidden', 'aria-live': 'polite', dataset: { songId: '' } });
  ui.open = h('a', { href: '/now-playing', class: 'button now-open', title: 'Now playing: artwork, waveform, queue and lyrics' }, 'Now playing');
  ui.lyricsButton = button('Lyrics', toggleLyrics, 'Lyrics', { 'aria-pressed': 'false', 'aria-controls': 'lyrics-panel' });
  ui.lyrics = h('section', { id: 'lyrics-panel', class: 'lyrics', 'aria-label': 'Lyrics', hidden: true }, barLyrics.element);
  clear(container,
    ui.lyrics,
    h('div', { class: 'now' }, ui.title, ui.artist),
    h('div', { class: 'controls' },
      button('Previous', previous, '|◀'), ui.play, button('Next', next, '▶|'), ui.shuffle, ui.repeat, ui.lyricsButton, ui.open),
    h('div', { class: 'position' }, ui.seek, ui.time),
    // Volume, quality and the queue fold away, so the bar stays small on a phone.
    h('details', { class: 'extras' }, h('summary', {}, 'Volume, quality, queue'),
      h('div', { class: 'extras-body' }, h('label', {}, 'Volume ', ui.volume), ui.quality, ui.queue)),
    ui.status, ui.announcer, audio);
  render();
}

function renderTime() {
  if (!ui.seek) return;
  ui.seek.max = Math.floor(audio.duration || 0);
  ui.seek.value = Math.floor(audio.currentTime || 0);
  ui.time.textContent = `${duration(audio.currentTime)} / ${duration(audio.duration)}`;
}

function render() {
  if (!ui.play) return;
  const song = current();
  ui.title.textContent = song ? song.title : 'Nothing playing';
  ui.title.setAttribute('href', song ? `/songs/${song.id}` : '#');
  ui.artist.textContent = song ? (song.artists || []).map((a) => a.name).join(', ') || song.owner?.name || '' : '';
  ui.play.textContent = audio.paused ? '▶' : '❚❚';
  ui.play.setAttribute('aria-label', audio.paused ? 'Play' : 'Pause');
  ui.shuffle.setAttribute('aria-pressed', String(state.shuffle));
  ui.repeat.setAttribute('aria-label', `Repeat: ${state.repeat}`);
  ui.repeat.title = `Repeat: ${state.repeat}`;
  ui.repeat.setAttribute('aria-pressed', String(state.repeat !== 'off'));
  const qualities = ['original', ...((song && song.qualities) || [])];
  clear(ui.quality, qualities.map((q) => h('option', { value: q, selected: q === state.quality }, q)));
  clear(ui.queue, state.queue.map((s, i) => h('li', { 'aria-current': i === state.index ? 'true' : null },
    h('button', { type: 'button', class: 'link', onclick: () => load(i, true) }, s.title))));
  renderTime();
  announce(song);
  for (const listener of listeners) listener();
}

/** Tells a screen reader, once per song, what started playing. */
function announce(song) {
  const text = song ? `Now playing: ${song.title}${ui.artist.textContent ? ` by ${ui.artist.textContent}` : ''}` : '';
  if (ui.announcer.dataset.songId !== (song?.id || '')) {
    ui.announcer.dataset.songId = song?.id || '';
    ui.announcer.textContent = text;
  }
}
