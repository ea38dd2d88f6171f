import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import t from 'tap';
import { decodeQr } from '../../src/certificates/content.js';
import { principals, testApp } from '../support/app.js';
import { artifactPath } from '../support/artifacts.js';
import { issuedZhengzhouCertificate, revoke } from '../support/certificate.js';

const run = promisify(execFile);
// jsqr is CommonJS whose exports are the function itself (also as `.default`, which its types name).
const jsQR = jsQRModule.default;
const BASE = 'https://verify.example.cn';
const holder = { role: 'professional', sub: 'p1' } as const;

/** Text of the PDF as poppler extracts it, whitespace removed (layout spacing is not what is checked). */
async function pdfText(file: string): Promise<string> {
  return (await run('pdftotext', [file, '-'])).stdout.replace(/\s+/g, '');
}

t.test('the printed certificate: A4 landscape PDF, Chinese embedded, holder, number, hours, and a QR that opens the page', async (t) => {
  const app = await testApp({ config: { publicBaseUrl: BASE } });
  t.teardown(app.close);
  const { no, qr } = await issuedZhengzhouCertificate(app);
  t.equal(qr, `${BASE}/v/${no}#${qr.split('#')[1]}`, 'the issued QR code is the page URL with the payload after #');

  const res = await app.as(holder, { url: `/v1/certificates/${no}/certificate.pdf` });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['content-type'], 'application/pdf');
  t.equal(res.headers['cache-control'], 'no-store', 'it carries the full name: no cache keeps it');
  const file = artifactPath('certificate.pdf');
  writeFileSync(file, res.rawPayload);

  const info = (await run('pdfinfo', [file])).stdout;
  t.match(info, /Page size:\s+841\.89 x 595\.28 pts \(A4\)/, 'A4 landscape');
  t.match(info, /Pages:\s+1\n/);
  const fonts = (await run('pdffonts', [file])).stdout.split('\n').slice(2).filter(Boolean);
  t.ok(fonts.length > 0 && fonts.every((l) => /NotoSansSC/.test(l) && /\byes\s+yes\s+yes\b/.test(l)), `every font embedded as a subset with a Unicode map:\n${fonts.join('\n')}`);

  const text = await pdfText(file);
  for (const expected of ['专业技术人员继续教育证书', '张三丰', '4101**********9812', no, '2014年度', '共计86学时', '公需科目26学时', '专业科目60学时', '选修课0学时', '郑州市人力资源和社会保障局', '已验印', '中级']) {
    t.ok(text.includes(expected), `the PDF's text has ${expected}`);
  }
  t.notOk(text.includes('410102198501159812'), 'never the full ID number (the ledger does not have it)');

  const png = artifactPath('certificate-page1');
  await run('pdftoppm', ['-png', '-r', '110', '-f', '1', '-l', '1', '-singlefile', file, png]);
  const image = PNG.sync.read(readFileSync(`${png}.png`));
  t.same([image.width, image.height].map((x) => Math.round(x / 10)), [129, 91], 'the page renders landscape');
  const scanned = jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length), image.width, image.height);
  t.equal(scanned?.data, qr, 'the QR code read from the rendered page is the issued one');
  t.same(decodeQr(scanned!.data)?.certificateNumber, no);

  const together = await Promise.all(Array.from({ length: 6 }, () => app.as(holder, { url: `/v1/certificates/${no}/certificate.pdf` })));
  t.same(
    together.map((r) => [r.statusCode, r.rawPayload.subarray(0, 5).toString('latin1'), r.rawPayload.subarray(-6).toString('latin1').trim()]),
    Array.from({ length: 6 }, () => [200, '%PDF-', '%%EOF']),
    'six at once, rendered on the PDF threads, each whole',
  );
  const bureau = await app.as(principals.zzBureau, { url: `/v1/certificates/${no}/certificate.pdf` });
  t.equal(bureau.statusCode, 200, 'the issuing bureau prints it too');
  // Who may read the holder's record but not print: refused. Who may not even read it: answered as for no such certificate.
  for (const [who, p] of [['the employer', principals.employer], ['an auditor', principals.auditor]] as const) {
    t.equal((await app.as(p, { url: `/v1/certificates/${no}/certificate.pdf` })).statusCode, 403, `${who} may not`);
  }
  for (const [who, p] of [['another professional', principals.otherProfessional], ['another bureau', principals.szBureau]] as const) {
    t.equal((await app.as(p, { url: `/v1/certificates/${no}/certificate.pdf` })).statusCode, 404, `${who} is not told it exists`);
  }
  t.equal((await app.app.inject({ url: `/v1/certificates/${no}/certificate.pdf` })).statusCode, 401, 'nor anyone without a token');
  t.equal((await app.as(holder, { url: '/v1/certificates/ZZ-2014-999999/certificate.pdf' })).statusCode, 404);
  const bad = await app.as(holder, { url: '/v1/certificates/nope/certificate.pdf' });
  t.same([bad.statusCode, bad.json().error.details[0].path], [400, 'params.no']);
});

t.test('the print view for browsers, and a revoked certificate printed as revoked', async (t) => {
  const app = await testApp({ config: { publicBaseUrl: BASE, bureauNames: { zhengzhou: '郑州市人社局（测试）' } } });
  t.teardown(app.close);
  const { no } = await issuedZhengzhouCertificate(app);
  const html = await app.as(holder, { url: `/v1/certificates/${no}/certificate.html` });
  t.equal(html.statusCode, 200);
  t.match(html.headers['content-type'], /^text\/html; charset=utf-8/);
  t.match(html.body, /@page\{size:A4 landscape/);
  t.match(html.body, /<dd>张三丰<\/dd>/);
  t.match(html.body, /<dd>郑州市人社局（测试）<\/dd>/, 'the issuing bureau as configured');
  t.match(html.body, /<svg[^>]*>/, 'the QR code inline');
  writeFileSync(artifactPath('certificate.html'), html.body);

  await revoke(app, no, 'lent');
  const res = await app.as(holder, { url: `/v1/certificates/${no}/certificate.pdf` });
  const file = artifactPath('certificate-revoked.pdf');
  writeFileSync(file, res.rawPayload);
  const text = await pdfText(file);
  t.ok(text.includes('已撤销（出借，2014年06月20日）'), 'the stamp line says revoked, why and when');
});
