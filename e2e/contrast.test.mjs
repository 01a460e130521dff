// Every colour pair the app's stylesheet puts together, in both themes, against WCAG 2's AA
// contrast: 4.5:1 for text, 3:1 for borders of controls and the focus ring. The colours are
// read from web/app.css itself, so that a later edit of a token cannot quietly break a pair.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const css = readFileSync(fileURLToPath(new URL('../web/app.css', import.meta.url)), 'utf8');

/** The custom properties declared in the first rule whose selector is `selector`. */
function tokens(selector) {
  const start = css.indexOf(`${selector} {`);
  assert.ok(start >= 0, `${selector} is in app.css`);
  const body = css.slice(start, css.indexOf('}', start));
  return Object.fromEntries([...body.matchAll(/--([\w-]+):\s*(#[0-9a-fA-F]{3,6})/g)].map((m) => [m[1], m[2]]));
}

function luminance(hex) {
  let h = hex.slice(1);
  if (h.length === 3) h = [...h].map((c) => c + c).join('');
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16) / 255)
    .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function ratio(a, b) {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

// [foreground, background, least ratio]: text at 4.5, non-text UI at 3.
const PAIRS = [
  ['fg', 'bg', 4.5], ['fg', 'card', 4.5], ['fg', 'field', 4.5], ['fg', 'tint', 4.5], ['fg', 'placeholder', 4.5],
  ['muted', 'bg', 4.5], ['muted', 'card', 4.5], ['muted', 'placeholder', 4.5],
  ['accent', 'bg', 4.5], ['accent', 'card', 4.5], ['accent-fg', 'accent', 4.5],
  ['danger', 'bg', 4.5], ['danger', 'card', 4.5], ['danger-fg', 'danger', 4.5],
  ['field-line', 'field', 3], ['field-line', 'bg', 3], ['focus', 'bg', 3], ['focus', 'card', 3],
];

for (const [theme, selector] of [['light', ':root'], ['dark', ':root[data-theme="dark"]']]) {
  test(`the ${theme} theme's colour pairs meet WCAG AA`, () => {
    const colours = tokens(selector);
    const failing = [];
    for (const [fg, bg, least] of PAIRS) {
      assert.ok(colours[fg] && colours[bg], `--${fg} and --${bg} are defined for ${theme}`);
      const r = ratio(colours[fg], colours[bg]);
      if (r < least) failing.push(`--${fg} on --${bg}: ${r.toFixed(2)} < ${least}`);
    }
    assert.deepEqual(failing, []);
  });
}
