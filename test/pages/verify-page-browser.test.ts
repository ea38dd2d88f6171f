import { readFileSync } from 'node:fs';
import jsQRModule from 'jsqr';
import type { Page, Request } from 'playwright-core';
import { PNG } from 'pngjs';
import t from 'tap';
import { principals, testApp } from '../support/app.js';
import { ARTIFACTS_DIR, artifactPath } from '../support/artifacts.js';
import { freePort, launchChromium } from '../support/browser.js';
import { issuedZhengzhouCertificate, revoke } from '../support/certificate.js';
import { ID_NUMBERS } from '../support/fixtures.js';

const jsQR = jsQRModule.default;

t.test('the verification page in real Chromium: scan, type the holder, read the verdict', async (t) => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const app = await testApp({ config: { publicBaseUrl: base } });
  t.teardown(app.close);
  await app.app.listen({ host: '127.0.0.1', port });
  const { no, qr } = await issuedZhengzhouCertificate(app);

  // What a phone camera reads: the QR image as printed.
  const png = await app.as(principals.professional, { url: `/v1/certificates/${no}/qr.png` });
  const image = PNG.sync.read(png.rawPayload);
  const scanned = jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length), image.width, image.height)?.data;
  t.equal(scanned, qr, 'the QR image holds the page URL');
  t.match(scanned, new RegExp(`^${base}/v/${no}#[0-9a-f]{64}\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$`));
  const [digest, signature] = scanned!.split('#')[1]!.split('.') as [string, string, string];

  const browser = await launchChromium();
  t.teardown(() => browser.close());
  t.comment(`screenshots in ${ARTIFACTS_DIR}`);

  const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
  const requests: Request[] = [];
  const open = async (url: string, javaScriptEnabled = true) => {
    const context = await browser.newContext({ ...phone, javaScriptEnabled });
    t.teardown(() => context.close());
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('request', (r) => void requests.push(r));
    await page.goto(url);
    return page;
  };
  const verifyAs = async (page: Page, holder: string) => {
    await page.fill('#holder', holder);
    await page.click('button[type=submit]');
    await page.waitForSelector('#result .word, #result .message');
    return (await page.textContent('#result .word'))?.trim();
  };
  const row = async (page: Page, id: string) => (await page.textContent(`#check-${id} b`))?.trim();

  await t.test('the right holder: 真实有效, signature checked in the browser, under 50 KB', async (t) => {
    requests.length = 0;
    const page = await open(scanned!);
    t.equal(await page.textContent('#number'), no);
    await page.waitForSelector('#signature.ok');
    t.match(await page.textContent('#signature'), /^二维码签名：通过（Ed25519，密钥 k/, 'the signature verifies with the published key');
    t.equal(await verifyAs(page, '张三丰'), '真实有效');
    t.match(await row(page, 'signature'), /^通过/);
    t.equal(await row(page, 'ledger'), '与发证记录一致');
    t.equal(await row(page, 'holder'), '相符');
    t.equal(await row(page, 'state'), '真实有效');
    const facts = await page.textContent('#result .facts');
    for (const expected of ['张**', '2014', '公需科目 26 学时', '专业科目 60 学时', '合计 86 学时', '郑州市人力资源和社会保障局', '2014年06月20日']) t.ok(facts?.includes(expected), `shows ${expected}`);
    t.notOk(facts?.includes('张三丰'), 'the name as masked in the JSON answer, not as typed');
    await page.screenshot({ path: artifactPath('verify-page-authentic.png'), fullPage: true });

    const origins = new Set(requests.map((r) => new URL(r.url()).origin));
    t.same([...origins], [base], 'nothing is fetched from anywhere else');
    t.notOk(requests.some((r) => r.url().includes(digest) && !r.url().startsWith(`${base}/v1/verify`)), 'the payload is not in any page URL');
    let bytes = 0;
    for (const r of requests) {
      const sizes = await r.sizes();
      bytes += sizes.requestHeadersSize + sizes.requestBodySize + sizes.responseHeadersSize + sizes.responseBodySize;
    }
    t.ok(bytes <= 50 * 1024, `${bytes} bytes transferred in ${requests.length} requests (≤ 50 KB)`);
  });

  await t.test('someone else: 持有人不符 and nothing about the real holder', async (t) => {
    const page = await open(scanned!);
    t.equal(await verifyAs(page, '李四'), '持有人不符');
    t.equal(await row(page, 'holder'), '不符');
    t.equal(await page.$('#result .facts'), null, 'no facts of the certificate');
    const shown = await page.innerText('body');
    t.notOk(shown.includes('张**') || shown.includes('86') || shown.includes('郑州市'), 'not even the masked name, the hours or the bureau');
    t.equal(await verifyAs(page, ID_NUMBERS.p2), '持有人不符', 'by another ID number too');
    t.equal(await verifyAs(page, ID_NUMBERS.p1), '真实有效', 'the holder by ID number');
  });

  await t.test('a tampered fragment: the signature check fails in the browser and the ledger is not asked', async (t) => {
    const page = await open(scanned!.replace(`#${digest[0]}`, `#${digest[0] === 'a' ? 'b' : 'a'}`));
    await page.waitForSelector('#signature.bad');
    t.equal(await page.textContent('#signature'), '二维码签名：未通过：二维码内容与签名不符');
    const posts = requests.length;
    t.equal(await verifyAs(page, '张三丰'), '内容被改动');
    t.equal(await row(page, 'signature'), '未通过：二维码内容与签名不符');
    t.equal(await row(page, 'ledger'), '未检查');
    t.notOk(requests.slice(posts).some((r) => r.method() === 'POST'), 'no request to the ledger');
    await page.screenshot({ path: artifactPath('verify-page-altered.png'), fullPage: true });

    // One bit of a middle byte: an edit of the last characters can fall in base64's padding bits and leave the bytes as they were.
    const edited = Buffer.from(signature, 'base64url');
    edited[20] = edited[20]! ^ 0x01;
    const forged = await open(scanned!.replace(`.${signature}.`, `.${edited.toString('base64url')}.`));
    await forged.waitForSelector('#signature.bad');
    t.equal(await verifyAs(forged, '张三丰'), '内容被改动', 'a signature edited');
  });

  await t.test('the English switch keeps the payload', async (t) => {
    const page = await open(scanned!);
    await page.click('#lang');
    await page.waitForURL(/lang=en/);
    t.match(page.url(), /\?lang=en#[0-9a-f]{64}\./);
    await page.waitForSelector('#signature.ok');
    t.equal(await page.getAttribute('html', 'lang'), 'en');
    t.equal(await verifyAs(page, '张三丰'), 'Authentic');
    t.match(await page.textContent('#result .facts'), /Public 26 h, Professional 60 h, Elective 0 h, Total 86 h/);
  });

  await t.test('with JavaScript off, the form posts to the page and is answered there', async (t) => {
    const page = await open(scanned!, false);
    t.ok(await page.isVisible('noscript p, .message').catch(() => true));
    await page.fill('#holder', '张三丰');
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    t.equal((await page.textContent('#result .word'))?.trim(), '真实有效');
    t.equal(await row(page, 'signature'), '未检查：未启用 JavaScript');
    t.equal(await row(page, 'holder'), '相符');
    await page.screenshot({ path: artifactPath('verify-page-no-javascript.png'), fullPage: true });
    await page.fill('#holder', '李四');
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    // Without the script the payload after # never reaches the server: by number alone a wrong holder is 查无此证.
    t.equal((await page.textContent('#result .word'))?.trim(), '查无此证');
  });

  await t.test('after a revocation: 已撤销 with the reason', async (t) => {
    await revoke(app, no, 'lent');
    const page = await open(scanned!);
    t.equal(await verifyAs(page, '张三丰'), '已撤销');
    t.match(await page.textContent('#result .facts'), /撤销出借，2014年06月20日/);
    t.equal(await row(page, 'state'), '已撤销');
    await page.screenshot({ path: artifactPath('verify-page-revoked.png'), fullPage: true });
  });

  t.notOk(app.logs.some((l) => l.includes(ID_NUMBERS.p1) || l.includes(ID_NUMBERS.p2)), 'no ID number in any log line');
  t.notOk(app.logs.some((l) => l.includes(digest) || l.includes(signature)), 'nor the payload');
  t.ok(readFileSync(artifactPath('verify-page-authentic.png')).length > 10_000, 'the screenshot is saved');
});
