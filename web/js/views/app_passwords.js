// App passwords: what a Subsonic app (Symfonium, DSub, Feishin, …) signs in with instead of
// the account password. Each is shown once, when made; the list shows names and last use.

import { api, user } from '../api.js';
import { h, clear, field, formError, showError } from '../dom.js';

/** The settings card: what to type into an app, a form to make a password, the list. */
export async function card() {
  const server = window.location.origin;
  const shown = h('div', { class: 'app-password-shown', role: 'status', 'aria-live': 'polite' });
  const list = h('ul', { class: 'app-passwords' });

  async function draw() {
    const { items } = await api('GET', '/me/app-passwords');
    clear(list, items.length ? items.map((item) => h('li', {},
      h('strong', {}, item.name),
      h('span', { class: 'figures' }, ` · made ${new Date(item.createdAt).toLocaleDateString()}`,
        item.lastUsedAt ? ` · last used ${new Date(item.lastUsedAt).toLocaleString()}` : ' · never used'),
      h('button', { type: 'button', 'aria-label': `Revoke ${item.name}`,
        onclick: async () => { await api('DELETE', `/me/app-passwords/${item.id}`); draw(); } }, 'Revoke')))
      : [h('li', { class: 'figures' }, 'No app passwords yet.')]);
  }

  const [nameField, name] = field('What it is for', { name: 'appName', placeholder: 'Phone (Symfonium)', required: true, maxlength: 100 });
  const form = h('form', {}, nameField, formError(), h('button', { type: 'submit' }, 'Make an app password'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const made = await api('POST', '/me/app-passwords', { name: name.value });
      form.reset();
      clear(shown, h('p', {}, 'Type these into the app. The password is shown only this once.'),
        h('dl', { class: 'app-credentials' },
          h('dt', {}, 'Server'), h('dd', {}, h('code', {}, server)),
          h('dt', {}, 'User'), h('dd', {}, h('code', {}, user().email)),
          h('dt', {}, 'Password'), h('dd', {}, h('code', { class: 'new-app-password' }, made.password))));
      draw();
    } catch (error) { showError(form, error); }
  });
  await draw();
  return h('section', { class: 'card' }, h('h2', {}, 'Apps (Subsonic)'),
    h('p', {}, 'Music apps that speak Subsonic sign in with an app password, never your account password. ',
      'Give each app its own, and revoke it when you stop using the app.'),
    form, shown, list);
}
