// The waveform seek bar: the song's 512 peaks (measured once by the server when the song was
// transcoded) drawn as bars, the part already heard in the accent colour. It is a slider for
// the keyboard and for screen readers; a click or a tap seeks. Until the peaks exist (or for
// a song measured before waveforms were), a flat line stands in.

import { api } from './api.js';
import { h } from './dom.js';
import { duration } from './format.js';

const WIDTH = 1024;
const HEIGHT = 128;

/** A waveform of `song` that follows and seeks `audio`; `destroy()` stops following. */
export function waveform(song, audio) {
  const canvas = h('canvas', { class: 'waveform', width: WIDTH, height: HEIGHT, 'aria-hidden': 'true', dataset: { peaks: 'loading' } });
  const slider = h('div', { class: 'waveform-box', role: 'slider', tabindex: '0', 'aria-label': `Position in ${song.title}`,
    'aria-valuemin': '0', 'aria-valuemax': String(Math.round(song.duration || 0)) }, canvas);
  let peaks = null;

  const length = () => (Number.isFinite(audio.duration) && audio.duration > 0 ? audio.duration : song.duration || 0);
  const seekTo = (seconds) => { audio.currentTime = Math.max(0, Math.min(length(), seconds)); draw(); };

  function draw() {
    const style = getComputedStyle(document.documentElement);
    const heard = style.getPropertyValue('--accent').trim() || '#1f6f5c';
    const ahead = style.getPropertyValue('--muted').trim() || '#555';
    const played = length() ? audio.currentTime / length() : 0;
    const context = canvas.getContext('2d');
    context.clearRect(0, 0, WIDTH, HEIGHT);
    const values = peaks || new Array(512).fill(8);
    // Scaled to the song's own loudest moment, so a quietly mastered song shows its shape too.
    const top = peaks ? Math.max(...values, 1) : 255;
    const step = WIDTH / values.length;
    values.forEach((value, i) => {
      const bar = Math.max(2, (value / top) * (HEIGHT - 4));
      context.fillStyle = i / values.length < played ? heard : ahead;
      context.fillRect(i * step, (HEIGHT - bar) / 2, Math.max(1, step - 0.5), bar);
    });
    slider.setAttribute('aria-valuenow', String(Math.round(audio.currentTime || 0)));
    slider.setAttribute('aria-valuetext', `${duration(audio.currentTime || 0)} of ${duration(length())}`);
  }

  slider.addEventListener('click', (event) => {
    const box = canvas.getBoundingClientRect();
    seekTo(((event.clientX - box.left) / box.width) * length());
  });
  slider.addEventListener('keydown', (event) => {
    const moves = { ArrowRight: 5, ArrowUp: 5, ArrowLeft: -5, ArrowDown: -5, PageUp: 30, PageDown: -30 };
    if (event.key in moves) seekTo(audio.currentTime + moves[event.key]);
    else if (event.key === 'Home') seekTo(0);
    else if (event.key === 'End') seekTo(length() - 1);
    else return;
    event.preventDefault();
  });

  audio.addEventListener('timeupdate', draw);
  api('GET', `/songs/${song.id}/peaks`)
    .then((found) => { peaks = found.peaks; canvas.dataset.peaks = 'ready'; draw(); })
    .catch(() => { canvas.dataset.peaks = 'none'; });
  draw();
  return { element: slider, destroy: () => audio.removeEventListener('timeupdate', draw) };
}
