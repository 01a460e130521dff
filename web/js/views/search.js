// Search as you type, results grouped by kind.

import { api } from '../api.js';
import { h, clear, empty } from '../dom.js';
import { songList, section } from '../songs.js';

export function page({ query }) {
  const input = h('input', { type: 'search', name: 'q', value: query.get('q') || '', 'aria-label': 'Search songs, artists, people and playlists',
    placeholder: 'Songs, artists, people, playlists', autocomplete: 'off' });
  const results = h('div', { class: 'results', 'aria-live': 'polite' });
  let timer = null;
  let latest = 0;
  async function run() {
    const q = input.value.trim();
    history.replaceState(null, '', q ? `/search?q=${encodeURIComponent(q)}` : '/search');
    if (!q) { clear(results, empty('Type a song, an artist or a name: typos are fine.')); return; }
    const id = ++latest;
    try {
      const found = await api('GET', `/search?q=${encodeURIComponent(q)}&limit=10`);
      if (id !== latest) return;
      const people = (items, base) => h('ul', { class: 'people' }, items.map((p) => h('li', {}, h('a', { href: `${base}/${p.id}` }, p.name))));
      const nothing = !found.songs.length && !found.artists.length && !found.users.length && !found.playlists.length;
      clear(results, nothing ? empty(`Nothing matches “${q}”: try a shorter part of the name.`) : [
        found.songs.length ? section('Songs', songList(found.songs)) : null,
        found.artists.length ? section('Artists', people(found.artists, '/artists')) : null,
        found.users.length ? section('People', people(found.users, '/users')) : null,
        found.playlists.length ? section('Playlists', h('ul', { class: 'people' }, found.playlists.map((p) => h('li', {}, h('a', { href: `/playlists/${p.id}` }, p.title))))) : null,
      ]);
    } catch (error) {
      if (id === latest) clear(results, h('p', { role: 'alert', class: 'form-error' }, error.message));
    }
  }
  input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(run, 200); });
  run();
  queueMicrotask(() => input.focus());
  return h('section', {}, h('h1', {}, 'Search'), h('form', { role: 'search', onsubmit: (e) => { e.preventDefault(); run(); } }, input), results);
}
