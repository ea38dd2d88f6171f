import type { CertificateView } from '../../../projections/certificate-state.js';
import type { CertificateRecord, PersonRecord } from '../../../projections/person.js';
import type { CertificateRevocationReason } from '../../../schemas/common.js';
import { certificateTitle, hoursText, REVOCATION_REASON_ZH, TITLE_LEVEL_ZH, zhDate } from './labels.js';

export type StampState =
  | { state: 'stamped'; authority: string; stampedOn: string }
  | { state: 'unstamped' }
  | { state: 'revoked'; reason: string; revokedOn: string }
  | { state: 'invalidated'; because: string };

/**
 * What the printed certificate shows. It is handed to the holder and kept by the bureau, and a
 * review panel compares it with the person in front of them, so it carries the holder's full name
 * (the signed content and the public page carry the masked one) beside the masked ID number: the
 * ledger keeps no more of the number than that.
 */
export interface PrintedCertificate {
  title: string;
  certificateNumber: string;
  holderName: string;
  idNumberMasked: string;
  year: number;
  titleLevel: string;
  hours: { public: number; professional: number; elective: number; total: number };
  ruleSet: string;
  issuer: string;
  issuedOn: string;
  stamp: StampState;
  /** The text of the QR code: the verification page's URL with the signed payload. */
  qr: string;
  digest: string;
}

export function printedCertificate(record: PersonRecord, cert: CertificateRecord, status: CertificateView, issuer: string, qr: string): PrintedCertificate {
  const c = cert.issued.content;
  const stamp: StampState =
    status.status === 'revoked'
      ? { state: 'revoked', reason: status.revocationReason ?? '', revokedOn: status.revokedOn ?? '' }
      : status.status === 'invalidated'
        ? { state: 'invalidated', because: status.invalidatedBecause ?? '' }
        : status.status === 'stamped'
          ? { state: 'stamped', authority: status.authority ?? '', stampedOn: status.stampedOn ?? '' }
          : { state: 'unstamped' };
  return {
    title: certificateTitle(c.jurisdiction),
    certificateNumber: cert.certificateNumber,
    holderName: record.name,
    idNumberMasked: c.idNumberMasked,
    year: c.year,
    titleLevel: TITLE_LEVEL_ZH[c.titleLevel],
    hours: c.hours,
    ruleSet: c.ruleSet,
    issuer,
    issuedOn: c.issuedOn,
    stamp,
    qr,
    digest: cert.issued.digest,
  };
}

/** The lines of the certificate's body, in the order printed; the PDF and the print view share them. */
export function bodyLines(p: PrintedCertificate): { label: string; value: string }[] {
  return [
    { label: '姓　　名', value: p.holderName },
    { label: '身份证号', value: p.idNumberMasked },
    { label: '职称级别', value: p.titleLevel },
    { label: '年　　度', value: `${p.year}年度` },
    { label: '适用规则', value: p.ruleSet },
    { label: '发证机关', value: p.issuer },
    { label: '证书编号', value: p.certificateNumber },
    { label: '发证日期', value: zhDate(p.issuedOn) },
    { label: '验印状态', value: stampText(p.stamp) },
  ];
}

/** The sentence that states the hours, in words as a bureau writes them, in its two printed lines. */
export function hoursSentence(p: PrintedCertificate): [string, string] {
  const h = p.hours;
  return [
    `该同志${p.year}年度参加继续教育共计${hoursText(h.total)}学时，`,
    `其中公需科目${hoursText(h.public)}学时、专业科目${hoursText(h.professional)}学时、选修课${hoursText(h.elective)}学时，经审核符合规定。`,
  ];
}

export function stampText(s: StampState): string {
  switch (s.state) {
    case 'stamped':
      return `已验印（${s.authority}，${zhDate(s.stampedOn)}）`;
    case 'unstamped':
      return '未验印（验印后生效）';
    case 'revoked':
      return `已撤销（${REVOCATION_REASON_ZH[s.reason as CertificateRevocationReason] ?? s.reason}，${zhDate(s.revokedOn)}）`;
    case 'invalidated':
      return '已失效（账本记录已变更，须重新发证）';
  }
}

/** A word across the page when the certificate no longer stands (or does not yet). */
export function watermark(s: StampState): string | undefined {
  return s.state === 'revoked' ? '已撤销' : s.state === 'invalidated' ? '已失效' : s.state === 'unstamped' ? '未验印' : undefined;
}
