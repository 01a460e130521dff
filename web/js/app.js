// The app's shell: sign-in state, the account menu, and routing between pages without
// reloading (so the player keeps playing).

import { refresh, user, onUserChange, signOut, hadSession } from './api.js';
import { h, clear, busy } from './dom.js';
import * as player from './player.js';
import * as shortcuts from './shortcuts.js';

// Each page's module is loaded when it is first shown (then kept by the browser and sw.js), so
// the first page waits only for the modules it uses: on a slow phone connection every file
// more is a share of a round trip.
const views = {
  auth: () => import('./views/auth.js'),
  home: () => import('./views/home.js'),
  search: () => import('./views/search.js'),
  pages: () => import('./views/pages.js'),
  library: () => import('./views/library.js'),
  upload: () => import('./views/upload.js'),
  settings: () => import('./views/settings.js'),
  share: () => import('./views/share.js'),
  nowPlaying: () => import('./views/now_playing.js'),
};

/** [path pattern, view module, the page function it exports] */
const routes = [
  [/^\/$/, views.home, 'page'],
  [/^\/sign-in$/, views.auth, 'signInPage'],
  [/^\/sign-up$/, views.auth, 'signUpPage'],
  [/^\/forgot-password$/, views.auth, 'forgotPage'],
  [/^\/reset-password$/, views.auth, 'resetPage'],
  [/^\/verify-email$/, views.auth, 'verifyPage'],
  [/^\/search$/, views.search, 'page'],
  [/^\/library$/, views.library, 'page'],
  [/^\/upload$/, views.upload, 'page'],
  [/^\/settings$/, views.settings, 'page'],
  [/^\/songs\/([\w-]+)$/, views.pages, 'songPage'],
  [/^\/songs\/([\w-]+)\/edit$/, views.upload, 'editPage'],
  [/^\/albums$/, views.pages, 'albumsPage'],
  [/^\/albums\/([\w-]+)$/, views.pages, 'albumPage'],
  [/^\/artists\/([\w-]+)$/, views.pages, 'artistPage'],
  [/^\/users\/([\w-]+)$/, views.pages, 'userPage'],
  [/^\/playlists\/([\w-]+)$/, views.pages, 'playlistPage'],
  [/^\/categories\/(.+)$/, views.pages, 'categoryPage'],
  [/^\/share\/([\w-]+)$/, views.share, 'page'],
  [/^\/now-playing$/, views.nowPlaying, 'page'],
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
  const match = routes.map(([pattern, load, name]) => [url.pathname.match(pattern), load, name]).find(([m]) => m);
  clear(view, busy());
  let content;
  try {
    content = match
      ? await (await match[1]())[match[2]]({ params: match[0].slice(1).map(decodeURIComponent), query: url.searchParams, navigate })
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
// A browser that never signed in does not wait a round trip for the session refresh before
// the first page; the refresh still runs, and should it find a session (one from before this
// hint existed), the page is drawn again, signed in.
const refreshed = refresh();
if (hadSession()) {
  await refreshed;
  render();
} else {
  render();
  refreshed.then((signedIn) => { if (signedIn) render(); });
}
