// A shared song, album or playlist, opened from its link: plays without an account, each song
// from a short-lived stream link the share's answer carries.

import { api } from '../api.js';
import { h } from '../dom.js';
import { duration } from '../format.js';

const KINDS = { song: 'A shared song', album: 'A shared album', playlist: 'A shared playlist' };

export async function page({ params }) {
  let share;
  try {
    share = await api('GET', `/shares/${encodeURIComponent(params[0])}`);
  } catch (error) {
    if (error.status !== 404) throw error;
    return h('section', {}, h('h1', {}, 'This link does not work'),
      h('p', {}, 'The share has expired or was deleted. Ask whoever sent it for a new one.'));
  }
  const title = share.kind === 'song' ? share.songs[0]?.title : share.songs[0]?.album?.title;
  return h('article', { class: 'share-page' },
    h('h1', {}, title || KINDS[share.kind]),
    h('p', { class: 'figures' }, KINDS[share.kind],
      share.expiresAt ? ` · until ${new Date(share.expiresAt).toLocaleString()}` : ''),
    share.description ? h('p', { class: 'about' }, share.description) : null,
    h('ol', { class: 'shared-songs' }, share.songs.map((song) => h('li', {},
      h('strong', {}, song.title),
      h('span', { class: 'figures' }, ` ${song.artists.map((a) => a.name).join(', ')} · ${duration(song.duration)}`),
      h('audio', { controls: true, preload: 'none', src: song.streamUrl, 'aria-label': `Play ${song.title}` })))));
}
