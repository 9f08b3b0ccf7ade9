// Formats the bench results: machine info, the comparison table, the targets verdict, and the JSON file.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ScenarioResult } from './scenarios.js';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGb: number;
  platform: string;
  node: string;
  redis: string;
}

export function machineInfo(redisVersion: string): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    redis: redisVersion,
  };
}

export function formatMachine(machine: MachineInfo): string {
  return [
    `CPU: ${machine.cpuModel} (${machine.cores} cores), RAM ${machine.memoryGb} GB`,
    `OS: ${machine.platform}; Node ${machine.node}; Redis ${machine.redis}`,
  ].join('\n');
}

const fixed = (value: number | undefined, digits: number) =>
  value === undefined || Number.isNaN(value) ? 'N/A' : value.toFixed(digits);
const thousands = (value: number) => Math.round(value).toLocaleString('en-US');

export function formatTable(results: ScenarioResult[]): string {
  const header = [
    'mode',
    'conns',
    'direct req/s',
    'proxy req/s',
    'relay req/s',
    'relay/direct',
    'relay/proxy',
    'direct p50/p99 ms',
    'relay p50/p99 ms',
    'Δp50 c=1 ms',
    'proxy CPU µs/req',
    'relay CPU',
    'relay RSS MB',
    'Redis cmds/req',
    'Redis RT/req',
    'direct non-2xx/err',
    'proxy non-2xx/err',
    'relay non-2xx/err',
  ];
  const rows = results.map((r) => [
    r.mode,
    String(r.connections),
    thousands(r.direct.reqPerSec),
    thousands(r.proxy.reqPerSec),
    thousands(r.relay.reqPerSec),
    `${fixed((100 * r.relay.reqPerSec) / r.direct.reqPerSec, 1)}%`,
    `${fixed((100 * r.relay.reqPerSec) / r.proxy.reqPerSec, 1)}%`,
    `${fixed(r.direct.latencyMs.p50, 2)} / ${fixed(r.direct.latencyMs.p99, 2)}`,
    `${fixed(r.relay.latencyMs.p50, 2)} / ${fixed(r.relay.latencyMs.p99, 2)}`,
    r.connections === 1 ? fixed(r.relay.latencyMs.p50 - r.direct.latencyMs.p50, 2) : '',
    fixed(r.proxyCpuUsPerRequest, 0),
    `${fixed(r.cpu.relay.relay, 0)}% ${fixed(r.relayCpuUsPerRequest, 0)}µs/req`,
    fixed(r.relayRssMb, 0),
    fixed(r.redis.commands, 2),
    r.connections === 1 ? fixed(r.redis.roundTrips, 2) : 'N/A',
    problems(r.direct),
    problems(r.proxy),
    problems(r.relay),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  return [
    line(header),
    `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`,
    ...rows.map(line),
  ].join('\n');
}

/** Where the machine's cores went in each run: tells a relay-bound result from a starved one. */
export function formatCpuTable(results: ScenarioResult[]): string {
  const roles = ['relay', 'proxy', 'fake', 'redis', 'bench'];
  const cell = (percent: Record<string, number>) =>
    roles
      .filter((role) => percent[role] !== undefined)
      .map((role) => `${role} ${fixed(percent[role], 0)}%`)
      .join(', ');
  return results
    .map(
      (r) =>
        `  ${r.mode} c=${r.connections} (load avg ${r.loadAverage.toFixed(2)}): ` +
        `direct [${cell(r.cpu.direct)}]; proxy [${cell(r.cpu.proxy)}]; relay [${cell(r.cpu.relay)}]`,
    )
    .join('\n');
}

function problems(load: ScenarioResult['direct']): string {
  return `${load.non2xx}/${load.errors + load.timeouts}`;
}

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean | undefined;
}

/** The performance targets of the project's issue, judged on this run. */
export function checkTargets(results: ScenarioResult[]): TargetCheck[] {
  const find = (mode: string, connections: number) =>
    results.find((r) => r.mode === mode && r.connections === connections);
  const checks: TargetCheck[] = [];
  const busy = find('non-stream', 50);
  checks.push({
    target: 'relay non-stream c=50 ≥ 5,000 req/s',
    measured: busy ? `${thousands(busy.relay.reqPerSec)} req/s` : 'not run',
    met: busy ? busy.relay.reqPerSec >= 5000 : undefined,
  });
  const share = busy ? busy.relay.reqPerSec / busy.direct.reqPerSec : undefined;
  checks.push({
    target: 'relay non-stream c=50 ≥ 20% of direct',
    measured: share === undefined ? 'not run' : `${(100 * share).toFixed(1)}%`,
    met: share === undefined ? undefined : share >= 0.2,
  });
  // Issue 20: against a bare node:http proxy measured in the same run, CPU per request of a fully limited key.
  const cpu = busy?.relayCpuUsPerRequest;
  checks.push({
    target: 'relay non-stream c=50 ≤ 115 µs CPU per request',
    measured:
      cpu === undefined
        ? 'not run'
        : `${cpu.toFixed(0)} µs (bare proxy ${fixed(busy?.proxyCpuUsPerRequest, 0)} µs)`,
    met: cpu === undefined ? undefined : cpu <= 115,
  });
  const ofProxy = busy ? busy.relay.reqPerSec / busy.proxy.reqPerSec : undefined;
  checks.push({
    target: 'relay non-stream c=50 ≥ 60% of the bare proxy',
    measured: ofProxy === undefined ? 'not run' : `${(100 * ofProxy).toFixed(1)}%`,
    met: ofProxy === undefined ? undefined : ofProxy >= 0.6,
  });
  for (const mode of ['non-stream', 'sse']) {
    const single = find(mode, 1);
    const added = single ? single.relay.latencyMs.p50 - single.direct.latencyMs.p50 : undefined;
    checks.push({
      target: `${mode} c=1 p50 < 1 ms above direct`,
      measured: added === undefined ? 'not run' : `+${added.toFixed(2)} ms`,
      met: added === undefined ? undefined : added < 1,
    });
    checks.push({
      target: `${mode} ≤ 3 Redis round trips per request`,
      measured: single ? single.redis.roundTrips.toFixed(2) : 'not run',
      met: single ? Number(single.redis.roundTrips.toFixed(2)) <= 3 : undefined,
    });
  }
  return checks;
}

export function formatTargets(checks: TargetCheck[]): string {
  const verdict = (met: boolean | undefined) => (met === undefined ? 'n/a ' : met ? 'MET ' : 'MISS');
  return checks.map((check) => `  ${verdict(check.met)}  ${check.target}: ${check.measured}`).join('\n');
}

/** Every non-2xx response or connection error is a finding: the fake upstream never fails on its own. */
export function formatProblems(results: ScenarioResult[]): string | undefined {
  const lines: string[] = [];
  for (const r of results) {
    for (const [side, load] of [
      ['direct', r.direct],
      ['proxy', r.proxy],
      ['relay', r.relay],
    ] as const) {
      if (load.non2xx + load.errors + load.timeouts === 0) continue;
      lines.push(
        `  ${r.mode} c=${r.connections} ${side}: non-2xx ${load.non2xx}, errors ${load.errors}, ` +
          `timeouts ${load.timeouts}, status codes ${JSON.stringify(load.statusCodes)}`,
      );
    }
  }
  return lines.length > 0 ? lines.join('\n') : undefined;
}

export function writeJson(file: string, value: unknown): void {
  const dir = path.dirname(file);
  mkdirSync(dir, { recursive: true });
  // Git and Biome both honour this file: without it `npm run lint` would check the output after every run.
  writeFileSync(
    path.join(dir, '.gitignore'),
    '# Written by npm run bench: machine-specific output, never committed.\n*\n',
  );
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}
