// Results of accounts' connection tests (a tiny request sent on an operator's behalf): the latest few are kept
// per account, newest first, for the control plane to show.
import { z } from 'zod';
import type { RedisContext } from '../redis/record-store.js';
import { crossSlotPipeline } from '../redis/slot-spanning.js';

const KEPT_RESULTS = 20;

export const connectionTestResultSchema = z.object({
  accountId: z.string(),
  at: z.number().int(),
  ok: z.boolean(),
  /** The upstream's HTTP status; absent when it could not be reached. */
  status: z.number().int().optional(),
  latencyMs: z.number(),
  /** The model the test asked for, as sent upstream. */
  model: z.string(),
  /** What went wrong, in the upstream's words where it gave any. */
  message: z.string().optional(),
});
export type ConnectionTestResult = z.infer<typeof connectionTestResultSchema>;

export class ConnectionTestLog {
  constructor(private readonly context: RedisContext) {}

  async record(result: ConnectionTestResult): Promise<void> {
    const key = this.context.keys.accountTests(result.accountId);
    await crossSlotPipeline(this.context.redis)
      .lpush(key, JSON.stringify(result))
      .ltrim(key, 0, KEPT_RESULTS - 1)
      .exec();
  }

  async recent(accountId: string, limit = KEPT_RESULTS): Promise<ConnectionTestResult[]> {
    const raw = await this.context.redis.lrange(this.context.keys.accountTests(accountId), 0, limit - 1);
    return raw.flatMap((line) => {
      const parsed = connectionTestResultSchema.safeParse(JSON.parse(line));
      return parsed.success ? [parsed.data] : [];
    });
  }
}
