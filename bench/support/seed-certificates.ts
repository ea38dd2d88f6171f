import { issueCertificate, stampCertificate } from '../../src/certificates/commands.js';
import type { CommandContext } from '../../src/domain/handle.js';
import { JURISDICTIONS } from '../../schemas/common.js';
import type { Jurisdiction } from '../../schemas/common.js';
import { protectIdNumber } from '../../src/security/id-number.js';
import { loadSecrets } from '../../src/security/secrets.js';
import { Keyring } from '../../src/security/signing-keys.js';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-store.js';
import { generateWorkload } from '../../src/workload/generate.js';
import { writeWorkload } from '../../src/workload/write.js';
import { join } from 'node:path';

/** 10 December 2014: a working day and a Shantou stamp day, after every synthetic course. */
const NOW = new Date('2014-12-10T02:00:00Z');

/**
 * A data dir holding a synthetic year and `count` certificates issued and stamped through the real
 * command handlers (compliance decided, content signed), for the verification benchmark.
 */
export async function seedCertificates(dataDir: string, count: number): Promise<{ certificateNumber: string; holder: string }[]> {
  const store = SqliteEventStore.open({ file: join(dataDir, 'events.db'), clock: () => NOW });
  const { idPepper } = loadSecrets(dataDir);
  const keyring = Keyring.open(dataDir);
  const persons = Math.ceil(count * 1.25);
  await writeWorkload(store, generateWorkload({ persons, revocationShare: 0, protectId: (id) => protectIdNumber(idPepper, id) }));
  const ctx = (j: Jurisdiction): CommandContext => ({ store, clock: () => NOW, actor: { role: 'bureau', sub: `${j}-city`, jurisdiction: j, level: 'city' } });
  const issued: { certificateNumber: string; holder: string }[] = [];
  for (let p = 0; p < persons && issued.length < count; p++) {
    const j = JURISDICTIONS[p % JURISDICTIONS.length]!;
    const personId = `p${String(p).padStart(7, '0')}`;
    const out = await issueCertificate(ctx(j), personId, 2014, { keyring });
    if (!out.ok) continue;
    const stamped = await stampCertificate(ctx(j), out.certificateNumber, { stampedOn: '2014-12-10', authority: `${j} city bureau` }, { keyring });
    if (stamped.ok) issued.push({ certificateNumber: out.certificateNumber, holder: `测试${p}` });
  }
  await store.close();
  return issued;
}
