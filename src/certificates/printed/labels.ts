import type { CertificateRevocationReason, TitleLevel } from '../../../schemas/common.js';

/** The Chinese words a bureau prints and a verifier reads, shared by the printed certificate and the page. */
export const TITLE_LEVEL_ZH: Record<TitleLevel, string> = {
  junior: '初级',
  intermediate: '中级',
  'deputy-senior': '副高级',
  senior: '正高级',
};

export const CATEGORY_ZH = { public: '公需科目', professional: '专业科目', elective: '选修课', total: '合计' } as const;

export const REVOCATION_REASON_ZH: Record<CertificateRevocationReason, string> = {
  forged: '伪造',
  altered: '变造',
  'rented-out': '出租',
  transferred: '转让',
  lent: '出借',
  'fraudulent-credit': '学时弄虚作假',
  error: '发证有误',
};

export const REVOCATION_REASON_EN: Record<CertificateRevocationReason, string> = {
  forged: 'forged',
  altered: 'altered',
  'rented-out': 'rented out',
  transferred: 'transferred',
  lent: 'lent',
  'fraudulent-credit': 'fraudulent class hours',
  error: 'issued in error',
};

/** `2014-06-20` as `2014年06月20日`. */
export const zhDate = (d: string) => `${d.slice(0, 4)}年${d.slice(5, 7)}月${d.slice(8, 10)}日`;

/** Hours as the ledger counts them (halves occur), without a trailing `.0`. */
export const hoursText = (h: number) => String(Math.round(h * 100) / 100);

/**
 * The certificate's title: in Shantou the system prints the province's certificate, 《广东省专业技术人员继续教育证书》
 * (ST-11); elsewhere the general title.
 */
export function certificateTitle(jurisdiction: string): string {
  return jurisdiction === 'shantou' ? '广东省专业技术人员继续教育证书' : '专业技术人员继续教育证书';
}
