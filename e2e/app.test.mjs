// The web app end to end, in Debian's headless Chromium against a real `ampli serve` on its
// embedded defaults (private PostgreSQL cluster, local storage, outbox mail): sign up, verify
// through the outbox, upload generated songs, play one, like it, make a playlist and reorder
// it, find a song by a misspelled search, follow its uploader from a second account, sign
// out, after making, using on /rest and revoking an app password; then an album uploaded as several tagged files at once, played in track order with its
// synced lyrics and normalised volume, and shared from a Subsonic app as a link that plays it
// for someone with no account; the light and dark themes. Screenshots of the main pages at
// desktop and phone widths, in both themes, go to target/e2e-screenshots. Song pages and rows give lengths, counts with their
// plurals and relative dates (the rules themselves: format.test.mjs).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const targetDir = process.env.CARGO_TARGET_DIR || join(root, 'target');
const binary = process.env.AMPLI_BIN || join(targetDir, 'debug', 'ampli');
const shots = join(root, 'target', 'e2e-screenshots');
const chromiumPath = process.env.AMPLI_CHROMIUM || '/usr/bin/chromium';
const PASSWORD = 'a long and quiet river';
// axe-core, run inside the page by evaluating its source (the app's CSP allows no injected
// script tag, and needs none for this).
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let server;
let dataDir;
let base;
let browser;

function freePort() {
  return new Promise((resolvePort) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => { const { port } = probe.address(); probe.close(() => resolvePort(port)); });
  });
}

async function waitFor(check, what, seconds = 60) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await check().catch(() => null);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A WAV file of a few seconds of a sine tone: a song the test composes itself. With
 * `quietAfter`, the tone drops to a tenth of its loudness from that second on (its waveform
 * then has a loud and a quiet part). */
function wav(seconds, frequency, { quietAfter = Infinity } = {}) {
  const rate = 22050;
  const samples = rate * seconds;
  const buffer = Buffer.alloc(44 + samples * 2);
  buffer.write('RIFF', 0); buffer.writeUInt32LE(36 + samples * 2, 4); buffer.write('WAVE', 8);
  buffer.write('fmt ', 12); buffer.writeUInt32LE(16, 16); buffer.writeUInt16LE(1, 20); buffer.writeUInt16LE(1, 22);
  buffer.writeUInt32LE(rate, 24); buffer.writeUInt32LE(rate * 2, 28); buffer.writeUInt16LE(2, 32); buffer.writeUInt16LE(16, 34);
  buffer.write('data', 36); buffer.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) {
    const amplitude = i / rate < quietAfter ? 24000 : 2400;
    buffer.writeInt16LE(Math.round(amplitude * Math.sin((2 * Math.PI * frequency * i) / rate)), 44 + i * 2);
  }
  return buffer;
}

/** A FLAC file of `seconds` of a sine tone, tagged by ffmpeg with `metadata`. */
function tagged(dir, name, seconds, frequency, metadata) {
  const path = join(dir, name);
  const args = ['-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', `sine=frequency=${frequency}:duration=${seconds}`, '-c:a', 'flac'];
  for (const [key, value] of Object.entries(metadata)) args.push('-metadata', `${key}=${value}`);
  const result = spawnSync('ffmpeg', [...args, path], { encoding: 'utf8' });
  assert.equal(result.status, 0, `ffmpeg ${name}: ${result.stderr}`);
  return path;
}

/** The link of the newest mail to `address` in the outbox. */
function mailLink(address, subject) {
  const outbox = join(dataDir, 'outbox');
  if (!existsSync(outbox)) return null;
  const mails = readdirSync(outbox).sort().reverse()
    .map((name) => readFileSync(join(outbox, name), 'utf8').replace(/=\r?\n/g, '').replace(/=3D/g, '='))
    .filter((mail) => mail.includes(`To: ${address}`) || mail.includes(`<${address}>`))
    .filter((mail) => mail.split(/\r?\n/).some((line) => line.startsWith('Subject:') && line.includes(subject)));
  if (!mails.length) return null;
  const match = mails[0].match(/https?:\/\/[^\s"<>]+\?token=[\w-]+/);
  return match ? match[0] : null;
}

before(async () => {
  assert.ok(existsSync(binary), `build the binary first (cargo build): ${binary}`);
  mkdirSync(shots, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'ampli-e2e-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const env = { ...process.env, AMPLI_LISTEN: `127.0.0.1:${port}`, AMPLI_DATA_DIR: dataDir, AMPLI_PUBLIC_URL: base, AMPLI_LOG: 'warn' };
  delete env.DATABASE_URL;
  server = spawn(binary, ['serve'], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  await waitFor(async () => (await fetch(`${base}/readyz`)).ok, 'ampli serve to be ready', 120);
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required', '--mute-audio'],
  });
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null && server.signalCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function newPage(width = 1280, height = 860) {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/.test(message.text())) problems.push(message.text());
  });
  page.problems = problems;
  return page;
}

async function signUpAndIn(page, name, email, { pictures = false } = {}) {
  await page.goto(`${base}/sign-up`);
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel(/^Password/).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign up', exact: true }).click();
  await page.getByText(`We sent a link to ${email}`).waitFor();
  const link = await waitFor(async () => mailLink(email, 'Confirm'), 'the confirmation mail');
  assert.ok(link.startsWith(base), `the mail links into the app: ${link}`);
  await page.goto(link);
  await page.getByRole('heading', { name: 'Address confirmed' }).waitFor();
  if (pictures) await screenshots(page, 'verify-email');
  await page.goto(`${base}/sign-in`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.locator('form').getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#account').getByRole('link', { name: 'Settings' }).waitFor();
}

async function upload(page, title, frequency, shape = {}) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Upload' }).click();
  await page.getByLabel(/^Audio file/).setInputFiles({ name: `${title}.wav`, mimeType: 'audio/wav', buffer: wav(6, frequency, shape) });
  await page.getByLabel(/^Title/).fill(title);
  await page.getByRole('button', { name: 'Upload', exact: true }).click();
  await page.waitForURL(/\/songs\/[\w-]+\/edit$/);
  return page.url().match(/\/songs\/([\w-]+)\/edit$/)[1];
}

/** axe-core's serious and critical findings on the page as it is: none allowed. */
async function accessible(page, what) {
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(axeSource);
  const found = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
    .filter((violation) => ['serious', 'critical'].includes(violation.impact))
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.nodes.slice(0, 4).map((node) => node.target.join(' ')).join(' | ')}`));
  assert.deepEqual(found, [], `axe-core on ${what}`);
}

/** The page as it is, at desktop and phone widths, in the light and the dark theme (set on
 * <html> for the picture only; the visitor's own choice is put back), each theme checked by
 * axe-core. */
async function screenshots(page, name) {
  const chosen = await page.evaluate(() => document.documentElement.dataset.theme);
  const size = page.viewportSize();
  for (const theme of ['light', 'dark']) {
    await page.evaluate((t) => { document.documentElement.dataset.theme = t; }, theme);
    await page.setViewportSize(size);
    await accessible(page, `${name} (${theme})`);
    await page.screenshot({ path: join(shots, `${name}-desktop-${theme}.png`), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(shots, `${name}-phone-${theme}.png`), fullPage: true });
  }
  await page.evaluate((t) => { document.documentElement.dataset.theme = t; }, chosen);
  await page.setViewportSize(size);
}

test('a listener signs up, uploads, plays, likes, makes a playlist, searches; a second one follows', async () => {
  const page = await newPage();
  await page.goto(base);
  await page.getByRole('heading', { name: 'Listen to everything' }).waitFor();
  await screenshots(page, 'home-signed-out');

  // Themes: the system's by default; the switch changes it, and the choice outlives a reload.
  const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
  const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  assert.equal(await theme(), 'light');
  const lightBackground = await background();
  await page.getByRole('button', { name: 'Switch to the dark theme' }).click();
  assert.equal(await theme(), 'dark');
  assert.notEqual(await background(), lightBackground);
  await page.reload();
  await page.getByRole('heading', { name: 'Listen to everything' }).waitFor();
  assert.equal(await theme(), 'dark');
  await page.getByRole('button', { name: 'Switch to the light theme' }).click();
  assert.equal(await theme(), 'light');
  const night = await browser.newContext({ colorScheme: 'dark' });
  const nightPage = await night.newPage();
  await nightPage.goto(base);
  assert.equal(await nightPage.evaluate(() => document.documentElement.dataset.theme), 'dark');
  await night.close();

  // The account pages, before there is an account.
  for (const [path, heading, name] of [['/sign-up', 'Create your account', 'sign-up'], ['/sign-in', 'Sign in', 'sign-in'], ['/forgot-password', 'Forgot your password?', 'forgot-password']]) {
    await page.goto(`${base}${path}`);
    await page.getByRole('heading', { name: heading }).waitFor();
    await screenshots(page, name);
  }

  await signUpAndIn(page, 'Ada Upload', 'ada@e2e.test', { pictures: true });
  // The refresh token is an HttpOnly cookie: no script on the page can read it.
  assert.equal(await page.evaluate(() => document.cookie), '');

  const yellow = await upload(page, 'Yellow Submarine', 440, { quietAfter: 3 });
  await page.getByLabel('Title').waitFor();
  await screenshots(page, 'edit-song');
  const blue = await upload(page, 'Blue Monday', 330);
  // Home, signed in, and a category page from its chips.
  await page.goto(base);
  await page.getByRole('heading', { name: 'Welcome back, Ada Upload' }).waitFor();
  await screenshots(page, 'home');
  await page.locator('.chips a').first().click();
  await page.waitForURL(/\/categories\//);
  await page.locator('h1').waitFor();
  await screenshots(page, 'category');

  // Play: the audio element's time advances.
  await page.goto(`${base}/songs/${yellow}`);
  await page.getByRole('heading', { name: 'Yellow Submarine' }).waitFor();
  await page.getByRole('button', { name: '▶ Play' }).click();
  await waitFor(() => page.evaluate(() => document.querySelector('audio')?.currentTime > 0.5), 'the song to play', 30);
  assert.equal(await page.locator('.now-title').textContent(), 'Yellow Submarine');
  // The keyboard: space pauses and plays again, outside form fields.
  await page.locator('h1').click();
  await page.keyboard.press(' ');
  await waitFor(() => page.evaluate(() => document.querySelector('audio').paused), 'space to pause');
  await page.keyboard.press(' ');
  await waitFor(() => page.evaluate(() => !document.querySelector('audio').paused), 'space to play');

  // Like it; the like is still there after a reload.
  await page.getByRole('button', { name: 'Like: Yellow Submarine', exact: true }).click();
  await page.getByRole('button', { name: 'Unlike: Yellow Submarine', exact: true }).waitFor();
  await page.reload();
  await page.getByRole('button', { name: 'Unlike: Yellow Submarine', exact: true }).waitFor();
  // Details people read: the length, "1 like" (not "1 likes"), when it came, exactly on hover.
  assert.equal(await page.locator('.like-count').textContent(), '1 like');
  assert.match(await page.locator('.song-length').textContent(), /^\d+:\d\d$/);
  const uploaded = page.locator('.song-figures time');
  assert.match(await uploaded.textContent(), /^uploaded (just now|\d+ minutes? ago)$/);
  assert.match(await uploaded.getAttribute('title'), /\d{4}/);
  // No poster was uploaded: the page shows the artwork Ampli generates, not a grey box.
  await waitFor(() => page.evaluate(() => document.querySelector('img.poster')?.complete && document.querySelector('img.poster').naturalWidth > 100), 'the generated artwork');
  assert.match(await page.locator('img.poster').getAttribute('srcset'), /artwork\?size=small 128w, .*artwork\?size=large 512w/);
  await screenshots(page, 'song');

  // The now-playing page, opened from the player bar while the song plays: a screen reader
  // heard what started, and the waveform is drawn from the peaks the server measured when it
  // transcoded the song: loud for its first three seconds, a tenth as loud after.
  await page.getByRole('button', { name: '▶ Play' }).click();
  await waitFor(() => page.evaluate(() => document.querySelector('audio')?.currentTime > 0.3), 'the song to play again', 30);
  assert.equal(await page.locator('.player [aria-live="polite"]').textContent(), 'Now playing: Yellow Submarine by Ada Upload');
  await waitFor(async () => (await fetch(`${base}/api/v1/songs/${yellow}/peaks`)).ok, 'the waveform to be measured', 60);
  await page.locator('.player').getByRole('link', { name: 'Now playing' }).click();
  await page.getByRole('heading', { name: 'Yellow Submarine', level: 1 }).waitFor();
  await page.locator('canvas.waveform[data-peaks="ready"]').waitFor();
  const [loudBar, quietBar] = await page.evaluate(() => {
    const canvas = document.querySelector('canvas.waveform');
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    const drawn = (x) => { let rows = 0; for (let y = 0; y < canvas.height; y++) if (data[(y * canvas.width + x) * 4 + 3] > 0) rows += 1; return rows; };
    return [drawn(Math.round(canvas.width * 0.25)), drawn(Math.round(canvas.width * 0.75))];
  });
  assert.ok(loudBar > 4 * quietBar, `the loud part's bar (${loudBar} px) stands well above the quiet part's (${quietBar} px)`);
  // The waveform is a slider: End seeks to the end, Home back to the start, an arrow 5 s on.
  const position = () => page.evaluate(() => document.querySelector('audio').currentTime);
  await page.getByRole('slider', { name: 'Position in Yellow Submarine' }).focus();
  await page.keyboard.press('End');
  assert.ok(await position() > 4, 'End');
  await page.keyboard.press('Home');
  assert.ok(await position() < 1, 'Home');
  await page.keyboard.press('ArrowRight');
  assert.ok(await position() >= 4.5, 'ArrowRight');
  await page.keyboard.press('Home');
  await screenshots(page, 'now-playing');
  // `?` lists the keyboard shortcuts; Escape closes the list.
  await page.locator('h1').click();
  await page.keyboard.press('?');
  const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await sheet.waitFor();
  await accessible(page, 'the shortcut sheet');
  await page.keyboard.press('Escape');
  await sheet.waitFor({ state: 'hidden' });
  await page.evaluate(() => document.querySelector('audio').pause());

  // A new playlist with both songs, then reordered from the keyboard's buttons.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Library' }).click();
  await page.getByLabel('New playlist').fill('Road trip');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.getByRole('link', { name: 'Road trip' }).waitFor();
  for (const [id, title] of [[yellow, 'Yellow Submarine'], [blue, 'Blue Monday']]) {
    await page.goto(`${base}/songs/${id}`);
    const select = page.getByLabel(`Add ${title} to a playlist`);
    await select.focus();
    await waitFor(async () => (await select.locator('option').count()) > 1, 'the playlists to load');
    await select.selectOption({ label: 'Road trip' });
    await page.getByText('Added.').waitFor();
  }
  await page.goto(`${base}/library`);
  await page.getByRole('link', { name: 'Road trip' }).click();
  const order = () => page.locator('.playlist-items .song-title').allTextContents();
  await waitFor(async () => JSON.stringify(await order()) === JSON.stringify(['Yellow Submarine', 'Blue Monday']), 'the playlist');
  await page.getByRole('button', { name: 'Move Yellow Submarine down' }).click();
  await waitFor(async () => JSON.stringify(await order()) === JSON.stringify(['Blue Monday', 'Yellow Submarine']), 'the new order');
  // Each row says how long its song is, and the playlist its total.
  assert.equal(await page.locator('.playlist-items .track-length').count(), 2);
  assert.match(await page.locator('.playlist-length').textContent(), /^2 songs · \d+ (s|min)$/);
  await screenshots(page, 'playlist');

  // Found by a misspelled search, as you type; `/` opens the search from anywhere.
  await page.locator('h1').click();
  await page.keyboard.press('/');
  await page.waitForURL(`${base}/search`);
  await page.getByRole('searchbox').fill('yelow submarin');
  await page.locator('.results').getByRole('link', { name: 'Yellow Submarine' }).waitFor();
  await screenshots(page, 'search');

  await page.goto(`${base}/library`);
  await page.getByRole('heading', { name: 'Your library' }).waitFor();
  await page.getByRole('heading', { name: 'Liked songs' }).waitFor();
  await screenshots(page, 'library');
  await page.goto(`${base}/settings`);
  await page.getByRole('heading', { name: 'Signed-in devices' }).waitFor();
  await page.getByText('(this browser)').waitFor();
  await screenshots(page, 'settings');
  // A new name shows in the header at once; a bad password change says why beside the form.
  await page.getByLabel('Name').fill('Ada Upload');
  await page.locator('form', { hasText: 'Profile' }).getByRole('button', { name: 'Save' }).click();
  await page.locator('form', { hasText: 'Profile' }).getByText('Saved.').waitFor();
  await page.getByLabel('Current password').fill('not my password at all');
  await page.getByLabel('New password').fill('another long password here');
  await page.getByRole('button', { name: 'Change the password' }).click();
  await page.locator('form', { hasText: 'Change the password' }).locator('[role=alert]:not(:empty)').first().waitFor();
  // An app password for a Subsonic app: shown once with what to type, works on /rest, and
  // stops working when revoked.
  await page.getByLabel('What it is for').fill('Phone (Symfonium)');
  await page.getByRole('button', { name: 'Make an app password' }).click();
  const appPassword = await page.locator('.new-app-password').textContent();
  assert.match(appPassword, /^[A-Za-z0-9]{24}$/);
  await page.locator('.app-credentials').getByText('ada@e2e.test').waitFor();
  await page.locator('.app-credentials').getByText(base).waitFor();
  const subsonicPing = async () => (await (await fetch(`${base}/rest/ping?f=json&v=1.16.1&c=e2e&u=ada%40e2e.test&p=${appPassword}`)).json())['subsonic-response'];
  assert.equal((await subsonicPing()).status, 'ok');
  await page.locator('.app-passwords').getByText('Phone (Symfonium)').waitFor();
  await screenshots(page, 'settings-app-password');
  await page.getByRole('button', { name: 'Revoke Phone (Symfonium)' }).click();
  await page.locator('.app-passwords').getByText('No app passwords yet.').waitFor();
  assert.equal((await subsonicPing()).error.code, 40);
  await page.goto(`${base}/upload`);
  await screenshots(page, 'upload');

  const uploader = await (async () => {
    await page.goto(`${base}/songs/${yellow}`);
    const href = await page.getByRole('link', { name: 'Ada Upload' }).first().getAttribute('href');
    return href.split('/').pop();
  })();
  await page.locator('#account').getByRole('button', { name: 'Sign out' }).click();
  await page.locator('#account').getByRole('link', { name: 'Sign in' }).waitFor();
  assert.deepEqual(page.problems, []);

  // A second listener follows the uploader.
  const second = await newPage(390, 844);
  await signUpAndIn(second, 'Bo Listener', 'bo@e2e.test');
  await second.goto(`${base}/users/${uploader}`);
  await second.getByRole('heading', { name: 'Ada Upload' }).waitFor();
  await second.getByRole('button', { name: 'Follow', exact: true }).click();
  await second.getByRole('button', { name: 'Unfollow', exact: true }).waitFor();
  await second.reload();
  await second.getByRole('button', { name: 'Unfollow', exact: true }).waitFor();
  assert.equal(await second.locator('.stats li').first().textContent(), '1 follower');
  await screenshots(second, 'profile');
  await second.locator('#account').getByRole('button', { name: 'Sign out' }).click();
  await second.locator('#account').getByRole('link', { name: 'Sign in' }).waitFor();

  // Forgotten password: the mailed link opens the app's reset page; the new one signs in.
  await second.goto(`${base}/forgot-password`);
  await second.getByLabel('Email').fill('bo@e2e.test');
  await second.getByRole('button', { name: 'Send the link' }).click();
  await second.getByText('a link is on its way').waitFor();
  const reset = await waitFor(async () => mailLink('bo@e2e.test', 'Reset'), 'the reset mail');
  await second.goto(reset);
  await second.getByLabel('New password').waitFor();
  await screenshots(second, 'reset-password');
  await second.getByLabel('New password').fill('a brand new river of sound');
  await second.getByRole('button', { name: 'Save the password' }).click();
  await second.waitForURL(`${base}/sign-in`);
  await second.getByLabel('Email').fill('bo@e2e.test');
  await second.getByLabel('Password').fill('a brand new river of sound');
  await second.locator('form').getByRole('button', { name: 'Sign in' }).click();
  await second.locator('#account').getByRole('link', { name: 'Settings' }).waitFor();
  assert.deepEqual(second.problems, []);
});

test('an album uploaded as several files at once plays in track order with synced lyrics', async () => {
  const page = await newPage();
  await signUpAndIn(page, 'Cy Waves', 'cy@e2e.test');

  // Normalise by track: the first track's ReplayGain of -6.02 dB halves its volume.
  await page.goto(`${base}/settings`);
  await page.getByLabel('Normalise volume').selectOption('track');
  await page.locator('section', { hasText: 'Playback' }).getByText('Saved.').waitFor();

  const album = { album: 'Sunrise Tapes', album_artist: 'Cy Waves', artist: 'Cy Waves', genre: 'Ambient', date: '2024' };
  const dir = mkdtempSync(join(tmpdir(), 'ampli-e2e-album-'));
  // Named so that the files' order is not the tracks' order.
  const files = [
    tagged(dir, 'a-evening.flac', 12, 330, { ...album, title: 'Evening Glow', track: '3/3' }),
    tagged(dir, 'b-morning.flac', 12, 440, { ...album, title: 'Morning Light', track: '1/3',
      REPLAYGAIN_TRACK_GAIN: '-6.02 dB', REPLAYGAIN_TRACK_PEAK: '0.5',
      lyrics: '[00:00.50]Wake up slow\n[00:04.00]The sun is low\n[00:08.00]Let it glow' }),
    tagged(dir, 'c-noon.flac', 12, 550, { ...album, title: 'Noon Haze', track: '2/3' }),
  ];
  writeFileSync(join(dir, 'd-broken.mp3'), 'this is not audio at all');
  files.push(join(dir, 'd-broken.mp3'));

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Upload' }).click();
  await page.getByLabel(/^Audio files/).setInputFiles(files);
  await page.getByText('4 audio files chosen.').waitFor();
  await page.getByRole('button', { name: 'Upload', exact: true }).click();
  await page.getByText('3 of 4 uploaded; 1 failed (see above).').waitFor({ timeout: 60000 });
  // The broken file says why, beside its name; the others are in place.
  const broken = page.locator('.upload-file', { hasText: 'd-broken.mp3' });
  assert.equal(await broken.getAttribute('data-state'), 'failed');
  assert.match(await broken.locator('.upload-outcome').textContent(), /^Failed: \S/);
  assert.equal(await page.locator('.upload-file[data-state="done"]').count(), 3);
  // The album as its files landed, in track order although sent out of it.
  await page.locator('.album-tracks-landing li').nth(2).waitFor();
  assert.deepEqual(await page.locator('.album-tracks-landing li').allTextContents(),
    ['1. Morning Light', '2. Noon Haze', '3. Evening Glow']);
  await screenshots(page, 'upload-batch');
  rmSync(dir, { recursive: true, force: true });

  // The album page: its tracks in track order, whatever order they were sent in.
  await page.locator('.upload-summary').getByRole('link', { name: 'Sunrise Tapes' }).click();
  await page.getByRole('heading', { name: 'Sunrise Tapes' }).waitFor();
  assert.deepEqual(await page.locator('.tracks .song-title').allTextContents(), ['Morning Light', 'Noon Haze', 'Evening Glow']);
  assert.deepEqual(await page.locator('.tracks .track-number').allTextContents(), ['1', '2', '3']);
  assert.match(await page.locator('.album-length').textContent(), /^0:3\d$/);
  await page.locator('.genres').getByRole('link', { name: 'Ambient' }).waitFor();
  await screenshots(page, 'album');
  // Its owner sets the year.
  await page.getByText('Edit album').click();
  await page.getByLabel('Year').fill('2023');
  await page.getByRole('form', { name: 'Edit the album' }).getByRole('button', { name: 'Save' }).click();
  await page.locator('.figures', { hasText: '2023 · 3 songs' }).waitFor();

  // Play all: the queue is the album in order, the first track plays, its volume normalised.
  await page.getByRole('button', { name: '▶ Play all' }).click();
  await waitFor(() => page.evaluate(() => document.querySelector('audio')?.currentTime > 0.6), 'the album to play', 30);
  assert.equal(await page.locator('.now-title').textContent(), 'Morning Light');
  assert.deepEqual(await page.locator('.queue li').allTextContents(), ['Morning Light', 'Noon Haze', 'Evening Glow']);
  const volume = await page.evaluate(() => document.querySelector('audio').volume);
  assert.ok(Math.abs(volume - 0.5) < 0.01, `normalised volume ${volume}`);

  // Synced lyrics: the line being sung is highlighted; clicking a line seeks to it.
  await page.getByRole('button', { name: 'Lyrics', exact: true }).click();
  const lyrics = page.getByRole('region', { name: 'Lyrics' });
  await lyrics.locator('.lyric-line[aria-current="true"]', { hasText: 'Wake up slow' }).waitFor();
  await lyrics.getByRole('button', { name: 'Let it glow' }).click();
  await lyrics.locator('.lyric-line[aria-current="true"]', { hasText: 'Let it glow' }).waitFor();
  assert.ok(await page.evaluate(() => document.querySelector('audio').currentTime >= 8));
  await screenshots(page, 'lyrics');

  // The now-playing page (the `n` key): the queue is the album; a song moves up (the focus
  // staying on its button), another leaves, the rest is kept as a playlist, then cleared.
  await page.locator('h1').click();
  await page.keyboard.press('n');
  await page.getByRole('heading', { name: 'Morning Light', level: 1 }).waitFor();
  const queued = () => page.locator('.np-queue .song-title').allTextContents();
  assert.deepEqual(await queued(), ['Morning Light', 'Noon Haze', 'Evening Glow']);
  await page.getByRole('button', { name: 'Move Evening Glow up' }).click();
  await waitFor(async () => JSON.stringify(await queued()) === JSON.stringify(['Morning Light', 'Evening Glow', 'Noon Haze']), 'the moved song');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Move Evening Glow up');
  await page.getByRole('button', { name: 'Remove Noon Haze from the queue' }).click();
  await waitFor(async () => JSON.stringify(await queued()) === JSON.stringify(['Morning Light', 'Evening Glow']), 'the removed song');
  assert.deepEqual(await page.locator('.player .queue li').allTextContents(), ['Morning Light', 'Evening Glow']);
  // Its synced lyrics follow the song here too.
  await page.locator('.np-lyrics .lyric-line[aria-current="true"]').waitFor();
  await page.getByLabel('Save the queue as a playlist').fill('Sunrise queue');
  await page.locator('.np-save').getByRole('button', { name: 'Save' }).click();
  await page.getByText('Saved 2 songs as Sunrise queue.').waitFor();
  await screenshots(page, 'now-playing-queue');
  await page.getByRole('link', { name: 'Sunrise queue' }).click();
  await waitFor(async () => JSON.stringify(await page.locator('.playlist-items .song-title').allTextContents()) === JSON.stringify(['Morning Light', 'Evening Glow']), 'the saved playlist');
  await page.keyboard.press('n');
  await page.getByRole('button', { name: 'Clear the queue' }).click();
  await waitFor(async () => JSON.stringify(await queued()) === JSON.stringify(['Morning Light']), 'the cleared queue');
  await page.evaluate(() => document.querySelector('audio').pause());

  // Browsing: the album is on the albums page, in its genre, and on its artist's page.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Albums' }).click();
  await page.getByRole('heading', { name: 'Albums', exact: true }).waitFor();
  await page.getByLabel('Genre').selectOption('Ambient');
  await page.waitForURL(/\/albums\?sort=newest&genre=Ambient$/);
  await page.locator('.albums').getByRole('link', { name: 'Sunrise Tapes' }).waitFor();
  await screenshots(page, 'albums');
  await page.locator('.albums').getByRole('link', { name: 'Cy Waves' }).click();
  await page.getByRole('heading', { name: 'Cy Waves' }).waitFor();
  await page.getByRole('heading', { name: 'Albums' }).waitFor();
  await screenshots(page, 'artist');
  // A song row links its album.
  await page.locator('.songs .song-album', { hasText: 'Sunrise Tapes' }).first().waitFor();
  assert.deepEqual(page.problems, []);

  // Shared from a Subsonic app: the link plays the album for someone with no account.
  const albumId = await page.evaluate(async () => {
    const { api } = await import('/assets/js/api.js');
    return (await api('GET', '/albums?sort=newest')).items.find((a) => a.title === 'Sunrise Tapes').id;
  });
  const appPassword = await page.evaluate(async () => {
    const { api } = await import('/assets/js/api.js');
    return (await api('POST', '/me/app-passwords', { name: 'e2e' })).password;
  });
  const made = await (await fetch(`${base}/rest/createShare?f=json&v=1.16.1&c=e2e&u=cy%40e2e.test&p=${appPassword}&id=al-${albumId}&description=Listen`)).json();
  const shareUrl = made['subsonic-response'].shares.share[0].url;
  const stranger = await newPage(390, 844);
  await stranger.goto(shareUrl);
  await stranger.getByRole('heading', { name: 'Sunrise Tapes' }).waitFor();
  await stranger.getByText('Listen').waitFor();
  assert.deepEqual(await stranger.locator('.shared-songs strong').allTextContents(), ['Morning Light', 'Noon Haze', 'Evening Glow']);
  await stranger.evaluate(() => document.querySelector('.shared-songs audio').play());
  await waitFor(() => stranger.evaluate(() => document.querySelector('.shared-songs audio').currentTime > 0.3), 'the shared song to play', 30);
  await screenshots(stranger, 'share');
  assert.deepEqual(stranger.problems, []);
});

test('a long list pages in as it scrolls', async () => {
  const page = await newPage(390, 844);
  await signUpAndIn(page, 'Di Scroll', 'di@e2e.test');
  // 21 songs heard: one more than the first page of "Recently played" holds.
  const heard = await page.evaluate(async (bytes) => {
    const { api } = await import('/assets/js/api.js');
    const ids = [];
    for (let i = 0; i < 21; i++) {
      const form = new FormData();
      form.append('title', `Scroll ${String(i).padStart(2, '0')}`);
      form.append('file', new Blob([new Uint8Array(bytes)], { type: 'audio/wav' }), `scroll-${i}.wav`);
      const song = await api('POST', '/songs', form);
      await api('PUT', `/me/history/${song.id}`, { progress: 0 });
      ids.push(song.id);
    }
    return ids.length;
  }, [...wav(1, 500)]);
  assert.equal(heard, 21);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Library' }).click();
  // Navigation moves the focus to the new page.
  await page.getByRole('heading', { name: 'Recently played' }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'view');
  const history = page.locator('section.block', { hasText: 'Recently played' }).locator('.paged');
  assert.equal(await history.getAttribute('data-loaded'), '20');
  await history.locator('.more').scrollIntoViewIfNeeded();
  await waitFor(async () => (await history.getAttribute('data-loaded')) === '21', 'the next page to scroll in');
  assert.equal(await history.locator('.song').count(), 21);
  assert.deepEqual(page.problems, []);
});

test('the first page is usable quickly on a throttled phone', async () => {
  // Three first visits (nothing cached), each in a fresh context; the median is printed.
  const runs = [];
  for (let run = 0; run < 3; run++) {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const page = await context.newPage();
    // Chromium's own throttling: a mid-range phone's CPU (4× slower) on a slow 4G connection.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8 });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    const started = Date.now();
    await page.goto(base, { waitUntil: 'commit' });
    await page.getByRole('heading', { name: 'Listen to everything' }).waitFor();
    await page.getByRole('link', { name: 'Sign up' }).waitFor();
    const usable = Date.now() - started;
    const bytes = await page.evaluate(() => performance.getEntriesByType('resource').reduce((sum, entry) => sum + entry.transferSize, 0)
      + performance.getEntriesByType('navigation')[0].transferSize);
    runs.push({ usable, bytes });
    await context.close();
  }
  const median = runs.map((r) => r.usable).sort((a, b) => a - b)[1];
  console.log(`first page usable after ${median} ms (median of ${runs.map((r) => r.usable).join(', ')} ms) on a throttled phone `
    + `(4x slower CPU, 1.6 Mbps, 150 ms round trips), ${Math.round(runs[0].bytes / 1024)} KiB moved`);
});

// Last: it stops the server.
test('the installed app opens offline from its cached shell and says it is offline', async () => {
  const manifest = await (await fetch(`${base}/assets/manifest.webmanifest`)).json();
  assert.equal(manifest.start_url, '/');
  assert.equal(manifest.display, 'standalone');
  const page = await newPage(390, 844);
  await page.goto(base);
  await page.getByRole('heading', { name: 'Listen to everything' }).waitFor();
  await waitFor(() => page.evaluate(async () => Boolean(navigator.serviceWorker.controller)
    && (await caches.keys()).some((name) => name.startsWith('ampli-shell-'))), 'the service worker to keep the shell');
  const cached = await page.evaluate(async () => {
    const cache = await caches.open((await caches.keys()).find((name) => name.startsWith('ampli-shell-')));
    return (await cache.keys()).map((request) => new URL(request.url).pathname);
  });
  assert.ok(cached.includes('/') && cached.includes('/assets/js/app.js'), cached.join(' '));
  assert.ok(cached.every((path) => path === '/' || path.startsWith('/assets/')), `nothing but the shell is kept: ${cached.join(' ')}`);

  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  await page.reload();
  await page.getByRole('heading', { name: 'You are offline' }).waitFor();
  await page.getByText('You are offline: what needs Ampli waits for the connection.').waitFor();
  await screenshots(page, 'offline');
  // Another page of the shell opens too, and says what it cannot show.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Albums' }).click();
  await page.getByRole('heading', { name: 'Albums', exact: true }).waitFor();
  await page.getByText('Ampli cannot be reached: you may be offline.').waitFor();
  assert.ok(await page.locator('.offline').isVisible());
  assert.deepEqual(page.problems, []);
});
