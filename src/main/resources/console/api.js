// The console's only way to the service: the same /kms/v1 API as every client, with the session cookie
// instead of a client certificate, and the session's CSRF token on every state change.
let session = null;

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || ('HTTP ' + status));
    this.status = status;
    this.body = body || {};
  }
  get code() { return this.body.code; }
  get reason() { return this.body.details && this.body.details.reason; }
}

export async function loadSession() {
  const r = await fetch('/console/session', {credentials: 'same-origin'});
  session = r.ok ? await r.json() : null;
  return session;
}

export function currentSession() { return session; }

export function hasRole(role) { return !!session && session.roles.includes(role); }

async function send(method, url, body) {
  const headers = {'Accept': 'application/json'};
  if (method !== 'GET') {
    headers['X-CSRF-Token'] = session ? session.csrf_token : '';
    headers['Content-Type'] = 'application/json';
  }
  const r = await fetch(url, {method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body)});
  if (r.status === 401) {
    window.dispatchEvent(new CustomEvent('kms-signed-out'));
  }
  return r;
}

export async function api(method, path, body) {
  const r = await send(method, '/kms/v1' + path, body);
  const text = await r.text();
  const json = text ? JSON.parse(text) : null;
  if (!r.ok) {
    throw new ApiError(r.status, json);
  }
  return json;
}

export async function apiText(path) {
  const r = await send('GET', '/kms/v1' + path);
  if (!r.ok) {
    throw new ApiError(r.status, null);
  }
  return r.text();
}

export async function apiBytes(path) {
  const r = await send('GET', '/kms/v1' + path);
  if (!r.ok) {
    throw new ApiError(r.status, await r.json().catch(() => null));
  }
  return {bytes: new Uint8Array(await r.arrayBuffer()), headers: r.headers};
}

export async function logout() {
  await send('POST', '/console/logout');
  session = null;
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') {
      q.set(k, v);
    }
  }
  const s = q.toString();
  return s ? '?' + s : '';
}
