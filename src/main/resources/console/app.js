import {loadSession, logout} from './api.js';
import {h} from './dom.js';
import {approvalsPage} from './approvals.js';
import {keysPage, keyPage} from './keys.js';
import {auditPage, receiptPage} from './audit.js';
import {trustPage} from './trust.js';
import {healthPage} from './health.js';

const main = document.getElementById('main');
const routes = {
  approvals: approvalsPage, keys: keysPage, key: keyPage, audit: auditPage, receipt: receiptPage,
  trust: trustPage, health: healthPage,
};

function signedOut(message) {
  document.getElementById('who').textContent = '';
  document.getElementById('logout').hidden = true;
  main.replaceChildren(h('section', {id: 'signed-out'}, h('h1', {}, 'Signed out'),
    h('p', {}, message || 'Your console session has ended (signed out, idle too long or expired).'),
    h('p', {}, 'Sign in again: run ', h('code', {}, 'kms console login --url ' + location.origin),
      ' with your client certificate and open the link it prints.')));
}

async function render() {
  const [, page = 'approvals', ...rest] = location.hash.split('/');
  const [name, q] = page.split('?');
  const view = routes[name] || approvalsPage;
  document.querySelectorAll('#nav a').forEach((a) => a.classList.toggle('active', a.dataset.page === name
    || (name === 'key' && a.dataset.page === 'keys') || (name === 'receipt' && a.dataset.page === 'audit')));
  main.replaceChildren(h('p', {class: 'muted'}, 'Loading…'));
  try {
    const content = await view(decodeURIComponent(rest.join('/')), new URLSearchParams(q || ''));
    main.replaceChildren(content);
  } catch (e) {
    if (e.status === 401) {
      signedOut();
    } else {
      main.replaceChildren(h('div', {class: 'error', role: 'alert'}, String(e.message || e)));
    }
  }
}

async function start() {
  const session = await loadSession();
  if (!session) {
    signedOut('You are not signed in.');
    return;
  }
  document.getElementById('who').textContent = session.spiffe_id
    + (session.roles.length ? ' [' + session.roles.join(', ') + ']' : '');
  const button = document.getElementById('logout');
  button.hidden = false;
  button.addEventListener('click', async () => {
    await logout();
    signedOut('You signed out.');
  });
  window.addEventListener('hashchange', render);
  window.addEventListener('kms-signed-out', () => signedOut());
  render();
}

start();
