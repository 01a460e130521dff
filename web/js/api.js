// Talking to Ampli's API. The access token lives only in this module's memory; the refresh
// token is an HttpOnly cookie the browser sends to /api/v1/auth/web/* and no script can read.

let accessToken = null;
let currentUser = null;
const listeners = new Set();

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.detail || body?.title || `The server answered ${status}.`);
    this.status = status;
    this.code = body?.code || 'error';
    this.errors = body?.errors || [];
  }
}

export function user() {
  return currentUser;
}

export function onUserChange(listener) {
  listeners.add(listener);
}

/** Whether this browser was signed in when last seen: a hint (not the session itself, which
 * is the HttpOnly cookie) that lets a first-time visitor's page skip waiting for a refresh. */
export function hadSession() {
  return localStorage.getItem('ampli.session') === '1';
}

function setSession(body) {
  accessToken = body ? body.accessToken : null;
  currentUser = body ? body.user : null;
  if (body) localStorage.setItem('ampli.session', '1'); else localStorage.removeItem('ampli.session');
  for (const listener of listeners) listener(currentUser);
}

let unreachable = false;
/** fetch, telling the page (events `ampli:offline` and `ampli:online` on window) when Ampli
 * stops and starts answering: the app shell still opens offline (sw.js), its data does not.
 * A network failure becomes an ApiError with status 0. */
async function reach(url, options) {
  let response;
  try {
    response = await fetch(url, options);
  } catch {
    if (!unreachable) { unreachable = true; window.dispatchEvent(new Event('ampli:offline')); }
    throw new ApiError(0, { detail: 'Ampli cannot be reached: you may be offline.' });
  }
  if (unreachable) { unreachable = false; window.dispatchEvent(new Event('ampli:online')); }
  return response;
}

async function web(path, body) {
  const response = await reach(`/api/v1/auth/web/${path}`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: {
      'X-Ampli-Web': '1',
      ...(body ? { 'Content-Type': 'application/json' } : {}),
      ...(accessToken ? { Authorization: `Bearer ${accessToken}` } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

let refreshing = null;
/** A new access token from the cookie; false when this browser is not signed in. */
export function refresh() {
  refreshing ||= web('refresh')
    .then((body) => { setSession(body); return true; })
    .catch(() => { setSession(null); return false; })
    .finally(() => { refreshing = null; });
  return refreshing;
}

export async function signIn(email, password) {
  setSession(await web('login', { email, password, deviceName: 'Web browser' }));
}

export async function signOut() {
  try { await web('logout'); } finally { setSession(null); }
}

export function forgetSession() {
  setSession(null);
}

export function updateUser(next) {
  currentUser = next;
  for (const listener of listeners) listener(currentUser);
}

/** One API call; JSON in and out. Retries once after refreshing an expired access token. */
export async function api(method, path, body, { raw = false } = {}) {
  for (let attempt = 0; attempt < 2; attempt++) {
    const headers = {};
    if (accessToken) headers.Authorization = `Bearer ${accessToken}`;
    let payload;
    if (body instanceof FormData || body instanceof Blob) {
      payload = body;
      if (body instanceof Blob) headers['Content-Type'] = body.type || 'application/octet-stream';
    } else if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const response = await reach(`/api/v1${path}`, { method, headers, body: payload });
    if (response.status === 401 && accessToken && attempt === 0 && (await refresh())) continue;
    if (raw) return response;
    const data = response.status === 204 ? null : await response.json().catch(() => null);
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  }
  throw new ApiError(401, { detail: 'Sign in to do this.' });
}

export const get = (path) => api('GET', path);

/** A multipart upload with progress (fetch cannot report upload progress). Like `api`, it
 * refreshes an expired access token once and sends the form again: a long batch of uploads
 * can outlive one token. */
export function upload(path, form, onProgress) {
  const send = () => new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', `/api/v1${path}`);
    if (accessToken) request.setRequestHeader('Authorization', `Bearer ${accessToken}`);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      let data = null;
      try { data = JSON.parse(request.responseText); } catch { /* not JSON */ }
      if (request.status >= 200 && request.status < 300) resolve(data);
      else reject(new ApiError(request.status, data));
    };
    request.onerror = () => reject(new ApiError(0, { detail: 'The upload was interrupted.' }));
    request.send(form);
  });
  return send().catch(async (error) => {
    if (error.status === 401 && accessToken && (await refresh())) {
      onProgress(0);
      return send();
    }
    throw error;
  });
}
