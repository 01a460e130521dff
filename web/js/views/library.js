// My library: playlists (create), favourites, likes and recently played.

import { api, user } from '../api.js';
import { h, clear, field, formError, showError } from '../dom.js';
import { count, duration } from '../format.js';
import { songList, section, paged } from '../songs.js';

function signInFirst(what) {
  return h('section', { class: 'card' }, h('h1', {}, 'Your library'), h('p', {}, `Sign in to see ${what}. `, h('a', { href: '/sign-in?next=/library' }, 'Sign in')));
}

export async function page() {
  if (!user()) return signInFirst('your playlists, favourites and history');
  const [titleField, title] = field('New playlist', { name: 'title', required: true, placeholder: 'Road trip' });
  const visibility = h('select', { name: 'visibility', id: 'new-visibility' }, h('option', { value: 'public' }, 'public'), h('option', { value: 'private' }, 'private'));
  const create = h('form', { class: 'inline-form', 'aria-label': 'Create a playlist' }, titleField,
    h('div', { class: 'field' }, h('label', { for: 'new-visibility' }, 'Visibility'), visibility), formError(), h('button', { type: 'submit' }, 'Create'));
  const playlists = h('div', {});
  const drawPlaylists = async () => clear(playlists, await paged((cursor) => api('GET', `/me/playlists?limit=50${cursor ? `&cursor=${cursor}` : ''}`),
    (items) => h('ul', { class: 'people' }, items.map((p) => h('li', {}, h('a', { href: `/playlists/${p.id}` }, p.title), ` · ${count(p.itemCount, 'song')} · ${p.visibility}`))),
    'No playlists yet: create one above.'));
  create.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api('POST', '/playlists', { title: title.value, visibility: visibility.value });
      create.reset();
      await drawPlaylists();
    } catch (error) { showError(create, error); }
  });
  await drawPlaylists();
  const songs = (path, emptyText) => paged((cursor) => api('GET', `${path}?limit=50${cursor ? `&cursor=${cursor}` : ''}`),
    (items) => songList(items.map((i) => i.song), { emptyText }), emptyText);
  const history = await paged((cursor) => api('GET', `/me/history?limit=20${cursor ? `&cursor=${cursor}` : ''}`),
    (items) => songList(items.map((i) => i.song), { extra: (song, index) => h('span', { class: 'figures' }, `stopped at ${duration(items[index].progress)}`) }),
    'Nothing played yet: songs you play show here, and resume where you stopped.');
  return h('div', {},
    h('h1', {}, 'Your library'),
    section('Playlists', [create, playlists]),
    section('Favourites', await songs('/me/favorites', 'Mark songs with ☆ to keep them here.')),
    section('Liked songs', await songs('/me/likes', 'Songs you like (♡) show up here.')),
    section('Recently played', history));
}

