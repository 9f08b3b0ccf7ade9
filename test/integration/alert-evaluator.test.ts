// Alert rules evaluated from real events on real Redis: error rate and p95 latency over a window, a key near a
// limit, spend against the trailing hours, leaks the reconciler reports; each firing and its end announced once
// in the alert history, however many instances evaluate, and a repeat within the cool-down kept quiet.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RECONCILE_TOPIC } from '../../src/services/alerts/alert-evaluator.js';
import type { CreateAlertRuleInput } from '../../src/services/alerts/alert-rule-types.js';
import type { Services } from '../../src/services/container.js';
import { createTestServices } from '../support/services.js';
import { settleInput } from '../support/settle-input.js';

const HOUR = 3_600_000;

describe('alert evaluator', () => {
  let services: Services;
  let others: Services[] = [];

  beforeEach(async () => {
    services = await createTestServices({ operator: { alerts: { tickMs: 60_000, spendEveryMs: 0 } } });
    await services.operator.alerts.start();
  });
  afterEach(async () => {
    for (const other of others) {
      await other.operator.alerts.stop();
      await other.stop();
    }
    others = [];
    await services.operator.alerts.stop();
    await services.stop();
  });

  /** A new rule, loaded by every evaluator before the test sends the events it watches. */
  const rule = async (input: Partial<CreateAlertRuleInput> & Pick<CreateAlertRuleInput, 'condition'>) => {
    const created = await services.operator.alertRules.create({ name: 'rule', ...input });
    for (const each of [services, ...others]) await each.operator.alerts.reload();
    return created;
  };

  /** The alert history, oldest first, as `<state> <subject>`. */
  const history = async () =>
    (await services.operator.alertFiring.history(100)).items
      .map((event) => `${event.state} ${event.subject}`)
      .reverse();

  /** Runs every evaluator until the history shows `expected` (events reach evaluators over pub/sub). */
  const settlesTo = (expected: string[], evaluators = [services, ...others]) =>
    expect
      .poll(
        async () => {
          for (const each of evaluators) await each.operator.alerts.tick();
          return history();
        },
        { timeout: 5000, interval: 20 },
      )
      .toEqual(expected);

  const settle = (count: number, overrides: Parameters<typeof settleInput>[1]) =>
    Promise.all(
      Array.from({ length: count }, (_, index) =>
        services.settler.settle(
          settleInput(`req-${Math.random().toString(36).slice(2)}-${index}`, overrides),
        ),
      ),
    );

  it('fires on an error rate over the threshold per model, with the figures, and resolves when it falls', async () => {
    await rule({
      condition: { kind: 'error_rate', threshold: 0.5, scope: 'model', windowMs: 60_000, minRequests: 4 },
    });
    await settle(2, { model: 'claude-sonnet-4-5', outcome: 'ok' });
    await settle(4, { model: 'claude-sonnet-4-5', outcome: 'upstream_error', status: 529 });
    // Too few requests of haiku to decide anything about it.
    await settle(3, { model: 'claude-haiku-4-5', outcome: 'upstream_error', status: 529 });
    await settlesTo(['firing claude-sonnet-4-5']);
    const [event] = (await services.operator.alertFiring.history(1)).items;
    expect(event?.facts).toMatchObject({ 'error rate': '67%', errors: 4, requests: 6 });
    expect(event?.title).toContain('Error rate of model claude-sonnet-4-5');
    await settle(30, { model: 'claude-sonnet-4-5', outcome: 'ok' });
    await settlesTo(['firing claude-sonnet-4-5', 'resolved claude-sonnet-4-5']);
  });

  it('fires on p95 latency over all traffic', async () => {
    await rule({ condition: { kind: 'latency_p95', thresholdMs: 2000, windowMs: 60_000, minRequests: 10 } });
    await settle(9, { latencyMs: 100 });
    await settle(11, { latencyMs: 4000 });
    await settlesTo(['firing all']);
  });

  it('fires when a key has spent a share of a limit, naming the limit', async () => {
    await rule({ condition: { kind: 'key_limit', percent: 50 } });
    const { plaintext, key } = await services.apiKeys.create({
      name: 'capped',
      limits: { dailyCostMicros: 3000 },
    });
    const stored = await services.apiKeys.authenticate(plaintext);
    const ticket = await services.admission.admit({
      key: stored,
      requestId: 'req-capped',
      platform: 'claude',
      model: 'claude-haiku-4-5',
      client: undefined,
      stream: false,
      input: { boundTokens: 1000, estimateTokens: 250, cacheWrites: 'none' },
      maxTokens: 200,
    });
    // claude-haiku-4-5 at $1/$5 per MTok: 1000 input + 200 output = 2000 micro-USD of 3000.
    await services.settler.settle(
      settleInput('req-capped', {
        ticket,
        keyId: key.id,
        usage: { input: 1000, output: 200, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 },
      }),
    );
    await settlesTo([`firing ${key.id}`]);
    const [event] = (await services.operator.alertFiring.history(1)).items;
    expect(event?.facts).toMatchObject({ name: 'capped', limit: 'daily cost', used: '67%' });
  });

  it('fires on spend far above the trailing hours and stays quiet for ordinary spend', async () => {
    await rule({ condition: { kind: 'spend_anomaly', factor: 3, trailingHours: 3, minCostMicros: 1000 } });
    const usage = { input: 1000, output: 200, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 };
    for (const hoursAgo of [1, 2, 3]) await settle(1, { usage, at: Date.now() - hoursAgo * HOUR });
    await settle(1, { usage });
    await services.rollups.drain();
    await services.operator.alerts.tick();
    expect(await history()).toEqual([]);
    await settle(5, { usage });
    await services.rollups.drain();
    await settlesTo(['firing all']);
  });

  it('fires on leaks the reconciler reports and resolves on its next clean pass', async () => {
    await rule({ condition: { kind: 'leak' } });
    await services.bus.publish(
      RECONCILE_TOPIC,
      JSON.stringify({ lostRequests: 2, keyLeases: 1, accountLeases: 0 }),
    );
    await settlesTo(['firing relay']);
    await services.bus.publish(
      RECONCILE_TOPIC,
      JSON.stringify({ lostRequests: 0, keyLeases: 0, accountLeases: 0 }),
    );
    await settlesTo(['firing relay', 'resolved relay']);
  });

  it('announces each change once with three instances evaluating, and keeps a repeat in the cool-down quiet', async () => {
    for (let index = 0; index < 2; index += 1) {
      const other = await createTestServices({
        keyPrefix: services.context.keys.prefix,
        operator: { alerts: { tickMs: 60_000 } },
      });
      await other.operator.alerts.start();
      others.push(other);
    }
    await rule({ condition: { kind: 'leak' }, cooldownMs: 3_600_000 });
    const report = (lost: number) => JSON.stringify({ lostRequests: lost, keyLeases: 0, accountLeases: 0 });
    await services.bus.publish(RECONCILE_TOPIC, report(1));
    await settlesTo(['firing relay']);
    await services.bus.publish(RECONCILE_TOPIC, report(0));
    await settlesTo(['firing relay', 'resolved relay']);
    // Leaking again within the cool-down: the rule is firing again, but nobody is told twice in an hour.
    await services.bus.publish(RECONCILE_TOPIC, report(3));
    await expect
      .poll(
        async () =>
          (
            await services.operator.alertFiring.firing(
              (await services.operator.alertRules.all())[0]?.id ?? '',
            )
          ).size,
      )
      .toBe(1);
    await settlesTo(['firing relay', 'resolved relay']);
  });

  it('refuses invalid rules naming the field', async () => {
    await expect(rule({ condition: { kind: 'error_rate', threshold: 2 } })).rejects.toMatchObject({
      code: 'invalid_request',
      details: { field: 'condition.threshold' },
    });
    await expect(rule({ condition: { kind: 'leak' }, channelIds: ['chn_missing'] })).rejects.toMatchObject({
      details: { field: 'channelIds.0' },
    });
    await expect(
      rule({ condition: { kind: 'latency_p95', thresholdMs: 10, windowMs: 10 } }),
    ).rejects.toMatchObject({ details: { field: 'condition.windowMs' } });
  });
});
