// Publishing: upload with a progress bar (title, category and about may be left for the
// file's tags), then the edit page, prefilled from what the server read: poster, credits with
// roles, delete.

import { api, upload, user } from '../api.js';
import { h, clear, field, formError, showError } from '../dom.js';

const ROLES = ['Primary', 'Featured', 'Composer', 'Lyricist', 'Producer', 'Remixer', 'Performer', 'Arranger', 'Conductor', 'Engineer', 'Mixer', 'Other'];

async function categorySelect(selected) {
  const categories = await api('GET', '/categories');
  return h('select', { name: 'category', id: 'song-category' }, categories.map((c) => h('option', { value: c, selected: c === (selected || 'Others') }, c)));
}

export async function page({ navigate }) {
  if (!user()) return h('section', { class: 'card' }, h('h1', {}, 'Upload'), h('p', {}, 'Sign in to upload songs. ', h('a', { href: '/sign-in?next=/upload' }, 'Sign in')));
  const [fileField, file] = field('Audio file (MP3, FLAC, Ogg, WAV, M4A)', { type: 'file', name: 'file', accept: 'audio/*', required: true });
  const [titleField] = field('Title (leave empty to use the file’s tags)', { name: 'title' });
  const [aboutField] = field('About', { name: 'about', rows: 3 }, 'textarea');
  const [posterField] = field('Poster (JPEG, PNG or WebP)', { type: 'file', name: 'poster', accept: 'image/jpeg,image/png,image/webp' });
  const category = await categorySelect();
  const progress = h('progress', { max: 1, value: 0, hidden: true, 'aria-label': 'Upload progress' });
  const submit = h('button', { type: 'submit' }, 'Upload');
  const form = h('form', { class: 'card', novalidate: true }, h('h1', {}, 'Upload a song'),
    fileField, titleField, h('div', { class: 'field' }, h('label', { for: 'song-category' }, 'Category'), category), aboutField, posterField,
    formError(), progress, submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!file.files.length) { showError(form, { errors: [{ field: 'file', message: 'Choose an audio file.' }] }); return; }
    const data = new FormData();
    for (const name of ['title', 'about', 'category']) {
      const value = form.elements[name].value.trim();
      if (value) data.append(name, value);
    }
    data.append('file', file.files[0]);
    if (form.elements.poster.files.length) data.append('poster', form.elements.poster.files[0]);
    submit.disabled = true;
    progress.hidden = false;
    try {
      const song = await upload('/songs', data, (fraction) => { progress.value = fraction; });
      navigate(`/songs/${song.id}/edit`);
    } catch (error) {
      showError(form, error);
    } finally {
      submit.disabled = false;
      progress.hidden = true;
    }
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
