// Spends the one-time code from the URL fragment (never sent to any server by the browser) for a session cookie.
const status = document.getElementById('status');
const code = decodeURIComponent(location.hash.slice(1));
history.replaceState(null, '', '/console/login.html'); // the code is spent: keep it out of history and bookmarks
if (!code) {
  status.textContent = 'This sign-in link has no code. Run "kms console login" for a new one.';
} else {
  fetch('/console/session', {
    method: 'POST', credentials: 'same-origin',
    headers: {'Content-Type': 'application/json'}, body: JSON.stringify({code}),
  }).then(async (r) => {
    if (r.ok) {
      location.replace('/console/#/approvals');
    } else {
      const body = await r.json().catch(() => ({}));
      status.textContent = 'Sign-in failed: ' + (body.message || r.status);
      status.className = 'error';
    }
  });
}
