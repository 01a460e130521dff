// The app's shell: sign-in state, the account menu, and routing between pages without
// reloading (so the player keeps playing).

import { refresh, user, onUserChange, signOut } from './api.js';
import { h, clear, busy } from './dom.js';
import * as player from './player.js';
import * as auth from './views/auth.js';
import * as home from './views/home.js';
import * as search from './views/search.js';
import * as pages from './views/pages.js';
import * as library from './views/library.js';
import * as upload from './views/upload.js';
import * as settings from './views/settings.js';
import * as share from './views/share.js';
import * as nowPlaying from './views/now_playing.js';
import * as shortcuts from './shortcuts.js';

const routes = [
  [/^\/$/, home.page],
  [/^\/sign-in$/, auth.signInPage],
  [/^\/sign-up$/, auth.signUpPage],
  [/^\/forgot-password$/, auth.forgotPage],
  [/^\/reset-password$/, auth.resetPage],
  [/^\/verify-email$/, auth.verifyPage],
  [/^\/search$/, search.page],
  [/^\/library$/, library.page],
  [/^\/upload$/, upload.page],
  [/^\/settings$/, settings.page],
  [/^\/songs\/([\w-]+)$/, pages.songPage],
  [/^\/songs\/([\w-]+)\/edit$/, upload.editPage],
  [/^\/albums$/, pages.albumsPage],
  [/^\/albums\/([\w-]+)$/, pages.albumPage],
  [/^\/artists\/([\w-]+)$/, pages.artistPage],
  [/^\/users\/([\w-]+)$/, pages.userPage],
  [/^\/playlists\/([\w-]+)$/, pages.playlistPage],
  [/^\/categories\/(.+)$/, pages.categoryPage],
  [/^\/share\/([\w-]+)$/, share.page],
  [/^\/now-playing$/, nowPlaying.page],
];

const view = document.getElementById('view');
let renderId = 0;

export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', path); else history.pushState(null, '', path);
  render();
}

async function render() {
  const id = ++renderId;
  const url = new URL(location.href);
  const match = routes.map(([pattern, page]) => [url.pathname.match(pattern), page]).find(([m]) => m);
  clear(view, busy());
  let content;
  try {
    content = match
      ? await match[1]({ params: match[0].slice(1).map(decodeURIComponent), query: url.searchParams, navigate })
      : h('section', {}, h('h1', {}, 'Not found'), h('p', {}, 'There is no page here. ', h('a', { href: '/' }, 'Go home')));
  } catch (error) {
    content = error.status === 0
      ? h('section', {}, h('h1', {}, 'You are offline'),
        h('p', {}, 'Ampli cannot be reached right now. This page comes back when the connection does; ',
          h('a', { href: url.pathname + url.search }, 'try again'), '.'))
      : h('section', {}, h('h1', {}, 'Something went wrong'), h('p', { role: 'alert' }, error.message));
  }
  if (id !== renderId) return; // a newer navigation won
  clear(view, content);
  const heading = view.querySelector('h1');
  document.title = heading ? `${heading.textContent} · Ampli` : 'Ampli';
  view.focus({ preventScroll: true });
  for (const link of document.querySelectorAll('nav a')) {
    link.setAttribute('aria-current', link.getAttribute('href') === url.pathname ? 'page' : 'false');
  }
}

// Same-origin links route in the page; the player keeps playing.
document.addEventListener('click', (event) => {
  const link = event.target.closest && event.target.closest('a[href]');
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/api/') || url.pathname.startsWith('/media/') || link.target) return;
  event.preventDefault();
  if (url.pathname + url.search !== location.pathname + location.search) navigate(url.pathname + url.search);
});
window.addEventListener('popstate', render);

function renderAccount(current) {
  const box = document.getElementById('account');
  if (current) {
    clear(box,
      h('a', { href: `/users/${current.id}` }, current.name),
      h('a', { href: '/settings' }, 'Settings'),
      h('button', { type: 'button', class: 'link', onclick: async () => { await signOut(); navigate('/'); } }, 'Sign out'));
  } else {
    clear(box, h('a', { href: '/sign-in' }, 'Sign in'), h('a', { href: '/sign-up', class: 'button' }, 'Sign up'));
  }
}

// Offline: a line under the header says so (the shell itself comes from sw.js's cache).
const offline = h('p', { class: 'offline', role: 'status', hidden: true }, 'You are offline: what needs Ampli waits for the connection.');
document.querySelector('header.top').after(offline);
const showOffline = (isOffline) => { offline.hidden = !isOffline; };
window.addEventListener('offline', () => showOffline(true));
window.addEventListener('ampli:offline', () => showOffline(true));
window.addEventListener('online', () => showOffline(false));
window.addEventListener('ampli:online', () => showOffline(false));
showOffline(!navigator.onLine);
if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(() => { /* the app works without */ });

const sheet = shortcuts.install(navigate);
document.getElementById('shortcuts-button').addEventListener('click', () => sheet.open());

onUserChange(renderAccount);
player.mount(document.getElementById('player'));
renderAccount(null);
await refresh();
renderAccount(user());
render();
