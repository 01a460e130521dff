// Lyrics that follow the song playing: fetched once per song; synced lines are buttons that
// seek to where they are sung, and the line being sung is marked and kept in view. The player
// bar's panel and the now-playing page each hold one.

import { api } from './api.js';
import { h, clear } from './dom.js';

/** A lyrics box for `audio`: `show(song)` fills it (once per song), `follow()` marks the line
 * at the current time. */
export function lyricsView(audio) {
  const element = h('div', { class: 'lyrics-body' });
  const state = { songId: null, synced: false, lines: [], current: -1 };

  async function show(song) {
    if (!song) { state.songId = null; clear(element, h('p', { class: 'lyrics-none' }, 'Nothing is playing.')); return; }
    if (state.songId === song.id) return;
    Object.assign(state, { songId: song.id, synced: false, lines: [], current: -1 });
    clear(element, h('p', { class: 'busy' }, 'Loading the lyrics…'));
    let found = null;
    try {
      found = await api('GET', `/songs/${song.id}/lyrics`);
    } catch (error) {
      if (state.songId !== song.id) return;
      if (error.status !== 404) {
        state.songId = null; // try again next time
        clear(element, h('p', { role: 'alert', class: 'form-error' }, error.message));
        return;
      }
    }
    if (state.songId !== song.id) return; // another song started meanwhile
    if (!found || !found.lines.length) {
      clear(element, h('p', { class: 'lyrics-none' }, `No lyrics for “${song.title}”.`));
      return;
    }
    state.synced = found.synced;
    state.lines = found.lines.map((line) => (found.synced
      ? h('button', { type: 'button', class: 'lyric-line', dataset: { ms: String(line.startMs ?? 0) },
        onclick: () => { audio.currentTime = (line.startMs ?? 0) / 1000; if (audio.paused) audio.play().catch(() => {}); } }, line.text || '♪')
      : h('p', { class: 'lyric-line' }, line.text || '\u00a0')));
    clear(element, h('div', { class: found.synced ? 'lyric-lines synced' : 'lyric-lines', lang: found.language || null }, state.lines));
    follow(song);
  }

  /** Marks the line being sung of `song` (when it is the one shown) and scrolls it to the
   * middle of its box. */
  function follow(song) {
    if (!state.synced || !song || state.songId !== song.id) return;
    const ms = (audio.currentTime || 0) * 1000;
    let at = -1;
    for (let i = 0; i < state.lines.length && Number(state.lines[i].dataset.ms) <= ms; i++) at = i;
    if (at === state.current) return;
    state.lines[state.current]?.removeAttribute('aria-current');
    state.current = at;
    const line = state.lines[at];
    if (!line) return;
    line.setAttribute('aria-current', 'true');
    const box = line.parentElement;
    box.scrollTop = Math.max(0, line.offsetTop - box.clientHeight / 2 + line.offsetHeight / 2); // box is positioned
  }

  return { element, show, follow };
}
