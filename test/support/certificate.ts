import type { TestApp } from './app.js';
import { principals } from './app.js';
import { ok, seedZhengzhou } from './fixtures.js';

/** p1 (张三丰, Zhengzhou) compliant for 2014 (26 public + 60 professional hours), certificate issued and, unless told, stamped. */
export async function issuedZhengzhouCertificate(app: TestApp, options: { stamp?: boolean } = {}) {
  await seedZhengzhou(app);
  for (const courseId of ['c1', 'c2', 'c-pub']) await ok(app, principals.instA, '/v1/completions', { personId: 'p1', courseId, completedOn: '2014-05-08', assessment: 'passed' });
  const issued = (await ok(app, principals.zzBureau, '/v1/persons/p1/years/2014/certificate', {})) as { certificateNumber: string; qr: string; position: string };
  let position = issued.position;
  if (options.stamp ?? true) {
    position = (await ok(app, principals.zzBureau, `/v1/certificates/${issued.certificateNumber}/stamps`, { stampedOn: '2014-06-20', authority: '郑州市人力资源和社会保障局' })).position;
  }
  await app.read.runner.waitForPosition(BigInt(position), 2000);
  return { no: issued.certificateNumber, qr: issued.qr };
}

/** Revokes the certificate and waits until the read side has it. */
export async function revoke(app: TestApp, no: string, reason = 'lent') {
  const { position } = await ok(app, principals.zzBureau, `/v1/certificates/${no}/revocation`, { reason });
  await app.read.runner.waitForPosition(BigInt(position), 2000);
}
