// A statement as CSV (one row per line item, totals last) and as a printable HTML page (the console's
// "print / save as PDF"). Cells are escaped for their format; no script, no outside resources.
import { stringify } from 'csv-stringify/sync';
import type { Statement } from '../contract/billing';

/** Spreadsheets run cells starting with these as formulas; a leading apostrophe keeps them text. */
function cell(value: string | number | null): string | number {
  if (typeof value !== 'string') return value ?? '';
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function statementCsv(s: Statement): string {
  const rows: (string | number | null)[][] = [['day', 'key_id', 'key_name', 'unit', 'quantity', 'unit_price', 'amount', 'currency']];
  for (const l of s.lines) rows.push([l.day, l.keyId, l.keyName, l.unit, l.quantity, l.unitPrice, l.amount, l.currency]);
  for (const t of s.totals) rows.push(['total', '', '', '', '', '', t.amount, t.currency]);
  return stringify(rows.map((r) => r.map(cell)));
}

function esc(text: string | number | null): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

export function statementHtml(s: Statement): string {
  const who = s.subject.kind === 'all' ? 'All keys' : `${s.subject.kind === 'key' ? 'Key' : 'Group'} ${s.subject.name ?? s.subject.id}`;
  const lines = s.lines
    .map(
      (l) =>
        `<tr><td>${esc(l.day)}</td><td>${esc(l.keyName ?? l.keyId)}</td><td>${esc(l.unit)}</td><td class="n">${esc(l.quantity)}</td><td class="n">${esc(l.unitPrice)}</td><td class="n">${esc(l.amount)} ${esc(l.currency)}</td></tr>`,
    )
    .join('\n');
  const totals = s.totals
    .map((t) => `<tr class="total"><td colspan="5">Total</td><td class="n">${esc(t.amount)} ${esc(t.currency)}</td></tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Hearth statement ${esc(s.from)} – ${esc(s.to)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#222}h1{font-size:1.4rem;margin:0 0 .25rem}
p{margin:.2rem 0;color:#555}table{border-collapse:collapse;width:100%;margin-top:1.5rem}
th,td{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
tr.total td{font-weight:600;border-top:2px solid #222}@media print{body{margin:0}}
</style></head><body>
<h1>Statement</h1><p>${esc(who)}</p><p>${esc(s.from)} to ${esc(s.to)} (UTC) · issued ${esc(s.issuedAt)}</p>
<table><thead><tr><th>Day</th><th>Key</th><th>Unit</th><th class="n">Quantity</th><th class="n">Unit price</th><th class="n">Amount</th></tr></thead>
<tbody>
${lines || '<tr><td colspan="6">No charges in this period.</td></tr>'}
${totals}
</tbody></table></body></html>
`;
}
