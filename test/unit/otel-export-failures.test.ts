// Export failures reach the relay's log at most once a minute, with how many were held back since the last.
import { describe, expect, it } from 'vitest';
import { FailureLog } from '../../src/observability/otel/export-failures.js';

function recorder() {
  const warnings: Array<{ fields: Record<string, unknown>; message: string }> = [];
  const logger = {
    warn: (fields: Record<string, unknown>, message: string) => warnings.push({ fields, message }),
  };
  return { logger, warnings };
}

describe('FailureLog', () => {
  it('logs the first failure, counts the rest of the minute, and logs again with that count after it', () => {
    const { logger, warnings } = recorder();
    let now = 1_000_000;
    const failures = new FailureLog(logger, 60_000, () => now);

    failures.report('traces', new Error('connect ECONNREFUSED 127.0.0.1:4318'));
    now += 5_000;
    failures.report('metrics', new Error('connect ECONNREFUSED 127.0.0.1:4318'));
    now += 54_999;
    failures.report('traces', 'still down');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.fields).toEqual({
      stage: 'traces',
      reason: 'connect ECONNREFUSED 127.0.0.1:4318',
      suppressedSinceLast: 0,
    });

    now += 1;
    failures.report('metrics', 'Bad Request');
    expect(warnings).toHaveLength(2);
    expect(warnings[1]?.fields).toEqual({ stage: 'metrics', reason: 'Bad Request', suppressedSinceLast: 2 });
  });
});
