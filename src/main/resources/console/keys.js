import {api, query} from './api.js';
import {h, errorBox, pretty, table, dl, select, input, formValues} from './dom.js';

const ENVIRONMENTS = ['', 'dev', 'staging', 'prod'];
const PLANES = ['', 'laptop', 'tenant', 'product', 'shared'];
const TYPES = ['', 'RSA-2048', 'Ed25519', 'AES-256'];
const STATES = ['', 'active', 'pending_rotation', 'archived', 'revoked', 'pending_destruction', 'destroyed'];
const FILTERS = ['tenant_id', 'environment', 'plane', 'key_type', 'key_state', 'alias', 'limit'];

/** #/keys?filters&cursor=…&prev=…: one page of keys; the cursors already passed ride along for "Previous". */
export async function keysPage(_, params) {
  const f = Object.fromEntries(FILTERS.map((k) => [k, params.get(k) || '']));
  const form = h('form', {id: 'key-filters', class: 'filters', onsubmit: (ev) => {
    ev.preventDefault();
    location.hash = '#/keys' + query(formValues(form));
  }},
  input('tenant_id', f.tenant_id, 'Tenant'), select('environment', ENVIRONMENTS, f.environment, 'Environment'),
  select('plane', PLANES, f.plane, 'Plane'), select('key_type', TYPES, f.key_type, 'Type'),
  select('key_state', STATES, f.key_state, 'State'), input('alias', f.alias, 'Alias'),
  select('limit', ['50', '100', '500'], f.limit || '100', 'Per page'),
  h('button', {type: 'submit'}, 'Filter'));
  const section = h('section', {id: 'keys-page'}, h('h1', {}, 'Keys'), form);
  const cursor = params.get('cursor') || '';
  const trail = (params.get('trail') || '').split(',').filter((c) => c);
  let page;
  try {
    page = await api('GET', '/keys' + query({...f, limit: f.limit || 100, cursor}));
  } catch (e) {
    if (e.status === 401) {
      throw e;
    }
    section.append(errorBox(e));
    return section;
  }
  const rows = page.keys.map((k) => h('tr', {class: 'key-row', 'data-key': k.key_id},
    h('td', {}, h('a', {href: '#/key/' + k.key_id}, h('code', {}, k.key_id))), h('td', {}, k.key_alias || ''),
    h('td', {}, k.tenant_id), h('td', {}, k.environment), h('td', {}, k.plane), h('td', {}, k.key_type),
    h('td', {class: 'state-' + k.key_state}, k.key_state), h('td', {}, k.created_at)));
  const base = {...f};
  const prev = trail.length ? h('a', {id: 'prev-page', class: 'button', href: '#/keys' + query({...base,
    cursor: trail[trail.length - 1] === '-' ? '' : trail[trail.length - 1], trail: trail.slice(0, -1).join(',')})}, '← Previous') : null;
  const next = page.next_cursor ? h('a', {id: 'next-page', class: 'button', href: '#/keys' + query({...base,
    cursor: page.next_cursor, trail: [...trail, cursor || '-'].join(',')})}, 'Next →') : null;
  section.append(
    h('p', {class: 'muted', id: 'page-info'}, 'Page ' + (trail.length + 1) + ': ' + page.keys.length + ' keys'
      + (page.next_cursor ? '' : ' (last page)')),
    table(['Key id', 'Alias', 'Tenant', 'Environment', 'Plane', 'Type', 'State', 'Created'], rows, {id: 'keys'}),
    h('p', {class: 'pager'}, prev, ' ', next));
  return section;
}

/** What the approval for an operation binds: the effective parameters (docs/key-lifecycle.md, "Binding"). */
function approvalParameters(operation, body) {
  switch (operation) {
    case 'rotate': case 'emergency_rotate': return {emergency: !!body.emergency};
    case 'revoke': return {reason: body.reason};
    case 'schedule_destruction': return {waiting_period_days: body.waiting_period_days ?? 30};
    case 'cancel_destruction': return {};
    case 'update_policy': return {allowed_modules: body.allowed_modules, requires_approval: body.requires_approval,
      max_usage_per_day: body.max_usage_per_day};
    default: return {};
  }
}

/** One lifecycle action form; a refusal for want of approval offers to request it. */
function action(key, id, title, method, path, fields, toBody) {
  const result = h('div', {class: 'result'});
  const form = h('form', {class: 'action', id, onsubmit: async (ev) => {
    ev.preventDefault();
    const values = formValues(form);
    const body = toBody(values);
    if (values.approval_token) {
      body.approval_token = values.approval_token;
    }
    try {
      const out = await api(method, '/keys/' + key.key_id + path, body);
      const changed = out.key || out;
      result.replaceChildren(h('div', {class: 'ok'}, title + ' done. ',
        out.key ? ['New key: ', h('a', {href: '#/key/' + out.key.key_id, id: 'successor-link'}, out.key.key_id), '. '] : '',
        'Receipt ', h('a', {href: '#/receipt/' + out.receipt_id}, out.receipt_id), '. State now: ' + changed.key_state + '.'));
    } catch (e) {
      result.replaceChildren(errorBox(e));
      if (e.code === 'POLICY_VIOLATION' && e.reason === 'missing_token') {
        const operation = e.body.details.operation;
        const ask = h('button', {type: 'button', class: 'request-approval', onclick: async () => {
          ask.disabled = true;
          try {
            const a = await api('POST', '/approvals', {operation, key_id: key.key_id,
              parameters: approvalParameters(operation, body)});
            result.append(h('div', {class: 'ok'}, 'Approval requested (' + a.approval_id + ', digest '
              + a.parameters_digest + '). When an approver has approved it, paste the token they give you below and submit again.'));
          } catch (e2) {
            result.append(errorBox(e2));
          }
        }}, 'Request approval for ' + operation);
        result.append(h('p', {}, 'This needs a second person (two-person rule). ', ask));
      }
    }
  }},
  h('h3', {}, title), fields,
  h('label', {}, 'Approval token (when required)', h('input', {name: 'approval_token', class: 'approval-token', autocomplete: 'off'})),
  h('button', {type: 'submit'}, title), result);
  return form;
}

function numberOrNull(v) {
  return v === '' || v === undefined ? null : Number(v);
}

async function chain(key) {
  const links = [h('strong', {}, key.key_id)];
  let at = key;
  for (let i = 0; i < 5 && at.predecessor_key_id; i++) {
    links.unshift(h('a', {href: '#/key/' + at.predecessor_key_id}, at.predecessor_key_id), ' → ');
    try {
      at = await api('GET', '/keys/' + at.predecessor_key_id);
    } catch (e) {
      break;
    }
  }
  if (key.successor_key_id) {
    links.push(' → ', h('a', {href: '#/key/' + key.successor_key_id, id: 'successor'}, key.successor_key_id));
  }
  return h('p', {id: 'rotation-chain'}, links);
}

export async function keyPage(id) {
  const section = h('section', {id: 'key-page'});
  let key;
  try {
    key = await api('GET', '/keys/' + encodeURIComponent(id));
  } catch (e) {
    if (e.status === 401) {
      throw e;
    }
    section.append(h('h1', {}, 'Key ' + id), errorBox(e));
    return section;
  }
  let usage = null;
  try {
    usage = await api('GET', '/keys/' + key.key_id + '/usage');
  } catch (e) {
    usage = null;
  }
  let pub = null;
  if (key.public_key) {
    pub = await api('GET', '/keys/' + key.key_id + '/public').catch(() => null);
  }
  const p = key.access_policy;
  section.append(...[
    h('h1', {}, 'Key ', h('code', {id: 'key-id'}, key.key_id)),
    dl([['Alias', key.key_alias], ['Tenant / environment / plane', key.tenant_id + ' / ' + key.environment + ' / ' + key.plane],
      ['Type', key.key_type + ' (' + key.key_size_bits + ' bits), usage ' + key.key_usage.join(', ')],
      ['State', h('span', {id: 'key-state', class: 'state-' + key.key_state}, key.key_state)],
      ['Created', key.created_at + ' by ' + (key.created_by || '—')], ['Valid', key.valid_from + ' – ' + (key.valid_until || 'open')],
      ['Rotation', (key.rotation_period || 'no schedule') + ', rotated ' + key.rotation_count + ' times'],
      key.revoked_at ? ['Revoked', key.revoked_at + ' (' + key.revocation_reason + ')'] : null,
      key.destroy_after ? ['Destruction scheduled', 'after ' + key.destroy_after] : null,
      key.destroyed_at ? ['Destroyed', key.destroyed_at] : null]),
    h('h2', {}, 'Rotation chain'), await chain(key),
    h('h2', {}, 'Policy'),
    dl([['Allowed modules', p.allowed_modules.length ? p.allowed_modules.join(', ') : '(the owning tenant\'s modules)'],
      ['Requires approval', String(p.requires_approval)], ['Max uses per day', String(p.max_usage_per_day)],
      ['Used today (UTC)', usage ? h('span', {id: 'usage-today'}, usage.used_today + ' of ' + usage.max_usage_per_day + ' (counted in reserved blocks: an upper bound)') : '—']]),
    h('h2', {}, 'Public key'),
    key.public_key ? [h('pre', {id: 'public-key'}, key.public_key), pub ? [h('p', {}, 'JWK:'), pretty(pub.jwk)] : null]
      : h('p', {class: 'muted'}, 'Symmetric key: no public part.'),
    h('h2', {}, 'Actions'),
    h('div', {class: 'actions'},
      action(key, 'rotate-form', 'Rotate', 'POST', '/rotate',
        h('label', {class: 'inline'}, h('input', {type: 'checkbox', name: 'emergency', value: 'true'}), ' emergency (old key revoked at once)'),
        (v) => ({emergency: v.emergency === 'true'})),
      action(key, 'revoke-form', 'Revoke', 'POST', '/revoke',
        select('reason', ['retired', 'compromised', 'policy_violation'], 'retired', 'Reason'),
        (v) => ({reason: v.reason})),
      action(key, 'schedule-form', 'Schedule destruction', 'POST', '/schedule-destruction',
        input('waiting_period_days', '30', 'Waiting period (days)', {type: 'number', min: '1'}),
        (v) => ({waiting_period_days: numberOrNull(v.waiting_period_days) ?? 30})),
      action(key, 'cancel-form', 'Cancel destruction', 'POST', '/cancel-destruction', [], () => ({})),
      action(key, 'policy-form', 'Edit policy', 'PUT', '/policy', [
        input('allowed_modules', p.allowed_modules.join(','), 'Allowed modules (comma-separated)'),
        h('label', {class: 'inline'}, h('input', {type: 'checkbox', name: 'requires_approval', value: 'true',
          checked: p.requires_approval}), ' requires approval'),
        input('max_usage_per_day', String(p.max_usage_per_day), 'Max uses per day', {type: 'number', min: '1'})],
      (v) => ({allowed_modules: v.allowed_modules ? v.allowed_modules.split(',').map((s) => s.trim()).filter((s) => s) : [],
        requires_approval: v.requires_approval === 'true', max_usage_per_day: numberOrNull(v.max_usage_per_day)})))]
    .flat(Infinity).filter((c) => c));
  return section;
}
