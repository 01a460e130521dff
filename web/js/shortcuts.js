// Keyboard shortcuts beyond the player's own (player.js: space, arrows): `?` opens a sheet
// listing them all, `n` opens the now-playing page, `/` the search. None fires while typing.

import { h } from './dom.js';

const SHEET = [
  ['Space', 'Play or pause'],
  ['→ / ←', 'Forward or back 5 seconds'],
  ['Shift + → / ←', 'Next or previous song'],
  ['n', 'Now playing: the queue, waveform and lyrics'],
  ['/', 'Search'],
  ['?', 'This list'],
  ['Esc', 'Close this list'],
];

function typing(target) {
  return Boolean(target.closest && target.closest('input, textarea, select, [contenteditable]'));
}

/** Listens for the shortcuts; `navigate` routes in the app. */
export function install(navigate) {
  let sheet = null;
  function open() {
    if (!sheet) {
      sheet = h('dialog', { class: 'shortcuts', 'aria-labelledby': 'shortcuts-heading' },
        h('h2', { id: 'shortcuts-heading' }, 'Keyboard shortcuts'),
        h('dl', {}, SHEET.map(([keys, what]) => [h('dt', {}, keys.split(' ').map((k) => (['/', '+'].includes(k) && keys.length > 1 ? ` ${k} ` : h('kbd', {}, k)))), h('dd', {}, what)])),
        h('form', { method: 'dialog' }, h('button', { type: 'submit' }, 'Close')));
      document.body.append(sheet);
    }
    if (!sheet.open) sheet.showModal();
  }
  document.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (sheet?.open) return; // the dialog's own keys (Esc closes it)
    if (event.key === '?') { event.preventDefault(); open(); }
    else if (event.key === 'n') { event.preventDefault(); navigate('/now-playing'); }
    else if (event.key === '/') { event.preventDefault(); navigate('/search'); }
  });
  return { open };
}
