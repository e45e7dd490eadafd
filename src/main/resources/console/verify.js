// Receipt verification in the browser, from first principles and the service's published keys:
//  - RFC 8785 canonical JSON (the bytes receipts and tree heads are signed over, and the Merkle leaf);
//  - Ed25519 signatures with WebCrypto;
//  - RFC 9162 §2.1.3.2 inclusion and §2.1.4.2 consistency proof verification with SHA-256.
// Nothing here trusts a verdict from the server: it recomputes from the receipt's own bytes.

const enc = new TextEncoder();

export function canonical(value) {
  if (value === null || typeof value === 'boolean') {
    return JSON.stringify(value);
  }
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new Error('not an I-JSON integer: ' + value);
    }
    return String(value);
  }
  if (typeof value === 'string') {
    return JSON.stringify(value); // ECMAScript string escaping is RFC 8785's
  }
  if (Array.isArray(value)) {
    return '[' + value.map(canonical).join(',') + ']';
  }
  // default sort compares UTF-16 code units, as RFC 8785 §3.2.3 requires
  return '{' + Object.keys(value).sort().map((k) => JSON.stringify(k) + ':' + canonical(value[k])).join(',') + '}';
}

export function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function fromHex(s) {
  if (!/^([0-9a-f]{2})*$/.test(s)) {
    throw new Error('not lowercase hex');
  }
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) {
    out[i] = parseInt(s.substr(i * 2, 2), 16);
  }
  return out;
}

function fromBase64(s) {
  return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
}

export async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const leafHash = (bytes) => sha256(concat(Uint8Array.of(0), bytes));
const nodeHash = (left, right) => sha256(concat(Uint8Array.of(1), left, right));
const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

/** RFC 9162 §2.1.3.2: the root an inclusion proof leads to, or null when the proof is malformed. */
export async function rootFromInclusionProof(leafIndex, treeSize, leaf, proof) {
  if (leafIndex >= treeSize) {
    return null;
  }
  let fn = BigInt(leafIndex);
  let sn = BigInt(treeSize) - 1n;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0n) {
      return null;
    }
    if ((fn & 1n) === 1n || fn === sn) {
      r = await nodeHash(p, r);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n ? r : null;
}

/** RFC 9162 §2.1.4.2: whether {@code proof} shows the tree of size {@code second} extends the one of size {@code first}. */
export async function verifyConsistency(first, second, firstHash, secondHash, proof) {
  if (first > second) {
    return false;
  }
  if (first === second) {
    return proof.length === 0 && same(firstHash, secondHash);
  }
  let path = proof.slice();
  if ((first & (first - 1)) === 0) { // an exact power of 2
    path = [firstHash, ...path];
  }
  if (path.length === 0) {
    return false;
  }
  let fn = BigInt(first) - 1n;
  let sn = BigInt(second) - 1n;
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0n) {
      return false;
    }
    if ((fn & 1n) === 1n || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return same(fr, firstHash) && same(sr, secondHash) && sn === 0n;
}

function pemToDer(pem) {
  return fromBase64(pem.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, '').replace(/\s+/g, ''));
}

async function ed25519Verify(publicKeyPem, signatureB64, message) {
  const key = await crypto.subtle.importKey('spki', pemToDer(publicKeyPem), {name: 'Ed25519'}, false, ['verify']);
  return crypto.subtle.verify({name: 'Ed25519'}, key, fromBase64(signatureB64), message);
}

/** The signed content of a tree head: the fields TreeHead signs, canonical. */
function treeHeadContent(sth) {
  return {format: sth.format, tree_size: sth.tree_size, root_hash: sth.root_hash, timestamp: sth.timestamp, key_id: sth.key_id};
}

/** Checks a signed tree head against the published receipt keys; returns a check line. */
export async function verifyTreeHead(sth, receiptKeys) {
  const key = receiptKeys.find((k) => k.key_id === sth.key_id);
  if (!key) {
    return {name: 'Tree head signature', ok: false, detail: 'signed by ' + sth.key_id + ', which is not a published receipt key'};
  }
  const ok = await ed25519Verify(key.public_key, sth.signature, enc.encode(canonical(treeHeadContent(sth))))
    .catch(() => false);
  return {name: 'Tree head signature', ok, detail: 'Ed25519 by receipt key ' + sth.key_id + ' over tree size '
    + sth.tree_size + ', root ' + sth.root_hash};
}

/**
 * Everything a reviewer needs to trust one receipt: its own signature, its leaf's inclusion in the
 * tree the signed head commits to, and that head's signature. Returns the checks, each with its evidence.
 */
export async function verifyReceipt(proofResponse, receiptKeys) {
  const checks = [];
  const receipt = proofResponse.receipt;
  const sth = proofResponse.signed_tree_head;
  const inclusion = proofResponse.inclusion_proof;

  const key = receiptKeys.find((k) => k.key_id === receipt.receipt_key_id);
  const {signature, ...signed} = receipt;
  if (!key) {
    checks.push({name: 'Receipt signature', ok: false, detail: 'receipt key ' + receipt.receipt_key_id + ' is not published'});
  } else {
    const ok = await ed25519Verify(key.public_key, signature, enc.encode(canonical(signed))).catch(() => false);
    checks.push({name: 'Receipt signature', ok, detail: 'Ed25519 by receipt key ' + key.key_id + ' over the RFC 8785 canonical receipt'});
  }

  const leaf = await leafHash(enc.encode(canonical(receipt)));
  const proof = inclusion.hashes.map(fromHex);
  const root = await rootFromInclusionProof(inclusion.leaf_index, inclusion.tree_size, leaf, proof);
  const rootOk = root !== null && hex(root) === sth.root_hash && inclusion.tree_size === sth.tree_size;
  checks.push({name: 'Inclusion proof', ok: rootOk, detail: 'leaf ' + inclusion.leaf_index + ' (hash ' + hex(leaf)
    + ') with ' + proof.length + ' proof hashes gives root ' + (root ? hex(root) : '(malformed proof)')
    + '; the signed tree head of size ' + sth.tree_size + ' has root ' + sth.root_hash});
  checks.push({name: 'Log index', ok: receipt.log_index === inclusion.leaf_index,
    detail: 'the receipt says log index ' + receipt.log_index + ', the proof is for leaf ' + inclusion.leaf_index});
  checks.push(await verifyTreeHead(sth, receiptKeys));
  return {ok: checks.every((c) => c.ok), checks};
}
