// Builds DOM nodes from data: text goes in as text nodes, never as HTML.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) {
      continue;
    }
    if (k.startsWith('on')) {
      el.addEventListener(k.slice(2), v);
    } else if (k === 'class') {
      el.className = v;
    } else {
      el.setAttribute(k, v === true ? '' : v);
    }
  }
  for (const c of children.flat(Infinity)) {
    if (c !== undefined && c !== null && c !== false) {
      el.append(c instanceof Node ? c : String(c));
    }
  }
  return el;
}

export function table(columns, rows, attrs) {
  return h('table', attrs || {},
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', {}, c)))),
    h('tbody', {}, rows));
}

export function dl(pairs) {
  return h('dl', {class: 'facts'}, pairs.filter((p) => p).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v ?? '—')]));
}

export function errorBox(e) {
  const details = e.body && e.body.details && Object.keys(e.body.details).length
    ? h('pre', {}, JSON.stringify(e.body.details, null, 2)) : null;
  return h('div', {class: 'error', role: 'alert'},
    h('strong', {}, (e.code || 'Error') + (e.status ? ' (' + e.status + ')' : '') + ': '), e.message, details);
}

export function pretty(value) {
  return h('pre', {class: 'json'}, JSON.stringify(value, null, 2));
}

export function formValues(form) {
  const out = {};
  for (const [k, v] of new FormData(form).entries()) {
    out[k] = typeof v === 'string' ? v.trim() : v;
  }
  return out;
}

export function select(name, options, value, label) {
  return h('label', {}, label || name, h('select', {name},
    options.map((o) => h('option', {value: o, selected: o === (value || '')}, o === '' ? '(any)' : o))));
}

export function input(name, value, label, attrs) {
  return h('label', {}, label || name, h('input', {name, value: value || '', ...(attrs || {})}));
}
