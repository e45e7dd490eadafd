import {api, query} from './api.js';
import {h, errorBox, pretty, table, input, select, formValues} from './dom.js';
import {verifyReceipt, verifyTreeHead, verifyConsistency, fromHex} from './verify.js';

const SEEN = 'kms-console-tree-heads';

/** Tree heads this browser has verified, by size: the earlier views a consistency check holds the log to. */
function seenHeads() {
  try {
    return JSON.parse(localStorage.getItem(SEEN) || '{}');
  } catch (e) {
    return {};
  }
}

function remember(sth) {
  const heads = seenHeads();
  heads[sth.tree_size] = sth;
  localStorage.setItem(SEEN, JSON.stringify(heads));
}

function receiptRow(r) {
  const x = r.receipt;
  return h('tr', {class: 'receipt-row', 'data-receipt': x.receipt_id},
    h('td', {}, String(r.log_index)), h('td', {}, x.ts), h('td', {}, x.operation),
    h('td', {}, x.kms_context.key_id || ''), h('td', {class: x.kms_context.success ? 'ok' : 'bad'},
      x.kms_context.success ? 'yes' : 'no (' + x.kms_context.error_code + ')'),
    h('td', {}, x.caller.spiffe_id + (x.caller.via ? ' via ' + x.caller.via : '')),
    h('td', {}, h('a', {href: '#/receipt/' + x.receipt_id}, 'open & verify')));
}

export async function auditPage(_, params) {
  const f = {key_id: params.get('key_id') || '', operation: params.get('operation') || '', from: params.get('from') || '',
    to: params.get('to') || '', success: params.get('success') || '', tenant_id: params.get('tenant_id') || ''};
  const form = h('form', {id: 'receipt-search', class: 'filters', onsubmit: (ev) => {
    ev.preventDefault();
    location.hash = '#/audit' + query(formValues(form));
  }},
  input('tenant_id', f.tenant_id, 'Tenant'), input('key_id', f.key_id, 'Key id'), input('operation', f.operation, 'Operation'),
  input('from', f.from, 'From (ISO-8601)'), input('to', f.to, 'To'),
  select('success', ['', 'true', 'false'], f.success, 'Success'), h('button', {type: 'submit'}, 'Search'));
  const section = h('section', {id: 'audit-page'}, h('h1', {}, 'Audit'), form);
  try {
    const page = await api('GET', '/audit/receipts' + query({tenant_id: f.tenant_id, key_id: f.key_id,
      operation: f.operation, from: f.from, to: f.to, success: f.success, cursor: params.get('cursor'), limit: 200}));
    const shown = page.receipts;
    section.append(
      h('p', {class: 'muted', id: 'receipt-count'}, shown.length + ' receipts'
        + (page.sealed_up_to ? '; receipts below log index ' + page.sealed_up_to.log_index + ' are sealed in archives' : '')),
      table(['Log index', 'Time', 'Operation', 'Key', 'Success', 'Caller', ''], shown.map(receiptRow), {id: 'receipts'}),
      h('p', {}, page.next_cursor ? h('a', {class: 'button', href: '#/audit' + query({...f, cursor: page.next_cursor})}, 'Next →') : ''));
  } catch (e) {
    if (e.status === 401) {
      throw e;
    }
    section.append(errorBox(e));
  }
  section.append(await consistencyPanel());
  return section;
}

async function consistencyPanel() {
  const panel = h('div', {id: 'consistency', class: 'card'}, h('h2', {}, 'Tree-head consistency'));
  const latest = await api('GET', '/audit/tree-head');
  const keys = (await api('GET', '/audit/receipt-keys')).keys;
  const heads = seenHeads();
  const sizes = Object.keys(heads).map(Number).filter((s) => s > 0 && s <= latest.tree_size).sort((a, b) => a - b);
  const result = h('div', {id: 'consistency-result'});
  const form = h('form', {class: 'filters', onsubmit: async (ev) => {
    ev.preventDefault();
    const first = Number(formValues(form).first);
    const older = heads[first];
    const checks = [await verifyTreeHead(older, keys), await verifyTreeHead(latest, keys)];
    checks[0].name = 'Tree head ' + first + ' signature';
    checks[1].name = 'Tree head ' + latest.tree_size + ' signature';
    let ok = false;
    try {
      const proof = await api('GET', '/audit/consistency' + query({first, second: latest.tree_size}));
      ok = await verifyConsistency(first, latest.tree_size, fromHex(older.root_hash), fromHex(latest.root_hash),
        proof.hashes.map(fromHex));
      checks.push({name: 'Consistency proof', ok, detail: proof.hashes.length + ' hashes: the tree of size '
        + latest.tree_size + ' ' + (ok ? 'extends' : 'does NOT extend') + ' the tree of size ' + first + ' seen earlier'});
    } catch (e) {
      checks.push({name: 'Consistency proof', ok: false, detail: e.message});
    }
    result.replaceChildren(verdict({ok: checks.every((c) => c.ok), checks}, 'consistency-status'));
    if (checks.every((c) => c.ok)) {
      remember(latest);
    }
  }},
  h('label', {}, 'Earlier tree head seen by this browser', h('select', {name: 'first'},
    sizes.map((s) => h('option', {value: String(s)}, 'size ' + s + ' (' + heads[s].timestamp + ')')))),
  h('span', {}, ' against the latest, size ' + latest.tree_size + ' '), h('button', {type: 'submit', disabled: !sizes.length}, 'Check consistency'));
  panel.append(h('p', {class: 'muted'}, 'Every tree head this browser verifies is remembered here; checking one against'
    + ' the latest proves the log only grew in between (RFC 9162 §2.1.4).'), form, result);
  return panel;
}

function verdict(result, id) {
  return h('div', {class: 'verdict ' + (result.ok ? 'verified' : 'failed')},
    h('p', {id, class: 'big'}, result.ok ? 'VERIFIED' : 'FAILED'),
    h('ul', {class: 'checks'}, result.checks.map((c) => h('li', {class: c.ok ? 'ok' : 'bad'},
      h('strong', {}, (c.ok ? '✓ ' : '✗ ') + c.name + ': '), c.detail))));
}

export async function receiptPage(id) {
  const section = h('section', {id: 'receipt-page'}, h('h1', {}, 'Receipt ', h('code', {}, id)));
  let proof;
  let keys;
  try {
    [proof, keys] = await Promise.all([api('GET', '/receipts/' + encodeURIComponent(id)), api('GET', '/audit/receipt-keys')]);
  } catch (e) {
    if (e.status === 401) {
      throw e;
    }
    section.append(errorBox(e));
    return section;
  }
  let result;
  try {
    result = await verifyReceipt(proof, keys.keys);
  } catch (e) {
    result = {ok: false, checks: [{name: 'Verification', ok: false, detail: String(e.message || e)}]};
  }
  if (result.checks.find((c) => c.name === 'Tree head signature' && c.ok)) {
    remember(proof.signed_tree_head);
  }
  section.append(
    h('h2', {}, 'Checked in this browser'),
    h('p', {class: 'muted'}, 'With WebCrypto (Ed25519, SHA-256) against the published receipt keys — not a verdict from the server.'),
    verdict(result, 'verification-status'),
    h('h2', {}, 'Receipt'), pretty(proof.receipt),
    h('h2', {}, 'Signed tree head'), pretty(proof.signed_tree_head),
    h('h2', {}, 'Inclusion proof'), pretty(proof.inclusion_proof));
  return section;
}
