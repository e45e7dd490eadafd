import {api, apiText} from './api.js';
import {h, table, errorBox} from './dom.js';

/** Prometheus text format: [{name, labels, value}] (enough of it for our own exposition). */
export function parseMetrics(text) {
  const out = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m || line.startsWith('#')) {
      continue;
    }
    const labels = {};
    for (const l of (m[2] || '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1]] = l[2];
    }
    out.push({name: m[1], labels, value: Number(m[3])});
  }
  return out;
}

/** The p99 from a classic histogram's cumulative buckets: the upper bound of the bucket the 99th percentile falls in. */
function p99(buckets) {
  const sorted = buckets.filter((b) => b.le !== '+Inf').sort((a, b) => Number(a.le) - Number(b.le));
  const total = (buckets.find((b) => b.le === '+Inf') || {value: 0}).value;
  if (!total) {
    return null;
  }
  const target = 0.99 * total;
  const hit = sorted.find((b) => b.value >= target);
  return hit ? '≤ ' + hit.le + ' ms' : '> ' + sorted[sorted.length - 1].le + ' ms';
}

// the last scrape, for request rates between two visits of this page (kept across reloads in this tab)
const PREVIOUS = 'kms-console-last-scrape';

export async function healthPage() {
  const page = h('section', {id: 'health-page'}, h('h1', {}, 'Health'));
  try {
    const health = await api('GET', '/health');
    page.append(h('p', {id: 'health-status', class: 'big status-' + health.status}, 'Service status: ' + health.status),
      table(['Check', 'Status', 'Detail'], health.checks.map((c) => h('tr', {}, h('td', {}, c.name),
        h('td', {class: 'status-' + c.status}, c.status), h('td', {}, c.detail || '')))));
    const previous = JSON.parse(sessionStorage.getItem(PREVIOUS) || 'null');
    const metrics = parseMetrics(await apiText('/metrics'));
    const now = Date.now();
    const keys = metrics.filter((m) => m.name === 'kms_keys_total');
    page.append(h('h2', {}, 'Keys by type and state'), table(['Type', 'State', 'Keys'],
      keys.map((k) => h('tr', {}, h('td', {}, k.labels.key_type), h('td', {}, k.labels.key_state), h('td', {}, String(k.value)))),
      {id: 'key-counts'}));
    const requests = {};
    for (const m of metrics.filter((x) => x.name === 'kms_requests_total')) {
      requests[m.labels.operation] = (requests[m.labels.operation] || 0) + m.value;
    }
    const buckets = {};
    for (const m of metrics.filter((x) => x.name === 'kms_operation_latency_ms_bucket')) {
      (buckets[m.labels.operation] ||= []).push({le: m.labels.le, value: m.value});
    }
    const seconds = previous ? (now - previous.at) / 1000 : null;
    const rows = Object.keys(requests).sort().map((op) => {
      const rate = previous && previous.requests[op] !== undefined && seconds > 0
        ? ((requests[op] - previous.requests[op]) / seconds).toFixed(2) + '/s' : '—';
      return h('tr', {}, h('td', {}, op), h('td', {}, String(requests[op])), h('td', {}, rate),
        h('td', {}, p99(buckets[op] || []) || '—'));
    });
    page.append(h('h2', {}, 'Requests by operation'),
      h('p', {class: 'muted'}, previous ? 'Rates over the ' + seconds.toFixed(0) + ' s since this page was last loaded;'
        + ' p99 from the latency histogram since start-up.' : 'Reload this page for rates; p99 from the latency histogram since start-up.'),
      table(['Operation', 'Requests', 'Rate', 'p99'], rows, {id: 'request-rates'}));
    sessionStorage.setItem(PREVIOUS, JSON.stringify({at: now, requests}));
    const lags = metrics.filter((m) => ['kms_receipt_sink_lag', 'kms_event_sink_lag_seconds', 'kms_event_sink_depth',
      'kms_audit_queue_depth'].includes(m.name));
    page.append(h('h2', {}, 'Sinks and queues'), lags.length ? table(['Metric', 'Sink', 'Value'],
      lags.map((m) => h('tr', {}, h('td', {}, m.name), h('td', {}, m.labels.sink || '—'), h('td', {}, String(m.value)))))
      : h('p', {class: 'muted'}, 'No sinks configured.'));
  } catch (e) {
    if (e.status === 401) {
      throw e;
    }
    page.append(errorBox(e));
  }
  return page;
}
