// The in-memory queue of writes Redis did not take: what it reports as not taken yet must include a batch being
// written at that moment, or a caller waiting for it to empty (shutdown, the settler's drain, a test balancing
// the books) goes on while that batch can still fail and come back.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/logger.js';
import { StoreRetryQueue, type WriteOutcome } from '../../src/services/redis/retry-queue.js';
import { createTestRedis, type TestRedis } from '../support/redis.js';

/** A write whose answer the test gives, one call at a time. */
function heldWrites() {
  const calls: Array<{ batch: string[]; answer: (outcome: WriteOutcome) => void }> = [];
  const waiting: Array<() => void> = [];
  return {
    calls,
    write(batch: string[]): Promise<WriteOutcome> {
      return new Promise((answer) => {
        calls.push({ batch, answer });
        for (const wake of waiting.splice(0)) wake();
      });
    },
    async nextCall() {
      const seen = calls.length;
      while (calls.length === seen) await new Promise<void>((wake) => waiting.push(wake));
      return calls[calls.length - 1] as (typeof calls)[number];
    },
  };
}

describe('StoreRetryQueue', () => {
  let t: TestRedis;
  beforeEach(async () => {
    t = await createTestRedis();
  });
  afterEach(() => t.cleanup());

  it('counts a batch being written as not taken, until Redis has taken it', async () => {
    const writes = heldWrites();
    const queue = new StoreRetryQueue(
      t.redis,
      (batch: string[]) => writes.write(batch),
      {
        name: 'test writes',
        max: 10,
      },
      createLogger({ level: 'silent' }),
    );
    try {
      queue.push(['a', 'b']);
      expect(queue.size).toBe(2);

      const first = writes.nextCall();
      const flushed = queue.flush();
      const call = await first;
      expect(call.batch).toEqual(['a', 'b']);
      expect(queue.size).toBe(2);
      call.answer('unavailable');
      await flushed;
      expect(queue.size).toBe(2);

      const second = writes.nextCall();
      const again = queue.flush();
      queue.push(['c']);
      (await second).answer('done');
      const third = await writes.nextCall();
      expect(third.batch).toEqual(['c']);
      expect(queue.size).toBe(1);
      third.answer('done');
      await again;
      expect(queue.size).toBe(0);
    } finally {
      queue.close();
    }
  });
});
