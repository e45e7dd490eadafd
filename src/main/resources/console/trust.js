import {api, apiBytes, query} from './api.js';
import {h, errorBox, table} from './dom.js';

const PLANES = ['laptop', 'tenant', 'product', 'shared'];

async function section(title, id, build) {
  const s = h('section', {id}, h('h2', {}, title));
  try {
    s.append(await build());
  } catch (e) {
    if (e.status === 401) {
      throw e;
    }
    s.append(errorBox(e));
  }
  return s;
}

function certificates(page) {
  return table(['Serial', 'Subject', 'Profile', 'Status', 'Not after', 'Requested by', ''],
    page.certificates.map((c) => {
      const result = h('span', {});
      const revoke = c.status === 'active' ? h('button', {type: 'button', class: 'secondary', onclick: async () => {
        if (!confirm('Revoke certificate ' + c.serial + '?')) {
          return;
        }
        try {
          await api('POST', '/certificates/' + c.serial + '/revoke', {reason: 'cessationOfOperation'});
          result.textContent = ' revoked';
          revoke.remove();
        } catch (e) {
          result.replaceChildren(errorBox(e));
        }
      }}, 'Revoke') : null;
      return h('tr', {}, h('td', {}, h('code', {}, c.serial)), h('td', {}, c.subject), h('td', {}, c.profile),
        h('td', {class: 'status-' + c.status}, c.status), h('td', {}, c.not_after), h('td', {}, c.requested_by || '—'),
        h('td', {}, revoke, result));
    }), {id: 'certificates'});
}

// A CRL's TBSCertList (RFC 5280 §5.1): just enough DER to read thisUpdate, nextUpdate and how many serials it lists.
function derItems(bytes, start, end) {
  const items = [];
  let i = start;
  while (i < end) {
    const tag = bytes[i];
    let len = bytes[i + 1];
    let at = i + 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      len = 0;
      for (let k = 0; k < n; k++) {
        len = len * 256 + bytes[at + k];
      }
      at += n;
    }
    items.push({tag, start: at, end: at + len});
    i = at + len;
  }
  return items;
}

function derTime(bytes, item) {
  const s = new TextDecoder().decode(bytes.slice(item.start, item.end));
  const full = item.tag === 0x17 ? (Number(s.slice(0, 2)) < 50 ? '20' : '19') + s : s; // UTCTime or GeneralizedTime
  return full.slice(0, 4) + '-' + full.slice(4, 6) + '-' + full.slice(6, 8) + 'T' + full.slice(8, 10) + ':'
    + full.slice(10, 12) + ':' + full.slice(12, 14) + 'Z';
}

export function crlFacts(bytes) {
  const [certList] = derItems(bytes, 0, bytes.length);
  const [tbs] = derItems(bytes, certList.start, certList.end);
  const fields = derItems(bytes, tbs.start, tbs.end);
  let i = fields[0].tag === 0x02 ? 1 : 0; // optional version
  i += 2; // signature algorithm, issuer
  const thisUpdate = derTime(bytes, fields[i++]);
  const nextUpdate = fields[i] && (fields[i].tag === 0x17 || fields[i].tag === 0x18) ? derTime(bytes, fields[i++]) : null;
  const revoked = fields[i] && fields[i].tag === 0x30 ? derItems(bytes, fields[i].start, fields[i].end).length : 0;
  return {thisUpdate, nextUpdate, revoked};
}

export async function trustPage() {
  const page = h('section', {id: 'trust-page'}, h('h1', {}, 'Certificates and trust'));
  page.append(await section('Issued certificates', 'issued', async () =>
    certificates(await api('GET', '/certificates' + query({limit: 100})))));
  page.append(await section('Trust anchors', 'anchors', async () => {
    const list = await api('GET', '/trust-anchors' + query({limit: 200}));
    return list.trust_anchors.length ? table(['Subject', 'Tenant', 'Type', 'Planes', 'Not after', 'Version', 'SHA-256'],
      list.trust_anchors.map((a) => h('tr', {}, h('td', {}, a.subject), h('td', {}, a.tenant_id), h('td', {}, a.anchor_type),
        h('td', {}, a.planes.join(', ')), h('td', {}, a.not_after), h('td', {}, a.version),
        h('td', {}, h('code', {}, a.fingerprint_sha256.slice(0, 16) + '…'))))) : h('p', {class: 'muted'}, 'No trust anchors.');
  }));
  page.append(await section('Trust bundles per plane', 'bundles', async () => {
    const rows = await Promise.all(PLANES.map(async (plane) => {
      try {
        const b = await api('GET', '/trust-bundles/' + plane);
        return h('tr', {}, h('td', {}, plane), h('td', {}, String(b.version ?? '—')),
          h('td', {}, String(b.anchors.length)), h('td', {}, b.generated_at));
      } catch (e) {
        return h('tr', {}, h('td', {}, plane), h('td', {colspan: '3'}, e.message));
      }
    }));
    return table(['Plane', 'Bundle version', 'Anchors', 'Issued'], rows);
  }));
  page.append(await section('CRL status', 'crl', async () => {
    const rows = await Promise.all(['internal-issuing', 'internal-root'].map(async (ca) => {
      try {
        const {bytes} = await apiBytes('/ca/' + ca + '/crl');
        const f = crlFacts(bytes);
        const stale = f.nextUpdate && new Date(f.nextUpdate) < new Date();
        return h('tr', {}, h('td', {}, ca), h('td', {}, f.thisUpdate), h('td', {class: stale ? 'bad' : ''},
          (f.nextUpdate || '—') + (stale ? ' (stale)' : '')), h('td', {}, String(f.revoked)));
      } catch (e) {
        return h('tr', {}, h('td', {}, ca), h('td', {colspan: '3'}, e.message));
      }
    }));
    return table(['CA', 'This update', 'Next update', 'Revoked serials'], rows);
  }));
  return page;
}
