import type { FastifyInstance, FastifyReply, onRequestHookHandler } from 'fastify';
import { decodeQr } from '../../certificates/content.js';
import type { QrPayload } from '../../certificates/content.js';
import { loadAssets } from '../../pages/verify/assets.js';
import { fill, STRINGS } from '../../pages/verify/strings.js';
import type { Lang } from '../../pages/verify/strings.js';
import { verifyPage } from '../../pages/verify/template.js';
import type { PageInput, PageResult } from '../../pages/verify/template.js';
import type { HolderBudget } from '../../certificates/holder-budget.js';
import type { VerifyDeps } from './verify.js';
import { verdictFor } from './verify.js';

export interface VerifyPageDeps extends Pick<VerifyDeps, 'read' | 'keyring' | 'idPepper'> {
  /** The JSON verify routes' rate-limit hook: a verifier on the page and on the API shares one allowance. */
  rateLimit: onRequestHookHandler;
  /** The JSON routes' holder-failure budget and its clock: the page is no way around it. */
  budget: HolderBudget;
  now: () => number;
  bureauName: (jurisdiction: string) => string;
}

const NUMBER = /^[A-Z]{2}-\d{4}-\d{6}$/;
const PLACEHOLDER = '\u0000';

/**
 * No third-party script, style, font or connection: everything the page loads comes from here.
 * A data block of JSON (the strings) is not a script and needs no exception.
 */
const PAGE_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/**
 * The page without a result differs only by its number, of fixed length (checked first): its bytes
 * around the number and its headers, content length included, are made once per language.
 */
function shell(html: string) {
  const parts = html.split(PLACEHOLDER).map((p) => Buffer.from(p, 'utf8'));
  const length = parts.reduce((n, p) => n + p.length, 0) + (parts.length - 1) * 'ZZ-2014-000001'.length;
  const headers = [
    ...Object.entries(PAGE_HEADERS).flat(),
    'content-type', 'text/html; charset=utf-8',
    'cache-control', 'public, max-age=300',
    'content-length', String(length),
  ];
  return {
    headers,
    body(no: string): Buffer {
      const out = Buffer.allocUnsafe(length);
      let at = 0;
      parts.forEach((part, i) => {
        if (i > 0) at += out.write(no, at, 'latin1');
        at += part.copy(out, at);
      });
      return out;
    },
  };
}

const langOf = (query: unknown): Lang => ((query as { lang?: unknown } | undefined)?.lang === 'en' ? 'en' : 'zh');

/**
 * `GET /v/:no`: the page a QR code opens; `POST /v/:no`: its form, answered here (with JavaScript
 * off, or posted by the page's script). Registered in the verification scope: like the JSON routes
 * it logs nothing per request, so neither a holder's ID number nor a payload reaches a log (and the
 * payload after `#` never reaches the server at all).
 */
export function verifyPageRoutes(app: FastifyInstance, deps: VerifyPageDeps) {
  const assets = loadAssets();
  const pageAssets = { script: { zh: assets.scripts.zh.path, en: assets.scripts.en.path }, style: assets.style.path };
  const render = (lang: Lang, certificateNumber: string, result?: PageResult) =>
    verifyPage({ lang, certificateNumber, assets: pageAssets, bureauName: deps.bureauName, ...(result ? { result } : {}) } satisfies PageInput);
  const shells = { zh: shell(render('zh', PLACEHOLDER)), en: shell(render('en', PLACEHOLDER)) };
  const send = (reply: FastifyReply, status: number, html: string, cache: string) =>
    reply.code(status).headers(PAGE_HEADERS).header('cache-control', cache).type('text/html; charset=utf-8').send(html);

  for (const asset of [assets.scripts.zh, assets.scripts.en, assets.style]) {
    app.get(asset.path, { schema: { hide: true } }, (_req, reply) => reply.type(asset.type).header('cache-control', 'public, max-age=31536000, immutable').send(asset.body));
  }

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  app.get<{ Params: { no: string } }>('/v/:no', { schema: { hide: true } }, (req, reply) => {
    const lang = langOf(req.query);
    const no = req.params.no;
    if (!NUMBER.test(no)) return send(reply, 400, render(lang, encodeURIComponent(no), { kind: 'message', text: STRINGS[lang].badNumber }), 'no-store');
    const page = shells[lang];
    // Written raw, as the JSON verify route writes its ready answers: no per-request header object or encoding.
    reply.hijack();
    reply.raw.writeHead(200, page.headers);
    reply.raw.end(page.body(no));
  });

  app.post<{ Params: { no: string }; Body: Record<string, string> | undefined }>(
    '/v/:no',
    {
      schema: { hide: true },
      onRequest: deps.rateLimit,
      // A refusal of the shared limiter is JSON; a person with JavaScript off gets it as the page.
      onSend: (req, reply, payload, done) => {
        if (reply.statusCode !== 429) return done(null, payload);
        const lang = langOf(req.query);
        const html = render(lang, NUMBER.test(req.params.no) ? req.params.no : '', { kind: 'message', text: fill(STRINGS[lang].tooMany, { seconds: String(reply.getHeader('retry-after') ?? 60) }) });
        void reply.headers(PAGE_HEADERS).header('content-type', 'text/html; charset=utf-8');
        done(null, html);
      },
    },
    (req, reply) => {
      const lang = langOf(req.query);
      const s = STRINGS[lang];
      const no = req.params.no;
      if (!NUMBER.test(no)) return send(reply, 400, render(lang, encodeURIComponent(no), { kind: 'message', text: s.badNumber }), 'no-store');
      const holder = typeof req.body?.holder === 'string' ? req.body.holder.trim() : '';
      if (!holder || holder.length > 100) return send(reply, 400, render(lang, no, { kind: 'message', text: s.required }), 'no-store');
      const qrText = typeof req.body?.qr === 'string' ? req.body.qr : '';
      let qr: QrPayload | undefined;
      if (qrText) {
        qr = decodeQr(qrText);
        if (!qr) return send(reply, 400, render(lang, no, { kind: 'message', text: s.signatureBad }), 'no-store');
        // The number is the page's: a payload lifted from another certificate then fails against this one.
        qr = { ...qr, certificateNumber: no };
      }
      const budgeted = verdictFor(deps, { certificateNumber: no, holder, ...(qr ? { qr } : {}) });
      if (!budgeted.ok) {
        return send(reply.header('retry-after', budgeted.retryAfterSeconds), 429, render(lang, no, { kind: 'message', text: fill(s.tooMany, { seconds: String(budgeted.retryAfterSeconds) }) }), 'no-store');
      }
      const answer = budgeted.answer;
      const signature = !qr ? 'no-script' : deps.keyring.verify(qr.digest, qr.signature, qr.keyId) ? 'passed' : 'failed';
      return send(reply, 200, render(lang, no, { kind: 'verdict', answer, signature }), 'no-store');
    },
  );
}
