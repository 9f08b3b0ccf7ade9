// An import's report for people: totals per kind of record, warnings, then every record skipped or noted.
import type { ImportReport, ReportItem } from '../services/migration/import-report.js';
import { table } from './output.js';

export function reportText(report: ImportReport): string {
  const lines = [
    report.dryRun
      ? `Dry run of an import from ${report.source}: nothing was written.`
      : `Imported from ${report.source}.`,
    '',
    table(
      ['', 'imported', 'unchanged', 'skipped'],
      Object.entries(report.totals)
        .filter(([, counts]) => counts.imported + counts.unchanged + counts.skipped > 0)
        .map(([entity, counts]) => [
          entity,
          String(counts.imported),
          String(counts.unchanged),
          String(counts.skipped),
        ]),
    ),
  ];
  for (const warning of report.warnings) lines.push('', `! ${warning}`);
  const detailed = report.items.filter((item) => item.outcome === 'skipped' || item.notes.length > 0);
  if (detailed.length > 0) lines.push('', 'Details:');
  for (const item of detailed) lines.push(...describe(item));
  return lines.join('\n');
}

function describe(item: ReportItem): string[] {
  const what = `${item.entity}${item.kind ? ` ${item.kind}` : ''} ${item.name ? `"${item.name}" ` : ''}(CRS ${item.sourceId})`;
  const head =
    item.outcome === 'skipped'
      ? `- ${what}: skipped, ${item.reason ?? 'no reason given'}`
      : `- ${what}: ${item.outcome}${item.targetId ? ` as ${item.targetId}` : ''}`;
  return [head, ...item.notes.map((note) => `    ${note}`)];
}
