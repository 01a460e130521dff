// A list of songs with what a listener does to them: play (with the list as the queue),
// like, favourite, add to a playlist, open the song, its artists and uploader.

import { api, user } from './api.js';
import { h, clear, empty } from './dom.js';
import * as player from './player.js';

export function artistsOf(song) {
  const credits = song.artists || [];
  if (!credits.length) return song.owner ? [h('a', { href: `/users/${song.owner.id}` }, song.owner.name)] : [];
  return credits.flatMap((credit, i) => [i ? ', ' : '', h('a', { href: `/artists/${credit.artistId}` }, credit.name)]);
}

export function toggleButton(song, kind) {
  const on = () => (kind === 'like' ? song.viewer?.liked : song.viewer?.favorited);
  const label = kind === 'like' ? ['Like', 'Unlike'] : ['Favourite', 'Remove from favourites'];
  const button = h('button', { type: 'button', class: `toggle ${kind}` });
  const paint = () => {
    button.setAttribute('aria-pressed', String(Boolean(on())));
    button.setAttribute('aria-label', `${on() ? label[1] : label[0]}: ${song.title}`);
    button.textContent = kind === 'like' ? (on() ? '♥' : '♡') : (on() ? '★' : '☆');
  };
  button.addEventListener('click', async () => {
    if (!user()) { location.assign('/sign-in'); return; }
    const was = Boolean(on());
    try {
      await api(was ? 'DELETE' : 'PUT', `/songs/${song.id}/${kind === 'like' ? 'like' : 'favorite'}`);
      song.viewer = { ...(song.viewer || {}), [kind === 'like' ? 'liked' : 'favorited']: !was };
      paint();
    } catch (error) { button.title = error.message; }
  });
  paint();
  return button;
}

/** "Add to playlist": a menu of the listener's playlists. */
export function addToPlaylist(song) {
  const status = h('span', { class: 'inline-status', role: 'status' });
  const select = h('select', { 'aria-label': `Add ${song.title} to a playlist` },
    h('option', { value: '' }, 'Add to playlist…'));
  select.addEventListener('focus', async () => {
    if (select.options.length > 1 || !user()) return;
    const page = await api('GET', '/me/playlists?limit=100');
    for (const playlist of page.items) select.append(h('option', { value: playlist.id }, playlist.title));
  }, { once: true });
  select.addEventListener('change', async () => {
    if (!select.value) return;
    try {
      await api('POST', `/playlists/${select.value}/items`, { songId: song.id });
      status.textContent = 'Added.';
    } catch (error) { status.textContent = error.message; }
    select.value = '';
  });
  return h('span', {}, select, status);
}

export function songList(songs, { emptyText = 'No songs here yet.', extra } = {}) {
  if (!songs.length) return empty(emptyText);
  return h('ol', { class: 'songs' }, songs.map((song, index) => h('li', { class: 'song' },
    song.posterUrl ? h('img', { src: song.posterUrl, alt: '', width: 48, height: 48, loading: 'lazy' }) : h('span', { class: 'poster-none' }),
    h('button', { type: 'button', class: 'play-song', 'aria-label': `Play ${song.title}`, onclick: () => player.playList(songs, index) }, '▶'),
    h('div', { class: 'song-text' }, h('a', { href: `/songs/${song.id}`, class: 'song-title' }, song.title), h('span', { class: 'song-artists' }, artistsOf(song))),
    h('div', { class: 'song-actions' }, user() ? [toggleButton(song, 'like'), toggleButton(song, 'favorite'), addToPlaylist(song)] : null,
      extra ? extra(song, index) : null))));
}

export function section(title, content, more) {
  return h('section', { class: 'block' }, h('h2', {}, title), content, more || null);
}

/** A paged list: shows the first page and a "More" button while there are more. */
export function paged(load, renderItems, emptyText) {
  const box = h('div', {});
  const more = h('button', { type: 'button', class: 'more' }, 'More');
  let cursor = null;
  let items = [];
  async function step() {
    const page = await load(cursor);
    items = items.concat(page.items);
    cursor = page.nextCursor;
    clear(box, items.length ? renderItems(items) : empty(emptyText), cursor ? more : null);
  }
  more.addEventListener('click', step);
  return step().then(() => box);
}
