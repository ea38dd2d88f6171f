/* global document, fetch, crypto, location, atob, DOMParser, URLSearchParams */
// The verification page's script: checks the QR payload after `#` (never sent to the server by the
// browser) against the published Ed25519 keys with WebCrypto, then posts the form itself and shows
// the server's answer, keeping its own signature check in the list of checks.
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  // The words of the page's language, which the server puts before this script in the file it serves.
  const s = globalThis.celedgerStrings;
  const number = $('number').textContent;
  const form = $('form');
  const result = $('result');
  const line = $('signature');
  const fill = (t, v) => t.replace(/\{(\w+)\}/g, (_, k) => String(v[k] ?? ''));
  const hexBytes = (hex) => Uint8Array.from(hex.match(/../g), (h) => parseInt(h, 16));
  const b64Bytes = (b64) => Uint8Array.from(atob(b64.replace(/-/g, '+').replace(/_/g, '/').replace(/\s+/g, '')), (c) => c.charCodeAt(0));

  /** `<digest>.<signature>.<keyId>`, or an older `CEL1.<number>.<digest>.<signature>.<keyId>`; null when absent, 'bad' when malformed. */
  function payloadOf(hash) {
    let text = hash.replace(/^#/, '');
    if (!text) return null;
    try {
      text = decodeURIComponent(text);
    } catch {
      return 'bad';
    }
    const parts = text.split('.');
    if (parts[0] === 'CEL1' && parts.length === 5) parts.splice(0, 2);
    const [digest, signature, keyId] = parts;
    if (parts.length !== 3 || !/^[0-9a-f]{64}$/.test(digest) || !/^[A-Za-z0-9_-]+$/.test(signature) || !/^[A-Za-z0-9_-]+$/.test(keyId)) return 'bad';
    return { digest, signature, keyId };
  }

  async function checkSignature(p) {
    if (p === null) return { state: 'none', text: s.signatureNoPayload };
    if (p === 'bad') return { state: 'bad', text: s.signatureBad };
    if (!crypto || !crypto.subtle) return { state: 'none', text: s.signatureNoCrypto };
    let keys;
    try {
      const res = await fetch('/v1/keys', { headers: { accept: 'application/json' } });
      keys = (await res.json()).keys;
    } catch {
      return { state: 'none', text: s.signatureNoCrypto };
    }
    const published = keys.find((k) => k.keyId === p.keyId);
    if (!published) return { state: 'bad', text: fill(s.signatureUnknownKey, { key: p.keyId }) };
    let key;
    try {
      key = await crypto.subtle.importKey('spki', b64Bytes(published.publicKey.replace(/-----[^-]+-----/g, '')), { name: 'Ed25519' }, false, ['verify']);
    } catch {
      return { state: 'none', text: s.signatureNoCrypto };
    }
    let ok = false;
    try {
      ok = await crypto.subtle.verify({ name: 'Ed25519' }, key, b64Bytes(p.signature), hexBytes(p.digest));
    } catch {
      ok = false;
    }
    return ok ? { state: 'ok', text: fill(s.signatureOk, { key: p.keyId }) } : { state: 'bad', text: s.signatureBad };
  }

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function showSignature(sig) {
    line.hidden = false;
    line.className = sig.state;
    line.textContent = `${s.checkSignature}：${sig.text}`;
    const row = $('check-signature');
    if (row) {
      row.className = sig.state;
      row.lastChild.textContent = sig.text;
    }
  }

  /** The verdict when the signature fails here: the ledger is not asked, the other checks not made. */
  function showAltered(sig) {
    const verdict = el('div', 'verdict v-altered');
    verdict.append(el('p', 'word', s.verdicts.altered), el('p', 'why', s.explanations.altered));
    const list = el('ul', 'checks');
    for (const [id, label] of [['signature', s.checkSignature], ['ledger', s.checkLedger], ['holder', s.checkHolder], ['state', s.checkState]]) {
      const row = el('li', 'none');
      row.id = `check-${id}`;
      row.append(el('span', '', label), el('b', '', s.notChecked));
      list.append(row);
    }
    result.replaceChildren(verdict, el('h3', '', s.checks), list);
    showSignature(sig);
  }

  const payload = payloadOf(location.hash);
  if (location.hash) $('lang').href += location.hash;
  if (payload) showSignature({ state: 'pending', text: s.signaturePending });
  const signature = checkSignature(payload).then((sig) => {
    if (payload) showSignature(sig);
    return sig;
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const holder = form.elements.holder.value.trim();
    if (!holder) {
      result.replaceChildren(el('p', 'message', s.required));
      return;
    }
    const sig = await signature;
    if (sig.state === 'bad') {
      showAltered(sig);
      return;
    }
    const body = new URLSearchParams({ holder });
    if (payload && payload !== 'bad') body.set('qr', ['CEL1', number, payload.digest, payload.signature, payload.keyId].join('.'));
    try {
      const res = await fetch(form.action, { method: 'POST', body, headers: { accept: 'text/html' } });
      const answered = new DOMParser().parseFromString(await res.text(), 'text/html').getElementById('result');
      result.replaceChildren(...(answered ? answered.childNodes : [el('p', 'message', s.failedRequest)]));
    } catch {
      result.replaceChildren(el('p', 'message', s.failedRequest));
    }
    if (payload) showSignature(sig);
  });
})();
