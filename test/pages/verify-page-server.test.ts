import t from 'tap';
import { encodeQr, decodeQr } from '../../src/certificates/content.js';
import { testApp } from '../support/app.js';
import type { TestApp } from '../support/app.js';
import { issuedZhengzhouCertificate } from '../support/certificate.js';
import { ID_NUMBERS } from '../support/fixtures.js';

const form = (fields: Record<string, string>) => ({ payload: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
const post = (app: TestApp, url: string, fields: Record<string, string>) => app.app.inject({ method: 'POST', url, ...form(fields) });
/** The part of the page the server answers in (below the form). */
const result = (html: string) => /<section id="result" aria-live="polite">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? '';
const word = (html: string) => /<p class="word">([^<]+)<\/p>/.exec(result(html))?.[1];
const message = (html: string) => /<p class="message">([^<]+)<\/p>/.exec(result(html))?.[1];

t.test('GET /v/:no: a small page, everything from this server, no result before a holder is named', async (t) => {
  const app = await testApp({ config: { publicBaseUrl: 'https://verify.example.cn' } });
  t.teardown(app.close);
  const { no } = await issuedZhengzhouCertificate(app);
  const page = await app.app.inject({ url: `/v/${no}` });
  t.equal(page.statusCode, 200);
  t.equal(page.headers['content-type'], 'text/html; charset=utf-8');
  t.match(page.headers['content-security-policy'], /default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'/);
  t.match(page.body, /<html lang="zh-CN">/, 'Chinese first');
  t.match(page.body, new RegExp(`<form id="form" method="post" action="/v/${no}"`));
  t.notMatch(page.body, /<p class="word">/, 'no verdict before the holder is named');
  t.notMatch(page.body, /(src|href)="(https?:)?\/\//, 'no third-party script, style or font');
  const assets = [...page.body.matchAll(/(?:src|href)="(\/v\/assets\/[^"]+)"/g)].map((m) => m[1]!);
  t.equal(assets.length, 2, 'one script, one style sheet');
  let bytes = page.rawPayload.length;
  for (const url of assets) {
    const res = await app.app.inject({ url });
    t.equal(res.statusCode, 200);
    t.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable', 'named by content, so kept long');
    bytes += res.rawPayload.length;
  }
  t.ok(bytes < 30 * 1024, `page, script and styles: ${bytes} bytes`);
  const en = await app.app.inject({ url: `/v/${no}?lang=en` });
  t.match(en.body, /<html lang="en">/);
  t.match(en.body, /Verify a continuing-education certificate/);
  const bad = await app.app.inject({ url: '/v/ZZ-14-1' });
  t.same([bad.statusCode, message(bad.body)], [400, '证书编号格式不对（例如 ZZ-2014-000001）']);
});

t.test('POST /v/:no answers like the JSON route, and shows nothing of the holder to someone else', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  const { no, qr } = await issuedZhengzhouCertificate(app);
  const authentic = await post(app, `/v/${no}`, { holder: ' 张三丰 ' });
  t.equal(authentic.statusCode, 200);
  t.equal(authentic.headers['cache-control'], 'no-store');
  t.equal(word(authentic.body), '真实有效');
  t.match(authentic.body, /<dd>张\*\*<\/dd>/);
  t.match(authentic.body, /<dd>公需科目 26 学时，专业科目 60 学时，选修课 0 学时，合计 86 学时<\/dd>/);
  t.match(authentic.body, /<li id="check-signature" class="none"><span>二维码签名<\/span><b>未检查：未启用 JavaScript<\/b>/);
  t.notMatch(authentic.body, /张三丰/, 'what was typed is not echoed');
  const json = (await app.app.inject({ url: `/v1/verify/${no}?holder=${encodeURIComponent('张三丰')}` })).json();
  t.equal(json.verdict, 'authentic', 'the JSON route says the same');

  // By number alone a wrong holder is answered as a number never issued: typing tells nobody what exists.
  const typed = await post(app, `/v/${no}`, { holder: '李四' });
  t.equal(word(typed.body), '查无此证');
  t.notMatch(result(typed.body), /<dl class="facts">|张\*\*|86|郑州/, 'nothing about the real holder');
  const lent = await post(app, `/v/${no}`, { holder: '李四', qr: encodeQr(decodeQr(qr)!) });
  t.equal(word(lent.body), '持有人不符', 'with the scanned payload (possession shown): someone else shows it');
  t.notMatch(result(lent.body), /<dl class="facts">|张\*\*|86|郑州/, 'nothing about the real holder');
  t.equal(word((await post(app, `/v/${no}`, { holder: ID_NUMBERS.p1 })).body), '真实有效', 'by ID number');
  t.equal(word((await post(app, `/v/ZZ-2014-999999`, { holder: '张三丰' })).body), '查无此证');

  const p = decodeQr(qr)!;
  const withPayload = await post(app, `/v/${no}`, { holder: '张三丰', qr: encodeQr(p) });
  t.equal(word(withPayload.body), '真实有效', 'the payload the script posts (and an old CEL1 code) verifies');
  t.match(withPayload.body, /<li id="check-signature" class="ok">/);
  const edited = encodeQr({ ...p, digest: p.digest.replace(/^./, p.digest[0] === 'a' ? 'b' : 'a') });
  const altered = await post(app, `/v/${no}`, { holder: '张三丰', qr: edited });
  t.equal(word(altered.body), '内容被改动', 'the server checks the signature too');
  t.match(altered.body, /<li id="check-signature" class="bad">/);
  t.equal(word((await post(app, '/v/ZZ-2014-000002', { holder: '张三丰', qr: encodeQr(p) })).body), '查无此证', 'the page number is what is looked up, whatever the payload names');

  const blank = await post(app, `/v/${no}`, { holder: '   ' });
  t.same([blank.statusCode, message(blank.body)], [400, '请填写持有人姓名或身份证号']);
  const long = await post(app, `/v/${no}`, { holder: '张'.repeat(101) });
  t.equal(long.statusCode, 400);
  const junk = await post(app, `/v/${no}`, { holder: '张三丰', qr: 'not a payload' });
  t.same([junk.statusCode, message(junk.body)], [400, '未通过：二维码内容与签名不符']);
  const english = await post(app, `/v/${no}?lang=en`, { holder: '张三丰' });
  t.equal(word(english.body), 'Authentic');
  t.notOk(app.logs.some((l) => l.includes(ID_NUMBERS.p1) || l.includes(p.signature)), 'no ID number or payload in a log line');
});

t.test('the page and the JSON routes share one rate limit; the page shows the refusal as a page', async (t) => {
  const app = await testApp({ config: { verifyRateLimit: 3 } });
  t.teardown(app.close);
  const { no } = await issuedZhengzhouCertificate(app);
  t.equal((await app.app.inject({ url: `/v1/verify/${no}?holder=x` })).statusCode, 200);
  t.equal((await app.app.inject({ url: `/v/${no}` })).statusCode, 200, 'the page itself looks nothing up and is not counted');
  t.equal((await post(app, `/v/${no}`, { holder: 'x' })).statusCode, 200);
  t.equal((await app.app.inject({ url: `/v1/verify/${no}?holder=x` })).statusCode, 200);
  const refused = await post(app, `/v/${no}`, { holder: '张三丰' });
  t.equal(refused.statusCode, 429);
  t.match(refused.headers['content-type'], /^text\/html/);
  t.match(message(refused.body), /^查询过于频繁，请 \d+ 秒后再试$/);
  t.ok(Number(refused.headers['retry-after']) >= 1);
  t.notOk(word(refused.body), 'no verdict');
  t.equal((await app.app.inject({ url: `/v1/verify/${no}?holder=x` })).statusCode, 429, 'and the JSON route is refused too');
});
