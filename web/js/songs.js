// A list of songs with what a listener does to them: play (with the list as the queue),
// like, favourite, add to a playlist, open the song, its artists, album and uploader; and a
// grid of albums.

import { api, user } from './api.js';
import { h, clear, empty } from './dom.js';
import { duration } from './format.js';
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
  return playlistPicker([song], `Add ${song.title} to a playlist`, 'Add to playlist…');
}

/** "Add all to a playlist": every song of `songs`, in order, into the playlist chosen. */
export function addAllToPlaylist(songs, title) {
  return playlistPicker(songs, `Add all of ${title} to a playlist`, 'Add all to a playlist…');
}

function playlistPicker(songs, label, prompt) {
  const status = h('span', { class: 'inline-status', role: 'status' });
  const select = h('select', { 'aria-label': label }, h('option', { value: '' }, prompt));
  select.addEventListener('focus', async () => {
    if (select.options.length > 1 || !user()) return;
    const page = await api('GET', '/me/playlists?limit=100');
    for (const playlist of page.items) select.append(h('option', { value: playlist.id }, playlist.title));
  }, { once: true });
  select.addEventListener('change', async () => {
    if (!select.value) return;
    const playlist = select.value;
    select.disabled = true;
    // One request per song, in order, so the playlist keeps the album's order; a song that
    // cannot be added (already there, say) does not stop the others.
    let added = 0;
    let failure = null;
    for (const song of songs) {
      try {
        await api('POST', `/playlists/${playlist}/items`, { songId: song.id });
        added += 1;
      } catch (error) { failure ||= error; }
    }
    if (songs.length === 1) status.textContent = failure ? failure.message : 'Added.';
    else status.textContent = `Added ${added} of ${songs.length} songs.${failure ? ` ${failure.message}` : ''}`;
    select.disabled = false;
    select.value = '';
  });
  return h('span', {}, select, status);
}

/** Where a song belongs: its album, linked. */
export function albumOf(song) {
  return song.album ? h('a', { href: `/albums/${song.album.id}`, class: 'song-album' }, song.album.title) : null;
}

/** A song's or album's artwork, its poster or the picture Ampli generates where there is none
 * (`artworkUrls` is always there), in the size the layout needs: the browser picks 128 or
 * 512 pixels from `srcset` and `sizes`, and loads it only when it scrolls into view. */
export function artwork(item, { width, sizes, alt = '', className } = {}) {
  const urls = item.artworkUrls;
  if (!urls) return h('span', { class: 'poster-none', 'aria-hidden': 'true' });
  return h('img', { class: className, src: width > 128 ? urls.large : urls.small, srcset: `${urls.small} 128w, ${urls.large} 512w`,
    sizes, alt, width, height: width, loading: 'lazy', decoding: 'async' });
}

/** `tracks`: an album's own list, numbered by track (disc-track when there are several
 * discs) with each length, instead of posters and album links. */
export function songList(songs, { emptyText = 'No songs here yet.', extra, tracks = false } = {}) {
  if (!songs.length) return empty(emptyText);
  const discs = new Set(songs.map((song) => song.discNumber || 1)).size > 1;
  const number = (song) => {
    if (song.trackNumber == null) return '–';
    return discs ? `${song.discNumber || 1}-${song.trackNumber}` : String(song.trackNumber);
  };
  return h('ol', { class: tracks ? 'songs tracks' : 'songs' }, songs.map((song, index) => h('li', { class: 'song' },
    tracks
      ? h('span', { class: 'track-number', 'aria-label': `Track ${number(song)}` }, number(song))
      : artwork(song, { width: 48, sizes: '48px' }),
    h('button', { type: 'button', class: 'play-song', 'aria-label': `Play ${song.title}`, onclick: () => player.playList(songs, index) }, '▶'),
    h('div', { class: 'song-text' }, h('a', { href: `/songs/${song.id}`, class: 'song-title' }, song.title),
      h('span', { class: 'song-artists' }, artistsOf(song), !tracks && song.album ? [' · ', albumOf(song)] : null)),
    h('div', { class: 'song-actions' }, h('span', { class: 'figures track-length', 'aria-label': `Length ${duration(song.duration)}` }, duration(song.duration)),
      user() ? [toggleButton(song, 'like'), toggleButton(song, 'favorite'), addToPlaylist(song)] : null,
      extra ? extra(song, index) : null))));
}

export function albumCredits(album) {
  if (album.artists.length) return album.artists.flatMap((a, i) => [i ? ', ' : '', h('a', { href: `/artists/${a.artistId}` }, a.name)]);
  return [h('a', { href: `/users/${album.owner.id}` }, album.owner.name)];
}

/** Albums as a grid of covers with title, artists and year. */
export function albumGrid(albums, { emptyText = 'No albums here yet.' } = {}) {
  if (!albums.length) return empty(emptyText);
  return h('ul', { class: 'albums' }, albums.map((album) => h('li', { class: 'album-card' },
    h('a', { href: `/albums/${album.id}`, class: 'album-link' },
      artwork(album, { width: 128, sizes: '(max-width: 40rem) 45vw, 10rem' }),
      h('span', { class: 'album-title' }, album.title)),
    h('span', { class: 'song-artists' }, albumCredits(album)),
    h('span', { class: 'figures' }, [album.year, `${album.songCount} ${album.songCount === 1 ? 'song' : 'songs'}`].filter(Boolean).join(' · ')))));
}

export function section(title, content, more) {
  return h('section', { class: 'block' }, h('h2', {}, title), content, more || null);
}

/** A paged list: the first page, then the next ones as the list's end scrolls into view (a
 * "More" button stays for keyboards and for browsers without IntersectionObserver). */
export function paged(load, renderItems, emptyText) {
  const box = h('div', { class: 'paged' });
  const more = h('button', { type: 'button', class: 'more' }, 'More');
  let cursor = null;
  let items = [];
  let loading = null;
  function step() {
    loading ||= (async () => {
      const page = await load(cursor);
      items = items.concat(page.items);
      cursor = page.nextCursor;
      clear(box, items.length ? renderItems(items) : empty(emptyText), cursor ? more : null);
      box.dataset.loaded = String(items.length);
    })().finally(() => { loading = null; });
    return loading;
  }
  more.addEventListener('click', step);
  if ('IntersectionObserver' in window) {
    // 600px ahead of the end, so the next page is there before the listener reaches it.
    const watcher = new IntersectionObserver((entries) => {
      if (cursor && entries.some((entry) => entry.isIntersecting)) step().catch(() => {});
    }, { rootMargin: '0px 0px 600px 0px' });
    watcher.observe(more);
  }
  return step().then(() => box);
}
