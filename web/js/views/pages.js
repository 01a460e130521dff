// Song, album, artist, user, playlist and category pages, and album browsing.

import { api, user } from '../api.js';
import { h, clear, empty, field, formError, showError } from '../dom.js';
import { count, duration, totalLength, ago, exactDate } from '../format.js';
import * as player from '../player.js';
import { songList, section, artistsOf, toggleButton, addToPlaylist, addAllToPlaylist, albumOf, albumCredits, albumGrid, paged, artwork } from '../songs.js';

const genreLink = (genre) => h('a', { href: `/albums?genre=${encodeURIComponent(genre)}` }, genre);
const joined = (items) => items.flatMap((item, i) => [i ? ', ' : '', item]);

export async function songPage({ params }) {
  const song = await api('GET', `/songs/${params[0]}`);
  const mine = user() && song.owner.id === user().id;
  return h('article', { class: 'song-page' },
    artwork(song, { className: 'poster', width: 240, sizes: '240px', alt: `Artwork of ${song.title}` }),
    h('div', {},
      h('h1', {}, song.title),
      h('p', { class: 'song-artists' }, artistsOf(song)),
      h('p', {}, 'Uploaded by ', h('a', { href: `/users/${song.owner.id}` }, song.owner.name),
        song.category ? [' · ', h('a', { href: `/categories/${encodeURIComponent(song.category)}` }, song.category)] : null),
      song.album ? h('p', { class: 'song-from' }, 'From ', albumOf(song),
        song.trackNumber ? ` · track ${song.trackNumber}` : '', song.year ? ` · ${song.year}` : '') : song.year ? h('p', {}, String(song.year)) : null,
      song.genres?.length ? h('p', { class: 'genres' }, 'Genres: ', joined(song.genres.map(genreLink))) : null,
      song.composer ? h('p', {}, `Composer: ${song.composer}`) : null,
      h('p', { class: 'figures song-figures' }, h('span', { class: 'song-length', title: 'Length' }, duration(song.duration)), ' · ',
        count(song.playCount, 'play'), ' · ', h('span', { class: 'like-count' }, count(song.likeCount, 'like')), ' · ', when(song.createdAt)),
      h('div', { class: 'song-actions' },
        h('button', { type: 'button', class: 'primary', onclick: () => player.playList([song]) }, '▶ Play'),
        h('button', { type: 'button', onclick: () => player.enqueue(song) }, 'Add to queue'),
        user() ? [toggleButton(song, 'like'), toggleButton(song, 'favorite'), addToPlaylist(song)] : null,
        mine ? h('a', { class: 'button', href: `/songs/${song.id}/edit` }, 'Edit') : null),
      song.about ? h('p', { class: 'about' }, song.about) : null,
      song.artists.length ? h('ul', { class: 'credits', 'aria-label': 'Credits' }, song.artists.map((a) => h('li', {}, h('a', { href: `/artists/${a.artistId}` }, a.name), ` (${a.role})`))) : null));
}

export async function artistPage({ params }) {
  const [artist, songs, albums] = await Promise.all([
    api('GET', `/artists/${params[0]}`),
    api('GET', `/artists/${params[0]}/songs`),
    api('GET', `/albums?artist=${params[0]}&sort=year&limit=100`),
  ]);
  return h('article', {},
    h('h1', {}, artist.name, artist.verified ? h('span', { class: 'badge', title: 'Verified' }, ' ✓') : null),
    h('p', { class: 'figures' }, [artist.genre, artist.country].filter(Boolean).join(' · ')),
    artist.bio ? h('p', { class: 'about' }, artist.bio) : null,
    albums.items.length ? section('Albums', albumGrid(albums.items)) : null,
    section('Songs', songList(songs)));
}

/** An album: cover, credits, year, genres, length, and its tracks in disc and track order;
 * play them all in that order or add them all to a playlist. */
export async function albumPage({ params, navigate }) {
  const album = await api('GET', `/albums/${params[0]}`);
  const mine = user() && (album.owner.id === user().id || user().isAdmin);
  const facts = [album.year ? String(album.year) : null,
    count(album.songCount, 'song'),
    h('span', { class: 'album-length', title: 'Total length' }, duration(album.duration ?? 0))].filter(Boolean);
  return h('article', { class: 'album-page' },
    artwork(album, { className: 'poster', width: 240, sizes: '240px', alt: `Cover of ${album.title}` }),
    h('div', {},
      h('h1', {}, album.title),
      h('p', { class: 'album-artists' }, albumCredits(album)),
      h('p', { class: 'figures' }, facts.flatMap((fact, i) => [i ? ' · ' : '', fact])),
      album.genres.length ? h('p', { class: 'genres' }, 'Genres: ', joined(album.genres.map(genreLink))) : null,
      h('p', { class: 'figures' }, 'Uploaded by ', h('a', { href: `/users/${album.owner.id}` }, album.owner.name), ` · ${count(album.playCount, 'play')}`),
      h('div', { class: 'song-actions' },
        h('button', { type: 'button', class: 'primary', disabled: !album.songs.length, onclick: () => player.playList(album.songs) }, '▶ Play all'),
        user() && album.songs.length ? addAllToPlaylist(album.songs, album.title) : null),
      album.about ? h('p', { class: 'about' }, album.about) : null,
      mine ? albumEditor(album, navigate) : null),
    h('section', { class: 'album-tracks', 'aria-label': 'Tracks' }, songList(album.songs, { tracks: true, emptyText: 'This album has no songs yet.' })));
}

/** Its owner's tools: title, year and description, a new cover, deleting it with or without
 * its songs. */
function albumEditor(album, navigate) {
  const [titleField, title] = field('Title', { name: 'title', value: album.title, required: true });
  const [yearField, year] = field('Year', { name: 'year', type: 'number', min: 1000, max: 2999, value: album.year ?? '' });
  const [aboutField, about] = field('About', { name: 'about', rows: 3 }, 'textarea');
  about.value = album.about || '';
  const details = h('form', { class: 'card', 'aria-label': 'Edit the album' }, titleField, yearField, aboutField, formError(), h('button', { type: 'submit' }, 'Save'));
  details.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api('PATCH', `/albums/${album.id}`, { title: title.value, about: about.value, year: year.value ? Number(year.value) : null });
      navigate(`/albums/${album.id}`, { replace: true });
    } catch (error) { showError(details, error); }
  });
  const [coverField, cover] = field('New cover (JPEG, PNG or WebP)', { type: 'file', name: 'cover', accept: 'image/jpeg,image/png,image/webp' });
  const coverForm = h('form', { class: 'card' }, coverField, formError(), h('button', { type: 'submit' }, 'Replace the cover'));
  coverForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!cover.files.length) return;
    try {
      await api('PUT', `/albums/${album.id}/poster`, cover.files[0]);
      navigate(`/albums/${album.id}`, { replace: true });
    } catch (error) { showError(coverForm, error); }
  });
  const remove = (songs) => async () => {
    const what = songs === 'delete' ? `Delete “${album.title}” and its ${count(album.songCount, 'song')} for good?` : `Delete the album “${album.title}”? Its songs stay, as singles.`;
    if (!confirm(what)) return;
    await api('DELETE', `/albums/${album.id}?songs=${songs}`);
    navigate(`/users/${album.owner.id}`);
  };
  return h('details', { class: 'album-edit' }, h('summary', {}, 'Edit album'), details, coverForm,
    h('p', { class: 'song-actions' },
      h('button', { type: 'button', class: 'danger', onclick: remove('keep') }, 'Delete the album, keep its songs'),
      h('button', { type: 'button', class: 'danger', onclick: remove('delete') }, 'Delete the album and its songs')));
}

const SORTS = [['newest', 'Newest'], ['popular', 'Most played'], ['title', 'Title'], ['year', 'Year']];

/** Every album, sorted and filtered by genre; the choice stays in the address. */
export async function albumsPage({ query }) {
  const genres = await api('GET', '/genres').catch(() => []);
  const chosen = { sort: query.get('sort') || 'newest', genre: query.get('genre') || '' };
  const sort = h('select', { id: 'albums-sort', name: 'sort' }, SORTS.map(([value, label]) => h('option', { value, selected: value === chosen.sort }, label)));
  const genre = h('select', { id: 'albums-genre', name: 'genre' }, h('option', { value: '' }, 'All genres'),
    genres.filter((g) => g.albumCount > 0 || g.name === chosen.genre).map((g) => h('option', { value: g.name, selected: g.name === chosen.genre }, `${g.name} (${g.albumCount})`)));
  const box = h('div', {});
  async function show() {
    const params = new URLSearchParams({ sort: sort.value });
    if (genre.value) params.set('genre', genre.value);
    history.replaceState(null, '', `/albums?${params}`);
    try {
      clear(box, await paged((cursor) => api('GET', `/albums?${params}&limit=48${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
        (items) => albumGrid(items), genre.value ? `No albums in ${genre.value} yet.` : 'No albums yet: upload a folder of songs to make one.'));
    } catch (error) { clear(box, h('p', { role: 'alert', class: 'form-error' }, error.message)); }
  }
  sort.addEventListener('change', show);
  genre.addEventListener('change', show);
  await show();
  return h('section', {}, h('h1', {}, 'Albums'),
    h('form', { class: 'inline-form', 'aria-label': 'Sort and filter albums', onsubmit: (e) => e.preventDefault() },
      h('div', { class: 'field' }, h('label', { for: 'albums-sort' }, 'Sort by'), sort),
      h('div', { class: 'field' }, h('label', { for: 'albums-genre' }, 'Genre'), genre)),
    box);
}

function people(items) {
  return h('ul', { class: 'people' }, items.map((p) => h('li', {}, h('a', { href: `/users/${p.id}` }, p.name))));
}

export async function userPage({ params }) {
  const id = params[0];
  const [profile, songs, albums, playlists] = await Promise.all([
    api('GET', `/users/${id}`),
    api('GET', `/songs?owner=${id}&limit=20`),
    api('GET', `/albums?owner=${id}&limit=24`),
    api('GET', `/users/${id}/playlists?limit=50`),
  ]);
  const stats = profile.stats || {};
  let followerCount = stats.followersCount ?? 0;
  const followers = h('span', {});
  const paintFollowers = () => { followers.textContent = count(followerCount, 'follower'); };
  paintFollowers();
  let following = Boolean(profile.isFollowing);
  const follow = h('button', { type: 'button', class: 'primary' });
  const paint = () => {
    follow.textContent = following ? 'Unfollow' : 'Follow';
    follow.setAttribute('aria-pressed', String(following));
  };
  follow.addEventListener('click', async () => {
    try {
      await api(following ? 'DELETE' : 'PUT', `/users/${id}/follow`);
      following = !following;
      followerCount += following ? 1 : -1;
      paintFollowers();
      paint();
    } catch (error) { follow.title = error.message; }
  });
  paint();
  const lists = h('div', {});
  const show = async (kind) => clear(lists, await paged((cursor) => api('GET', `/users/${id}/${kind}?limit=50${cursor ? `&cursor=${cursor}` : ''}`), people, kind === 'followers' ? 'No followers yet.' : 'Not following anyone yet.'));
  const isMe = user() && user().id === id;
  return h('article', {},
    profile.avatarUrl ? h('img', { class: 'avatar', src: profile.avatarUrl, alt: '', width: 96, height: 96 }) : null,
    h('h1', {}, profile.name),
    h('ul', { class: 'stats', 'aria-label': 'Profile figures' },
      h('li', {}, h('button', { type: 'button', class: 'link', onclick: () => show('followers') }, followers)),
      h('li', {}, h('button', { type: 'button', class: 'link', onclick: () => show('following') }, `${stats.followingCount ?? 0} following`)),
      h('li', {}, count(stats.songsUploaded, 'song')),
      h('li', {}, count(stats.playlistsCreated, 'playlist'))),
    user() && !isMe ? follow : null,
    lists,
    albums.items.length ? section('Albums', albumGrid(albums.items)) : null,
    section('Songs', songList(songs.items, { emptyText: isMe ? 'You have not uploaded songs yet: “Upload” at the top adds them.' : 'No songs yet.' })),
    section('Playlists', playlists.items.length ? h('ul', { class: 'people' }, playlists.items.map((p) => h('li', {}, h('a', { href: `/playlists/${p.id}` }, p.title)))) : empty('No public playlists.')));
}

export async function categoryPage({ params }) {
  const name = params[0];
  const box = await paged((cursor) => api('GET', `/songs?category=${encodeURIComponent(name)}&limit=50${cursor ? `&cursor=${cursor}` : ''}`),
    (items) => songList(items), 'No songs in this category yet: choose it when you upload one.');
  return h('section', {}, h('h1', {}, name), box);
}

/** A playlist; its owner renames it, changes its visibility, removes and reorders songs (by
 * dragging, or with the Move up/down buttons from the keyboard). */
export async function playlistPage({ params, navigate }) {
  const id = params[0];
  const playlist = await api('GET', `/playlists/${id}`);
  const mine = user() && playlist.owner.id === user().id;
  const list = h('div', {});
  let items = [];
  async function reload() {
    const page = await api('GET', `/playlists/${id}/items?limit=500`);
    items = page.items;
    draw();
  }
  async function move(songId, position) {
    try {
      await api('PATCH', `/playlists/${id}/items/${songId}`, { position });
      await reload();
      list.querySelector(`[data-song="${songId}"] .move-up, [data-song="${songId}"] .move-down`)?.focus();
    } catch (error) { status.textContent = error.message; }
  }
  const status = h('p', { role: 'status', class: 'inline-status' });
  const total = h('p', { class: 'figures playlist-length' });
  function draw() {
    const songs = items.map((item) => item.song);
    total.textContent = songs.length ? `${count(songs.length, 'song')} · ${totalLength(songs.reduce((sum, s) => sum + (s.duration || 0), 0))}` : '';
    if (!songs.length) { clear(list, empty(mine ? 'Add songs from anywhere with “Add to playlist…”.' : 'This playlist is empty.')); return; }
    clear(list, h('ol', { class: 'songs playlist-items' }, items.map((item, index) => {
      const row = h('li', { class: 'song', draggable: mine ? 'true' : null, dataset: { song: item.song.id, position: String(item.position) } },
        h('button', { type: 'button', class: 'play-song', 'aria-label': `Play ${item.song.title}`, onclick: () => player.playList(songs, index) }, '▶'),
        h('div', { class: 'song-text' }, h('a', { href: `/songs/${item.song.id}`, class: 'song-title' }, item.song.title), h('span', { class: 'song-artists' }, artistsOf(item.song))),
        h('span', { class: 'figures track-length' }, duration(item.song.duration)),
        mine ? h('div', { class: 'song-actions' },
          h('button', { type: 'button', class: 'move-up', 'aria-label': `Move ${item.song.title} up`, disabled: index === 0, onclick: () => move(item.song.id, item.position - 1) }, '↑'),
          h('button', { type: 'button', class: 'move-down', 'aria-label': `Move ${item.song.title} down`, disabled: index === items.length - 1, onclick: () => move(item.song.id, item.position + 1) }, '↓'),
          h('button', { type: 'button', 'aria-label': `Remove ${item.song.title}`, onclick: async () => {
            await api('DELETE', `/playlists/${id}/items/${item.song.id}`); await reload();
          } }, 'Remove')) : null);
      if (mine) {
        row.addEventListener('dragstart', (e) => { e.dataTransfer.setData('text/plain', item.song.id); row.classList.add('dragging'); });
        row.addEventListener('dragend', () => row.classList.remove('dragging'));
        row.addEventListener('dragover', (e) => e.preventDefault());
        row.addEventListener('drop', (e) => { e.preventDefault(); const dragged = e.dataTransfer.getData('text/plain'); if (dragged && dragged !== item.song.id) move(dragged, item.position); });
      }
      return row;
    })));
  }
  await reload();
  const header = [h('h1', {}, playlist.title), h('p', { class: 'figures' }, `${playlist.visibility} · by `, h('a', { href: `/users/${playlist.owner.id}` }, playlist.owner.name))];
  let editor = null;
  if (mine) {
    const [titleField, title] = field('Title', { name: 'title', value: playlist.title, required: true });
    const visibility = h('select', { name: 'visibility', id: 'pl-visibility' }, ['public', 'private'].map((v) => h('option', { value: v, selected: v === playlist.visibility }, v)));
    const error = formError();
    editor = h('form', { class: 'inline-form' }, titleField, h('div', { class: 'field' }, h('label', { for: 'pl-visibility' }, 'Visibility'), visibility), error,
      h('button', { type: 'submit' }, 'Save'),
      h('button', { type: 'button', class: 'danger', onclick: async () => {
        if (!confirm(`Delete the playlist “${playlist.title}”?`)) return;
        await api('DELETE', `/playlists/${id}`); navigate('/library');
      } }, 'Delete playlist'));
    editor.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        const saved = await api('PATCH', `/playlists/${id}`, { title: title.value, visibility: visibility.value });
        header[0].textContent = saved.title;
        error.textContent = 'Saved.';
      } catch (err) { showError(editor, err); }
    });
  }
  return h('article', {}, header, total,
    h('button', { type: 'button', class: 'primary', onclick: () => player.playList(items.map((i) => i.song)) }, '▶ Play all'),
    editor ? h('details', {}, h('summary', {}, 'Edit playlist'), editor) : null,
    status, list);
}

/** A relative date ("3 days ago") whose exact date and time show on hover. */
function when(date) {
  return h('time', { datetime: date, title: exactDate(date) }, `uploaded ${ago(date)}`);
}
