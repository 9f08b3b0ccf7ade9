// The request log from the admin CLI: filtered pages with a cursor, one request with its failed-over attempts,
// captured bodies read (and the reading audited under the CLI's actor), and bad filters refused before Redis.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RequestLogDetail } from '../../src/services/control/request-log-admin.js';
import type { RequestLogPage } from '../../src/services/request-log/request-log-service.js';
import { type CliEnv, type CliFixture, createCliFixture, runCli, runCliJson } from '../support/cli.js';
import { settleInput } from '../support/settle-input.js';

describe('requests CLI', () => {
  let fixture: CliFixture;
  let env: CliEnv;

  beforeEach(async () => {
    fixture = await createCliFixture();
    ({ env } = fixture);
  });
  afterEach(() => fixture.cleanup());

  it('lists, filters, pages and shows requests, and reads captured bodies', async () => {
    const services = await fixture.servicesLikeCli();
    await services.settler.settle(
      settleInput('req-a~1', { keyId: 'key_a', outcome: 'failed_over', status: 529 }),
    );
    await services.settler.settle(settleInput('req-a', { keyId: 'key_a', attempts: 2 }));
    await services.settler.settle(
      settleInput('req-b', {
        keyId: 'key_b',
        outcome: 'upstream_error',
        status: 502,
        errorCode: 'upstream_error',
        errorMessage: 'The upstream could not be reached',
        bodies: {
          requestId: 'req-b',
          at: Date.now(),
          request: '{"messages":[]}',
          requestTruncated: false,
          response: 'event: error',
          responseTruncated: false,
        },
      }),
    );

    const all = await runCliJson<RequestLogPage>(['requests', 'list', '--json'], env);
    expect(all.items.map((entry) => entry.requestId)).toEqual(['req-b', 'req-a', 'req-a~1']);
    const failed = await runCliJson<RequestLogPage>(
      ['requests', 'list', '--outcome', 'upstream_error', '--text', 'REACHED', '--json'],
      env,
    );
    expect(failed.items.map((entry) => entry.requestId)).toEqual(['req-b']);
    const first = await runCliJson<RequestLogPage>(['requests', 'list', '--limit', '1', '--json'], env);
    expect(first.nextCursor).toBeDefined();
    const text = await runCli(['requests', 'list', '--key', 'key_a', '--limit', '1'], env);
    expect(text.stdout).toContain('req-a');
    expect(text.stdout).toContain('more: --cursor');

    const detail = await runCliJson<RequestLogDetail>(['requests', 'show', 'req-a', '--json'], env);
    expect(detail.entry.attempts).toBe(2);
    expect(detail.attempts.map((attempt) => attempt.requestId)).toEqual(['req-a~1']);

    const bodies = await runCli(['requests', 'bodies', 'req-b'], env);
    expect(bodies.code).toBe(0);
    expect(bodies.stdout).toContain('{"messages":[]}');
    const audit = await services.audit.list({ action: 'request_log.read_bodies' });
    expect(audit.items[0]).toMatchObject({ target: 'req-b' });
    expect(audit.items[0]?.actor).toMatch(/^cli:/);
    const missing = await runCli(['requests', 'show', 'req-none'], env);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('req-none');
  });

  it('refuses bad filters before connecting', async () => {
    const bad = await runCli(['requests', 'list', '--outcome', 'maybe'], {
      ...env,
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--outcome must be one of');
    const since = await runCli(['requests', 'list', '--since', 'yesterday'], env);
    expect(since.stderr).toContain('--since must be an ISO date-time');
  });
});
