// Settings: playback (this browser's), name, avatar, password, signed-in devices, app
// passwords for Subsonic apps, deleting the account.

import { api, user, updateUser, forgetSession } from '../api.js';
import { h, clear, field, formError, showError } from '../dom.js';
import * as player from '../player.js';
import * as appPasswords from './app_passwords.js';

const NORMALISE = [
  ['off', 'Off: play songs as they are'],
  ['track', 'Track: each song at the same loudness'],
  ['album', 'Album: keep the loudness differences within an album'],
];

/** Playback settings live in this browser, signed in or not. */
function playback() {
  const saved = h('span', { class: 'inline-status', role: 'status' });
  const select = h('select', { id: 'normalise', name: 'normalise', 'aria-describedby': 'normalise-help',
    onchange: () => { player.setNormaliseMode(select.value); saved.textContent = 'Saved.'; } },
  NORMALISE.map(([value, label]) => h('option', { value, selected: value === player.normaliseMode() }, label)));
  return h('section', { class: 'card' }, h('h2', {}, 'Playback'),
    h('div', { class: 'field' }, h('label', { for: 'normalise' }, 'Normalise volume'), select,
      h('p', { id: 'normalise-help', class: 'figures' }, 'Uses the ReplayGain loudness of each song (or album); songs without it play as they are.')),
    saved);
}

export async function page({ navigate }) {
  if (!user()) return h('div', { class: 'settings' }, h('h1', {}, 'Settings'), playback(),
    h('p', {}, h('a', { href: '/sign-in?next=/settings' }, 'Sign in'), ' to change your account settings.'));
  const me = await api('GET', '/me');
  const [nameField, name] = field('Name', { name: 'name', value: me.name, required: true });
  const profile = h('form', { class: 'card' }, h('h2', {}, 'Profile'), nameField, formError(), h('button', { type: 'submit' }, 'Save'));
  profile.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      updateUser(await api('PATCH', '/me', { name: name.value }));
      profile.querySelector('.form-error').textContent = 'Saved.';
    } catch (error) { showError(profile, error); }
  });

  const [avatarField, avatar] = field('Avatar (JPEG, PNG or WebP)', { type: 'file', name: 'avatar', accept: 'image/jpeg,image/png,image/webp' });
  const avatarForm = h('form', { class: 'card' }, h('h2', {}, 'Avatar'), avatarField, formError(), h('button', { type: 'submit' }, 'Upload the avatar'));
  avatarForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!avatar.files.length) return;
    try {
      updateUser(await api('PUT', '/me/avatar', avatar.files[0]));
      avatarForm.querySelector('.form-error').textContent = 'Avatar saved.';
    } catch (error) { showError(avatarForm, error); }
  });

  const [currentField, current] = field('Current password', { type: 'password', name: 'currentPassword', autocomplete: 'current-password' });
  const [nextField, next] = field('New password', { type: 'password', name: 'newPassword', autocomplete: 'new-password' });
  const password = h('form', { class: 'card' }, h('h2', {}, 'Password'), currentField, nextField, formError(), h('button', { type: 'submit' }, 'Change the password'));
  password.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api('POST', '/auth/change-password', { currentPassword: current.value, newPassword: next.value });
      password.reset();
      password.querySelector('.form-error').textContent = 'Password changed.';
    } catch (error) { showError(password, error); }
  });

  const devices = h('ul', { class: 'sessions' });
  async function drawDevices() {
    const sessions = await api('GET', '/auth/sessions');
    clear(devices, sessions.items.map((s) => h('li', {},
      h('strong', {}, s.deviceName || 'A device'), s.current ? ' (this browser)' : '',
      h('span', { class: 'figures' }, ` · last used ${new Date(s.lastUsedAt).toLocaleString()}`),
      s.current ? null : h('button', { type: 'button', onclick: async () => { await api('DELETE', `/auth/sessions/${s.id}`); drawDevices(); } }, 'Sign out'))));
  }
  await drawDevices();

  const [deleteField, deletePassword] = field('Your password', { type: 'password', name: 'password', autocomplete: 'current-password' });
  const remove = h('form', { class: 'card danger-zone' }, h('h2', {}, 'Delete the account'),
    h('p', {}, 'Your songs, playlists and history are deleted with it. This cannot be undone.'), deleteField, formError(),
    h('button', { type: 'submit', class: 'danger' }, 'Delete my account'));
  remove.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!confirm('Delete your account and everything in it?')) return;
    try {
      await api('DELETE', '/me', { password: deletePassword.value });
      forgetSession();
      navigate('/');
    } catch (error) { showError(remove, error); }
  });

  return h('div', { class: 'settings' }, h('h1', {}, 'Settings'), playback(), profile, avatarForm, password,
    h('section', { class: 'card' }, h('h2', {}, 'Signed-in devices'), devices), await appPasswords.card(), remove);
}
