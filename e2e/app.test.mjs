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
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const targetDir = process.env.CARGO_TARGET_DIR || join(root, 'target');
const binary = process.env.AMPLI_BIN || join(targetDir, 'debug', 'ampli');
const shots = join(root, 'target', 'e2e-screenshots');
const chromiumPath = process.env.AMPLI_CHROMIUM || '/usr/bin/chromium';
const PASSWORD = 'a long and quiet river';

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

/** A WAV file of a few seconds of a sine tone: a song the test composes itself. */
function wav(seconds, frequency) {
  const rate = 22050;
  const samples = rate * seconds;
  const buffer = Buffer.alloc(44 + samples * 2);
  buffer.write('RIFF', 0); buffer.writeUInt32LE(36 + samples * 2, 4); buffer.write('WAVE', 8);
  buffer.write('fmt ', 12); buffer.writeUInt32LE(16, 16); buffer.writeUInt16LE(1, 20); buffer.writeUInt16LE(1, 22);
  buffer.writeUInt32LE(rate, 24); buffer.writeUInt32LE(rate * 2, 28); buffer.writeUInt16LE(2, 32); buffer.writeUInt16LE(16, 34);
  buffer.write('data', 36); buffer.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) buffer.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * frequency * i) / rate)), 44 + i * 2);
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
  if (server) {
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

async function signUpAndIn(page, name, email) {
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
  await page.goto(`${base}/sign-in`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.locator('form').getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#account').getByRole('link', { name: 'Settings' }).waitFor();
}

async function upload(page, title, frequency) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Upload' }).click();
  await page.getByLabel(/^Audio file/).setInputFiles({ name: `${title}.wav`, mimeType: 'audio/wav', buffer: wav(6, frequency) });
  await page.getByLabel(/^Title/).fill(title);
  await page.getByRole('button', { name: 'Upload', exact: true }).click();
  await page.waitForURL(/\/songs\/[\w-]+\/edit$/);
  return page.url().match(/\/songs\/([\w-]+)\/edit$/)[1];
}

/** The page as it is, at desktop and phone widths, in the light and the dark theme (set on
 * <html> for the picture only; the visitor's own choice is put back). */
async function screenshots(page, name) {
  const chosen = await page.evaluate(() => document.documentElement.dataset.theme);
  const size = page.viewportSize();
  for (const theme of ['light', 'dark']) {
    await page.evaluate((t) => { document.documentElement.dataset.theme = t; }, theme);
    await page.setViewportSize(size);
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

  await signUpAndIn(page, 'Ada Upload', 'ada@e2e.test');
  // The refresh token is an HttpOnly cookie: no script on the page can read it.
  assert.equal(await page.evaluate(() => document.cookie), '');

  const yellow = await upload(page, 'Yellow Submarine', 440);
  await page.getByLabel('Title').waitFor();
  await screenshots(page, 'edit-song');
  const blue = await upload(page, 'Blue Monday', 330);

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

  // Found by a misspelled search, as you type.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Search' }).click();
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
