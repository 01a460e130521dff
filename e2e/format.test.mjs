// The web app's formatting rules (web/js/format.js), checked in node without a browser.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { count, duration, totalLength, ago, exactDate } from '../web/js/format.js';

test('counts take the right plural and thousands separators', () => {
  assert.equal(count(0, 'like'), '0 likes');
  assert.equal(count(1, 'like'), '1 like');
  assert.equal(count(2, 'like'), '2 likes');
  assert.equal(count(1234, 'play'), '1,234 plays');
  assert.equal(count(1234567, 'play'), '1,234,567 plays');
  assert.equal(count(undefined, 'song'), '0 songs');
  assert.equal(count(1, 'person', 'people'), '1 person');
  assert.equal(count(3, 'person', 'people'), '3 people');
});

test('lengths read as a player shows them', () => {
  assert.equal(duration(0), '0:00');
  assert.equal(duration(5), '0:05');
  assert.equal(duration(225.9), '3:45');
  assert.equal(duration(3600), '1:00:00');
  assert.equal(duration(3725), '1:02:05');
  assert.equal(duration(null), '–:––');
  assert.equal(duration(-1), '–:––');
  assert.equal(totalLength(40), '40 s');
  assert.equal(totalLength(42 * 60 + 10), '42 min');
  assert.equal(totalLength(3600 + 5 * 60), '1 h 5 min');
  assert.equal(totalLength(7200), '2 h');
});

test('dates read relative to now, with the exact date kept for hovering', () => {
  const now = Date.parse('2026-12-04T12:00:00Z');
  assert.equal(ago('2026-12-04T11:59:30Z', now), 'just now');
  assert.equal(ago('2026-12-04T11:55:00Z', now), '5 minutes ago');
  assert.equal(ago('2026-12-04T09:00:00Z', now), '3 hours ago');
  assert.equal(ago('2026-12-03T12:00:00Z', now), 'yesterday');
  assert.equal(ago('2026-12-01T12:00:00Z', now), '3 days ago');
  assert.equal(ago('2026-11-20T12:00:00Z', now), '2 weeks ago');
  assert.equal(ago('2025-12-01T12:00:00Z', now), 'last year');
  assert.equal(ago('not a date', now), '');
  assert.match(exactDate('2026-12-01T12:00:00Z'), /December 1, 2026/);
});
