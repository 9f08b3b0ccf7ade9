// What each part of the server costs to load (`node --import tsx bench/module-cost.ts`, after `npm run build`):
// every module is imported from the compiled dist/ in a fresh Node process, after the modules every process
// needs (the relay's request path), and the resident memory and time its import adds are printed. It tells which
// parts to load only when first needed, or to keep out of a relay-only process (issue 20).
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

/** What every process loads: the relay's routes and the service container. */
const BASE = ['dist/relay/routes.js', 'dist/services/container.js', 'dist/http/app.js'];

/** The parts a relay-only process might do without, as `npm start` loads them (src/server.ts). */
const PARTS: Record<string, readonly string[]> = {
  'GraphQL endpoint (schema, yoga)': ['dist/schema/graphql-endpoint.js'],
  'GraphQL over WebSocket (ws, graphql-ws)': ['dist/schema/graphql-ws.js'],
  'tRPC endpoint (router)': ['dist/trpc/trpc-endpoint.js'],
  'OpenTelemetry export (loads its SDK only when configured)': ['dist/observability/otel/otel-export.js'],
  'Prometheus metrics (prom-client)': [
    'dist/observability/metrics-endpoint.js',
    'dist/observability/relay-metrics.js',
  ],
  'dashboard static handler': ['dist/http/dashboard-assets.js'],
  'account tester': ['dist/relay/account-tester.js'],
};

const PROBE = `
const [base, extra] = JSON.parse(process.argv[1]);
const rss = () => process.memoryUsage().rss;
for (const file of base) await import(new URL(file, 'file://${ROOT}/'));
globalThis.gc?.();
const before = rss();
const started = performance.now();
for (const file of extra) await import(file.startsWith('dist/') ? new URL(file, 'file://${ROOT}/') : file);
const ms = performance.now() - started;
globalThis.gc?.();
console.log(JSON.stringify({ baseMb: before / 1048576, addedMb: (rss() - before) / 1048576, ms }));
`;

function probe(base: readonly string[], extra: readonly string[]) {
  const out = execFileSync(
    process.execPath,
    ['--expose-gc', '--input-type=module', '-e', PROBE, JSON.stringify([base, extra])],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { baseMb: number; addedMb: number; ms: number };
}

/** Packages the relay core loads, each on its own from a bare Node: what makes up the core's memory. */
const PACKAGES = [
  'zod',
  'ioredis',
  'undici',
  'express',
  'pino',
  '@pydantic/genai-prices',
  'jose',
  'argon2',
  'graphql',
];

const base = probe([], BASE);
console.log(
  `node alone → relay core (${BASE.join(', ')}): +${base.addedMb.toFixed(1)} MB RSS, ${base.ms.toFixed(0)} ms`,
);
for (const name of PACKAGES) {
  const runs = [probe([], [name]), probe([], [name]), probe([], [name])];
  const mb = runs.map((run) => run.addedMb).sort((a, b) => a - b)[1] ?? 0;
  console.log(`  package ${name} alone: +${mb.toFixed(1)} MB RSS (median of 3)`);
}
for (const [name, files] of Object.entries(PARTS)) {
  const runs = [probe(BASE, files), probe(BASE, files), probe(BASE, files)];
  const mb = runs.map((run) => run.addedMb).sort((a, b) => a - b)[1] ?? 0;
  const ms = runs.map((run) => run.ms).sort((a, b) => a - b)[1] ?? 0;
  console.log(`${name}: +${mb.toFixed(1)} MB RSS, ${ms.toFixed(0)} ms to load (median of 3)`);
}
