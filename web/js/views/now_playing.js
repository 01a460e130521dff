// The now-playing page: the song playing large (artwork, title, artists, album), a waveform
// to seek on, its synced lyrics, and the queue: play any song of it, move songs up and down,
// take them out, clear what is left, or keep it all as a new playlist.

import { api, user } from '../api.js';
import { h, clear, empty, field, formError, showError } from '../dom.js';
import { count, duration, totalLength } from '../format.js';
import { lyricsView } from '../lyrics.js';
import { waveform } from '../waveform.js';
import { artistsOf, albumOf, artwork } from '../songs.js';
import * as player from '../player.js';

export async function page() {
  const audio = player.audioElement();
  const lyrics = lyricsView(audio);
  const head = h('div', { class: 'np-head' });
  const queueBox = h('div', {});
  const queueTotal = h('p', { class: 'figures queue-length' });
  const status = h('p', { role: 'status', class: 'inline-status' });
  let shown = null; // the song the head shows
  let wave = null;

  function drawHead(song) {
    if (shown === (song?.id || null) && head.childElementCount) return;
    shown = song?.id || null;
    wave?.destroy();
    wave = null;
    if (!song) {
      clear(head, h('h1', {}, 'Nothing is playing'),
        empty('Play a song, an album or a playlist and it shows here, with its queue.', h('a', { href: '/', class: 'button' }, 'Find something to play')));
      return;
    }
    wave = waveform(song, audio);
    clear(head,
      artwork(song, { width: 512, sizes: '(max-width: 40rem) 80vw, 20rem', alt: `Artwork of ${song.title}`, className: 'np-art' }),
      h('div', { class: 'np-text' },
        h('h1', {}, song.title),
        h('p', { class: 'song-artists' }, artistsOf(song), song.album ? [' · ', albumOf(song)] : null),
        wave.element,
        h('p', { class: 'figures' }, `${duration(song.duration)} long`)));
  }

  /** The queue; after a move the same button of the same song keeps the focus. */
  function drawQueue() {
    const { songs, index } = player.queue();
    const focused = document.activeElement?.closest?.('.np-queue li') ? document.activeElement : null;
    const keep = focused ? { song: focused.closest('li').dataset.song, action: focused.dataset.action } : null;
    queueTotal.textContent = songs.length ? `${count(songs.length, 'song')} · ${totalLength(songs.reduce((sum, s) => sum + (s.duration || 0), 0))}` : '';
    if (!songs.length) { clear(queueBox, empty('The queue is empty: “Play” on any song or album fills it.')); return; }
    clear(queueBox, h('ol', { class: 'songs np-queue' }, songs.map((song, i) => h('li', { class: 'song', dataset: { song: song.id }, 'aria-current': i === index ? 'true' : null },
      h('button', { type: 'button', class: 'play-song', 'aria-label': `Play ${song.title}`, dataset: { action: 'play' }, onclick: () => player.playAt(i) }, i === index ? '♪' : '▶'),
      h('div', { class: 'song-text' }, h('span', { class: 'song-title' }, song.title), h('span', { class: 'song-artists' }, artistsOf(song))),
      h('div', { class: 'song-actions' },
        h('span', { class: 'figures track-length' }, duration(song.duration)),
        h('button', { type: 'button', 'aria-label': `Move ${song.title} up`, dataset: { action: 'up' }, disabled: i === 0, onclick: () => player.moveInQueue(i, i - 1) }, '↑'),
        h('button', { type: 'button', 'aria-label': `Move ${song.title} down`, dataset: { action: 'down' }, disabled: i === songs.length - 1, onclick: () => player.moveInQueue(i, i + 1) }, '↓'),
        h('button', { type: 'button', 'aria-label': `Remove ${song.title} from the queue`, dataset: { action: 'remove' }, onclick: () => player.removeFromQueue(i) }, 'Remove'))))));
    if (keep) {
      const again = queueBox.querySelector(`li[data-song="${CSS.escape(keep.song)}"] [data-action="${keep.action}"]:not(:disabled)`)
        || queueBox.querySelector(`li[data-song="${CSS.escape(keep.song)}"] [data-action="play"]`);
      again?.focus();
    }
  }

  function update() {
    // Once the listener has gone to another page, this one stops following the player.
    if (drawn && !root.isConnected) { stopFollowing(); wave?.destroy(); audio.removeEventListener('timeupdate', follow); return; }
    const song = player.current();
    drawHead(song);
    drawQueue();
    lyrics.show(song);
  }
  const follow = () => lyrics.follow(player.current());

  const saveForm = saveAsPlaylist(status);
  const root = h('section', { class: 'now-playing' }, head,
    h('section', { class: 'block np-queue-block', 'aria-labelledby': 'np-queue-heading' },
      h('h2', { id: 'np-queue-heading' }, 'Queue'), queueTotal, queueBox,
      h('div', { class: 'inline-form' },
        h('button', { type: 'button', onclick: () => player.clearUpcoming() }, 'Clear the queue'),
        user() ? saveForm : null),
      status),
    h('section', { class: 'block np-lyrics', 'aria-labelledby': 'np-lyrics-heading' },
      h('h2', { id: 'np-lyrics-heading' }, 'Lyrics'), lyrics.element));
  let drawn = false;
  const stopFollowing = player.onChange(update);
  audio.addEventListener('timeupdate', follow);
  update();
  drawn = true;
  return root;
}

/** "Save as a playlist": a new private playlist holding the queue, in its order. */
function saveAsPlaylist(status) {
  const [titleField, title] = field('Save the queue as a playlist', { name: 'title', required: true, maxlength: 255, placeholder: 'Playlist title' });
  const error = formError();
  const form = h('form', { class: 'inline-form np-save' }, titleField, h('button', { type: 'submit' }, 'Save'), error);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const { songs } = player.queue();
    if (!songs.length) { error.textContent = 'The queue is empty.'; return; }
    try {
      const playlist = await api('POST', '/playlists', { title: title.value, visibility: 'private' });
      // In order, one by one; a song already added (twice in the queue) is skipped.
      let added = 0;
      for (const song of songs) {
        try { await api('POST', `/playlists/${playlist.id}/items`, { songId: song.id }); added += 1; } catch { /* skipped */ }
      }
      title.value = '';
      clear(status, `Saved ${count(added, 'song')} as `, h('a', { href: `/playlists/${playlist.id}` }, playlist.title), '.');
    } catch (failure) { showError(form, failure); }
  });
  return form;
}
