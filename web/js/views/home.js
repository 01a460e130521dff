// Home: Trending, New Releases, new albums, the category lists and, signed in, the feed of people I follow.

import { api, user } from '../api.js';
import { h, empty } from '../dom.js';
import { songList, section, albumGrid } from '../songs.js';

export async function page() {
  // The lists are made by an hourly job: before its first run there are none yet.
  const none = { songs: [] };
  const [trending, fresh, albums, lists, categories] = await Promise.all([
    api('GET', '/discover/trending').catch(() => none),
    api('GET', '/discover/new-releases').catch(() => none),
    api('GET', '/albums?sort=newest&limit=8').catch(() => ({ items: [] })),
    api('GET', '/discover/playlists').then((all) => all.filter((l) => l.category)).catch(() => []),
    api('GET', '/categories'),
  ]);
  const feed = user() ? await api('GET', '/me/feed?limit=10') : null;
  return h('div', { class: 'home' },
    h('h1', {}, user() ? `Welcome back, ${user().name}` : 'Listen to everything'),
    section('Trending', songList(trending.songs.slice(0, 10), { emptyText: 'Nothing is trending yet: play and like songs to change that.' })),
    section('New releases', songList(fresh.songs.slice(0, 10), { emptyText: 'No songs yet. Upload the first one!' })),
    albums.items.length ? section('New albums', albumGrid(albums.items), h('p', {}, h('a', { href: '/albums' }, 'All albums'))) : null,
    feed ? section('From people you follow', songList(feed.items, { emptyText: 'Follow people to see what they upload here.' })) : null,
    section('Browse by category', h('ul', { class: 'chips' }, categories.map((c) => h('li', {}, h('a', { href: `/categories/${encodeURIComponent(c)}` }, c))))),
    section('Top of each category', lists.length
      ? h('ul', { class: 'chips' }, lists.map((l) => h('li', {}, h('a', { href: `/categories/${encodeURIComponent(l.category || l.title)}` }, `${l.title} (${l.itemCount})`))))
      : empty('The category lists are made every hour.')));
}
