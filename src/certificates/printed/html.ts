import QRCode from 'qrcode';
import { escapeHtml } from '../../pages/escape.js';
import { CATEGORY_ZH, hoursText } from './labels.js';
import { bodyLines, hoursSentence, watermark } from './model.js';
import type { PrintedCertificate } from './model.js';

const STYLE = `@page{size:A4 landscape;margin:0}
*{box-sizing:border-box}
body{margin:0;font-family:"Noto Sans SC","Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;color:#1a1a1a;background:#eee}
.sheet{position:relative;width:297mm;height:210mm;margin:0 auto;background:#fff;padding:12mm;overflow:hidden}
.frame{border:3px solid #8b1a1a;outline:1px solid #8b1a1a;outline-offset:-8px;height:100%;padding:10mm 16mm}
h1{font-size:28pt;text-align:center;letter-spacing:.2em;margin:4mm 0 1mm}
.en{text-align:center;color:#555;font-size:10pt;margin:0 0 6mm}
.body{display:flex;justify-content:space-between}
dl{display:grid;grid-template-columns:6em auto;gap:1.5mm 2mm;margin:0;font-size:12.5pt}
dt{font-weight:700}dd{margin:0}
.sentence{font-size:12pt;margin:4mm 0}
table{border-collapse:collapse}td,th{border:1px solid #444;width:32mm;text-align:center;padding:1.5mm}
.qr{width:58mm;text-align:center;font-size:9pt;color:#555}.qr svg{width:58mm;height:58mm}.qr b{display:block;color:#1a1a1a;font-size:12pt}
.issuer{position:absolute;right:30mm;bottom:28mm;text-align:right;font-weight:700;font-size:14pt}
.mark{position:absolute;left:0;right:0;top:38%;text-align:center;font-size:110pt;font-weight:700;color:rgba(178,34,34,.18);transform:rotate(-20deg)}
@media print{body{background:#fff}.sheet{margin:0}}`;

/** The same certificate as a page to print from a browser (A4 landscape), with the QR code inline. */
export async function certificateHtml(p: PrintedCertificate): Promise<string> {
  const qr = await QRCode.toString(p.qr, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
  const mark = watermark(p.stamp);
  const lines = bodyLines(p)
    .map((l) => `<dt>${escapeHtml(l.label)}</dt><dd>${escapeHtml(l.value)}</dd>`)
    .join('');
  const cells = (['public', 'professional', 'elective', 'total'] as const);
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(p.title)} ${escapeHtml(p.certificateNumber)}</title><style>${STYLE}</style></head>
<body><main class="sheet"><div class="frame">
<h1>${escapeHtml(p.title)}</h1>
<p class="en">Certificate of Continuing Education for Professional and Technical Personnel</p>
<div class="body"><section>
<dl>${lines}</dl>
<p class="sentence">${hoursSentence(p).map(escapeHtml).join('<br>')}</p>
<table><tr>${cells.map((c) => `<th>${CATEGORY_ZH[c]}</th>`).join('')}</tr><tr>${cells.map((c) => `<td>${escapeHtml(hoursText(p.hours[c]))}学时</td>`).join('')}</tr></table>
</section>
<aside class="qr">${qr}<b>扫码核验</b>Scan with a phone camera to verify<br>数字指纹 SHA-256 ${escapeHtml(p.digest.slice(0, 16))}…</aside></div>
<div class="issuer">${escapeHtml(p.issuer)}<br><small>（继续教育专用章）</small></div>
${mark ? `<div class="mark">${escapeHtml(mark)}</div>` : ''}
</div></main></body></html>`;
}
