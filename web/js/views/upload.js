// Publishing: upload many files at once (or a folder), each its own request with its own
// progress bar, two at a time; title, category and about may be left for the files' tags.
// One file leads to its edit page, prefilled from what the server read (poster, credits with
// roles, delete); a batch ends with each file's outcome and links to the albums it made.

import { api, upload, user } from '../api.js';
import { h, clear, field, formError, showError } from '../dom.js';

const ROLES = ['Primary', 'Featured', 'Composer', 'Lyricist', 'Producer', 'Remixer', 'Performer', 'Arranger', 'Conductor', 'Engineer', 'Mixer', 'Other'];
// A folder holds covers, playlists and notes too: only what looks like audio is sent.
const AUDIO_NAME = /\.(mp3|flac|ogg|oga|opus|wav|m4a|mp4|aac|aif|aiff|wma|webm)$/i;
const AT_ONCE = 2;

async function categorySelect(selected) {
  const categories = await api('GET', '/categories');
  return h('select', { name: 'category', id: 'song-category' }, categories.map((c) => h('option', { value: c, selected: c === (selected || 'Others') }, c)));
}

function audioFiles(...inputs) {
  const files = inputs.flatMap((input) => [...input.files])
    .filter((file) => file.type.startsWith('audio/') || AUDIO_NAME.test(file.name));
  const path = (file) => file.webkitRelativePath || file.name;
  return files.sort((a, b) => path(a).localeCompare(path(b), undefined, { numeric: true }));
}

/** One file's line in the batch: its name, a progress bar and how it ended. */
function fileRow(file) {
  const name = file.webkitRelativePath || file.name;
  const progress = h('progress', { max: 1, value: 0, 'aria-label': `Upload progress of ${name}` });
  const outcome = h('span', { class: 'upload-outcome' }, 'Waiting');
  const row = h('li', { class: 'upload-file', dataset: { state: 'waiting' } }, h('span', { class: 'upload-name' }, name), progress, outcome);
  return {
    row,
    start() { row.dataset.state = 'sending'; outcome.textContent = 'Uploading…'; },
    progress(fraction) { progress.value = fraction; },
    done(song) {
      row.dataset.state = 'done';
      progress.value = 1;
      clear(outcome, 'Uploaded: ', h('a', { href: `/songs/${song.id}` }, song.title),
        song.album ? [' on ', h('a', { href: `/albums/${song.album.id}` }, song.album.title)] : null,
        song.trackNumber ? ` (track ${song.trackNumber})` : '', ' · ', h('a', { href: `/songs/${song.id}/edit` }, 'Edit'));
    },
    failed(error) {
      row.dataset.state = 'failed';
      const fields = (error.errors || []).map((e) => `${e.field}: ${e.message}`);
      clear(outcome, h('strong', {}, 'Failed: '), [error.message, ...fields].join(' '));
    },
  };
}

export async function page({ navigate }) {
  if (!user()) return h('section', { class: 'card' }, h('h1', {}, 'Upload'), h('p', {}, 'Sign in to upload songs. ', h('a', { href: '/sign-in?next=/upload' }, 'Sign in')));
  const [fileField, file] = field('Audio files (MP3, FLAC, Ogg, WAV, M4A): one or many', { type: 'file', name: 'file', accept: 'audio/*', multiple: true });
  const [folderField, folder] = field('Or a whole folder (an album, say)', { type: 'file', name: 'folder', webkitdirectory: true });
  const [titleField] = field('Title (one file only; leave empty to use the file’s tags)', { name: 'title' });
  const [aboutField] = field('About', { name: 'about', rows: 3 }, 'textarea');
  const [posterField] = field('Poster (JPEG, PNG or WebP; for every file)', { type: 'file', name: 'poster', accept: 'image/jpeg,image/png,image/webp' });
  const category = await categorySelect();
  const chosen = h('p', { class: 'figures', role: 'status' });
  const showChosen = () => {
    const count = audioFiles(file, folder).length;
    chosen.textContent = count ? `${count} audio ${count === 1 ? 'file' : 'files'} chosen.` : '';
  };
  file.addEventListener('change', showChosen);
  folder.addEventListener('change', showChosen);
  const submit = h('button', { type: 'submit' }, 'Upload');
  const batch = h('ol', { class: 'uploads', 'aria-label': 'Uploads' });
  const summary = h('div', { class: 'upload-summary', role: 'status' });
  // The albums a batch fills, their tracks in play order as each file lands.
  const landed = h('div', { class: 'albums-landing', 'aria-live': 'polite' });
  const albumIds = new Set();
  let shown = 0;
  const showLanded = async () => {
    const asked = ++shown;
    const albums = await Promise.all([...albumIds].map((id) => api('GET', `/albums/${id}`).catch(() => null)));
    if (asked !== shown) return;
    clear(landed, ...albums.filter(Boolean).map((album) => h('section', { class: 'album-landing' },
      h('h2', {}, album.title),
      h('ol', { class: 'album-tracks-landing' }, album.songs.map((s) =>
        h('li', {}, `${s.trackNumber ? `${s.trackNumber}. ` : ''}${s.title}`))))));
  };
  const form = h('form', { class: 'card', novalidate: true }, h('h1', {}, 'Upload songs'),
    fileField, folderField, chosen, titleField, h('div', { class: 'field' }, h('label', { for: 'song-category' }, 'Category'), category), aboutField, posterField,
    formError(), submit, batch, summary, landed);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const files = audioFiles(file, folder);
    if (!files.length) { showError(form, { errors: [{ field: 'file', message: 'Choose audio files or a folder.' }] }); return; }
    showError(form, { errors: [], message: '' });
    const common = {};
    for (const name of ['about', 'category', ...(files.length === 1 ? ['title'] : [])]) {
      const value = form.elements[name].value.trim();
      if (value) common[name] = value;
    }
    const poster = form.elements.poster.files[0];
    const rows = files.map(fileRow);
    clear(batch, rows.map((r) => r.row));
    clear(summary);
    clear(landed);
    albumIds.clear();
    submit.disabled = true;
    const songs = [];
    let failures = 0;
    // Each file is its own request, AT_ONCE at a time: one that fails leaves the rest going.
    let nextFile = 0;
    const worker = async () => {
      while (nextFile < files.length) {
        const index = nextFile++;
        const data = new FormData();
        for (const [name, value] of Object.entries(common)) data.append(name, value);
        data.append('file', files[index]);
        if (poster) data.append('poster', poster);
        rows[index].start();
        try {
          const song = await upload('/songs', data, (fraction) => rows[index].progress(fraction));
          songs.push(song);
          rows[index].done(song);
          if (song.album) { albumIds.add(song.album.id); showLanded(); }
        } catch (error) {
          failures += 1;
          rows[index].failed(error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(AT_ONCE, files.length) }, worker));
    submit.disabled = false;
    if (files.length === 1 && songs.length === 1) { navigate(`/songs/${songs[0].id}/edit`); return; }
    const albums = [...new Map(songs.filter((s) => s.album).map((s) => [s.album.id, s.album])).values()];
    clear(summary,
      h('p', {}, `${songs.length} of ${files.length} uploaded${failures ? `; ${failures} failed (see above)` : ''}.`),
      albums.length ? h('p', {}, albums.length === 1 ? 'Album: ' : 'Albums: ',
        albums.flatMap((album, i) => [i ? ', ' : '', h('a', { href: `/albums/${album.id}`, class: 'album-made' }, album.title)])) : null);
  });
  return form;
}

export async function editPage({ params, navigate }) {
  const song = await api('GET', `/songs/${params[0]}`);
  const [titleField, title] = field('Title', { name: 'title', value: song.title, required: true });
  const [aboutField, about] = field('About', { name: 'about', rows: 3 }, 'textarea');
  about.value = song.about || '';
  const category = await categorySelect(song.category);
  const saved = h('p', { role: 'status', class: 'inline-status' });
  const form = h('form', { class: 'card', novalidate: true }, h('h1', {}, `Edit “${song.title}”`),
    titleField, h('div', { class: 'field' }, h('label', { for: 'song-category' }, 'Category'), category), aboutField, formError(),
    h('button', { type: 'submit' }, 'Save'), saved);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api('PATCH', `/songs/${song.id}`, { title: title.value, about: about.value, category: category.value });
      saved.textContent = 'Saved.';
    } catch (error) { showError(form, error); }
  });

  const [posterField, poster] = field('New poster', { type: 'file', name: 'poster', accept: 'image/jpeg,image/png,image/webp' });
  const posterForm = h('form', { class: 'card' }, h('h2', {}, 'Poster'), posterField, formError(), h('button', { type: 'submit' }, 'Replace the poster'));
  posterForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!poster.files.length) return;
    try {
      await api('PUT', `/songs/${song.id}/poster`, poster.files[0]);
      posterForm.querySelector('.form-error').textContent = 'Poster replaced.';
    } catch (error) { showError(posterForm, error); }
  });

  const credits = h('ul', { class: 'credits' });
  const drawCredits = (current) => clear(credits, current.artists.map((a) => h('li', {}, `${a.name} (${a.role}) `,
    h('button', { type: 'button', 'aria-label': `Remove ${a.name}`, onclick: async () => {
      await api('DELETE', `/songs/${song.id}/artists/${a.artistId}`);
      drawCredits(await api('GET', `/songs/${song.id}`));
    } }, 'Remove'))));
  drawCredits(song);
  const [artistField, artistName] = field('Artist name', { name: 'name', required: true });
  const role = h('select', { name: 'role', id: 'credit-role' }, ROLES.map((r) => h('option', { value: r }, r)));
  const creditForm = h('form', { class: 'card' }, h('h2', {}, 'Credits'), credits, artistField,
    h('div', { class: 'field' }, h('label', { for: 'credit-role' }, 'Role'), role), formError(), h('button', { type: 'submit' }, 'Credit the artist'));
  creditForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const found = await api('GET', `/search?type=artists&limit=5&q=${encodeURIComponent(artistName.value)}`);
      const same = found.artists.find((a) => a.name.toLowerCase() === artistName.value.trim().toLowerCase());
      const artist = same || await api('POST', '/artists', { name: artistName.value.trim() });
      drawCredits(await api('PUT', `/songs/${song.id}/artists/${artist.id}`, { role: role.value }));
      creditForm.reset();
    } catch (error) { showError(creditForm, error); }
  });

  const remove = h('button', { type: 'button', class: 'danger', onclick: async () => {
    if (!confirm(`Delete “${song.title}” for good?`)) return;
    await api('DELETE', `/songs/${song.id}`);
    navigate(`/users/${song.owner.id}`);
  } }, 'Delete this song');
  return h('div', { class: 'edit' }, form, posterForm, creditForm, h('p', {}, h('a', { href: `/songs/${song.id}` }, 'See the song page')), remove);
}
