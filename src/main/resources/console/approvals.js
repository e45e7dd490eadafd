import {api, query, hasRole, currentSession} from './api.js';
import {h, errorBox, pretty, table} from './dom.js';
import {canonical, sha256, hex} from './verify.js';

async function digestMatches(approval) {
  const computed = 'sha256:' + hex(await sha256(new TextEncoder().encode(canonical(approval.parameters))));
  return computed === approval.parameters_digest;
}

function keyLink(id) {
  return id ? h('a', {href: '#/key/' + encodeURIComponent(id)}, id) : '(new key)';
}

async function pendingCard(a, refresh) {
  const result = h('div', {class: 'result'});
  const matches = await digestMatches(a);
  const mayApprove = hasRole('approver') && a.requested_by !== currentSession().spiffe_id;
  const approve = h('button', {type: 'button', class: 'approve', 'data-approval': a.approval_id, disabled: !mayApprove,
    onclick: async () => {
      approve.disabled = true;
      try {
        const granted = await api('POST', '/approvals/' + a.approval_id + '/approve');
        result.replaceChildren(h('div', {class: 'ok'},
          h('p', {}, 'Approved. Give this single-use token to the requester ', h('code', {}, granted.requested_by),
            '; it expires at ' + granted.expires_at + ' and is shown only now.'),
          h('textarea', {class: 'token', readonly: true, rows: 4}, granted.approval_token)));
      } catch (e) {
        result.replaceChildren(errorBox(e));
        approve.disabled = false;
      }
    }}, 'Approve');
  return h('article', {class: 'card approval', 'data-approval': a.approval_id},
    h('h3', {}, a.operation, ' on ', keyLink(a.key_id)),
    h('dl', {class: 'facts'},
      h('dt', {}, 'Tenant'), h('dd', {}, a.tenant_id),
      h('dt', {}, 'Requested by'), h('dd', {}, a.requested_by),
      h('dt', {}, 'Requested'), h('dd', {}, a.created_at + ' (open until ' + a.expires_at + ')'),
      h('dt', {}, 'Parameters digest'), h('dd', {}, h('code', {}, a.parameters_digest), ' ',
        h('span', {class: matches ? 'badge ok' : 'badge bad'}, matches ? 'matches the parameters (checked here)'
          : 'DOES NOT match the parameters'))),
    h('p', {}, 'Parameters in full:'), pretty(a.parameters),
    h('p', {}, approve, mayApprove ? '' : h('span', {class: 'muted'}, hasRole('approver')
      ? ' You requested this: a second person must approve.' : ' Approving needs the approver role.')),
    result);
}

function statusOf(a) {
  if (a.status === 'approved') {
    return 'approved: token valid until ' + a.token_expires_at;
  }
  if (a.status === 'consumed') {
    return 'consumed at ' + a.consumed_at;
  }
  return a.status;
}

function historyTable(list, id) {
  return table(['Approval', 'Operation', 'Key', 'Tenant', 'Requested by', 'Approved by', 'Status'],
    list.map((a) => h('tr', {'data-approval': a.approval_id}, h('td', {}, h('code', {}, a.approval_id.slice(0, 13) + '…')),
      h('td', {}, a.operation), h('td', {}, keyLink(a.key_id)), h('td', {}, a.tenant_id), h('td', {}, a.requested_by),
      h('td', {}, a.approved_by || '—'), h('td', {class: 'status-' + a.status}, statusOf(a)))), {id});
}

export async function approvalsPage() {
  const section = h('section', {id: 'approvals-page'});
  try {
    const [pending, history, mine] = await Promise.all([
      api('GET', '/approvals' + query({status: 'pending', limit: 50})),
      api('GET', '/approvals' + query({status: 'approved,consumed,expired', limit: 50})),
      api('GET', '/approvals' + query({mine: 'true', limit: 50})),
    ]);
    const cards = await Promise.all(pending.approvals.map((a) => pendingCard(a)));
    section.append(
      h('h1', {}, 'Approvals'),
      h('h2', {}, 'Waiting for approval (' + pending.approvals.length + ')'),
      cards.length ? h('div', {id: 'pending'}, cards) : h('p', {id: 'pending', class: 'muted'}, 'Nothing waits for approval.'),
      h('h2', {}, 'My requests'),
      mine.approvals.length ? historyTable(mine.approvals, 'mine') : h('p', {id: 'mine', class: 'muted'}, 'You have made no requests.'),
      h('h2', {}, 'History: approved, consumed, expired'),
      history.approvals.length ? historyTable(history.approvals, 'history') : h('p', {class: 'muted'}, 'No history yet.'));
  } catch (e) {
    if (e.status === 401) {
      throw e;
    }
    section.append(h('h1', {}, 'Approvals'), errorBox(e));
  }
  return section;
}
