import type { VerifyAnswer } from '../../certificates/verify.js';
import { hoursText, zhDate } from '../../certificates/printed/labels.js';
import { escapeHtml } from '../escape.js';
import { fill, STRINGS } from './strings.js';
import type { Lang, Strings } from './strings.js';

export interface PageAssets {
  script: Record<Lang, string>;
  style: string;
}

/** What the server adds below the form: a verdict, or a message about the request. */
export type PageResult =
  | { kind: 'verdict'; answer: VerifyAnswer; signature: 'no-script' | 'passed' | 'failed' }
  | { kind: 'message'; text: string };

export interface PageInput {
  lang: Lang;
  certificateNumber: string;
  assets: PageAssets;
  bureauName: (jurisdiction: string) => string;
  result?: PageResult;
}

const date = (lang: Lang, d: string) => (lang === 'zh' ? zhDate(d) : d);

type CheckState = 'ok' | 'bad' | 'none';

function checkRow(id: string, label: string, [state, value]: [CheckState, string]) {
  return `<li id="check-${id}" class="${state}"><span>${escapeHtml(label)}</span><b>${escapeHtml(value)}</b></li>`;
}

/** Which checks passed, from the verdict (`verifyCertificate` checks them in this order). */
function checks(s: Strings, answer: VerifyAnswer, signature: 'no-script' | 'passed' | 'failed'): string {
  const v = answer.verdict;
  const ledger: [CheckState, string] = v === 'not-found' ? ['bad', s.ledgerMissing] : v === 'altered' ? ['bad', s.ledgerAltered] : ['ok', s.ledgerOk];
  const holder: [CheckState, string] = v === 'not-found' || v === 'altered' ? ['none', s.notChecked] : v === 'holder-mismatch' ? ['bad', s.holderBad] : ['ok', s.holderOk];
  const state: [CheckState, string] = answer.certificate ? [v === 'authentic' ? 'ok' : 'bad', s.verdicts[v]] : ['none', s.notChecked];
  const sig: [CheckState, string] = signature === 'passed' ? ['ok', s.passed] : signature === 'failed' ? ['bad', s.signatureBad] : ['none', s.signatureNoScript];
  return `<h3>${escapeHtml(s.checks)}</h3><ul class="checks">${[
    checkRow('signature', s.checkSignature, sig),
    checkRow('ledger', s.checkLedger, ledger),
    checkRow('holder', s.checkHolder, holder),
    checkRow('state', s.checkState, state),
  ].join('')}</ul>`;
}

/** The facts of the verdict: exactly those of the JSON answer, nothing about a holder it does not name. */
function facts(lang: Lang, s: Strings, answer: VerifyAnswer, bureauName: (j: string) => string): string {
  const c = answer.certificate;
  if (!c) return '';
  const row = (label: string, value: string) => `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>`;
  const hours = (['public', 'professional', 'elective', 'total'] as const).map((k) => `${s.categories[k]} ${hoursText(c.hours[k])} ${s.hoursUnit}`).join(lang === 'zh' ? '，' : ', ');
  return `<dl class="facts">${[
    row(s.holderLabelShort, c.holder),
    row(s.year, String(c.year)),
    row(s.hours, hours),
    row(s.issuer, bureauName(c.jurisdiction)),
    row(s.issuedOn, date(lang, c.issuedOn)),
    c.stamp ? row(s.stamp, fill(s.stampedBy, { authority: c.stamp.authority, date: date(lang, c.stamp.stampedOn) })) : '',
    c.revocation ? row(s.revocation, fill(s.revokedBecause, { reason: s.reasons[c.revocation.reason] ?? c.revocation.reason, date: date(lang, c.revocation.revokedOn) })) : '',
    c.invalidatedBecause ? row(s.invalidated, s.invalidatedText) : '',
  ].join('')}</dl>`;
}

export function resultHtml(input: PageInput): string {
  const r = input.result;
  if (!r) return '';
  const s = STRINGS[input.lang];
  if (r.kind === 'message') return `<p class="message">${escapeHtml(r.text)}</p>`;
  const v = r.answer.verdict;
  return `<div class="verdict v-${v}"><p class="word">${escapeHtml(s.verdicts[v])}</p><p class="why">${escapeHtml(s.explanations[v])}</p>${facts(input.lang, s, r.answer, input.bureauName)}</div>${checks(s, r.answer, r.signature)}`;
}

/**
 * The page, server-rendered: the number, a form that posts the holder to this same URL (answered
 * here when JavaScript is off), and the result; the script checks the QR signature and posts the
 * form itself when JavaScript is on.
 */
export function verifyPage(input: PageInput): string {
  const { lang, certificateNumber: no, assets } = input;
  const s = STRINGS[lang];
  const other: Lang = lang === 'zh' ? 'en' : 'zh';
  const self = `/v/${escapeHtml(no)}`;
  const query = lang === 'en' ? '?lang=en' : '';
  const otherQuery = other === 'en' ? '?lang=en' : '?lang=zh';
  return `<!doctype html>
<html lang="${s.htmlLang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(s.title)} ${escapeHtml(no)}</title><link rel="stylesheet" href="${assets.style}"><script src="${assets.script[lang]}" defer></script></head>
<body><main>
<header><h1>${escapeHtml(s.title)}</h1><a id="lang" href="${self}${otherQuery}" hreflang="${STRINGS[other].htmlLang}">${escapeHtml(s.otherLang)}</a></header>
<p class="number">${escapeHtml(s.number)} <strong id="number">${escapeHtml(no)}</strong></p>
<p class="intro">${escapeHtml(s.intro)}</p>
<form id="form" method="post" action="${self}${query}" autocomplete="off">
<label for="holder">${escapeHtml(s.holderLabel)}</label>
<input id="holder" name="holder" required maxlength="100" autocomplete="off" spellcheck="false">
<input type="hidden" name="qr" id="qr" value="">
<button type="submit">${escapeHtml(s.submit)}</button>
</form>
<noscript><p class="message">${escapeHtml(s.noscript)}</p></noscript>
<p id="signature" class="pending" hidden></p>
<section id="result" aria-live="polite">${resultHtml(input)}</section>
</main>
</body></html>`;
}
