// What the relay keeps of the telemetry signed-in Claude Code sends (OTLP to `/v1/logs` and friends): per user
// and day, how many sessions (distinct session ids, a HyperLogLog), and how many uses of each tool and events
// of each kind. One pipeline per export; everything expires after five weeks. The rest is discarded.
import type { RedisContext } from '../redis/record-store.js';
import { crossSlotPipeline } from '../redis/slot-spanning.js';

/** A decoded export, reduced to what is counted; bounded by the decoder. */
export interface TelemetryExport {
  signal: string;
  records: number;
  sessions: readonly string[];
  events: Readonly<Record<string, number>>;
  tools: Readonly<Record<string, number>>;
}

export interface UserTelemetry {
  day: string;
  sessions: number;
  records: number;
  tools: Record<string, number>;
  events: Record<string, number>;
}

const KEEP_SECONDS = 35 * 86_400;

function utcDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

export class TelemetryCounts {
  constructor(
    private readonly context: RedisContext,
    private readonly now: () => number = Date.now,
  ) {}

  async record(userId: string, telemetry: TelemetryExport): Promise<void> {
    if (telemetry.records === 0) return;
    const { redis, keys } = this.context;
    const day = utcDay(this.now());
    const counts = keys.userTelemetry(userId, day);
    const sessions = keys.userTelemetrySessions(userId, day);
    const pipeline = crossSlotPipeline(redis).hincrby(
      counts,
      `records:${telemetry.signal}`,
      telemetry.records,
    );
    for (const [name, count] of Object.entries(telemetry.tools))
      pipeline.hincrby(counts, `tool:${name}`, count);
    for (const [name, count] of Object.entries(telemetry.events))
      pipeline.hincrby(counts, `event:${name}`, count);
    pipeline.expire(counts, KEEP_SECONDS);
    if (telemetry.sessions.length > 0)
      pipeline.pfadd(sessions, ...telemetry.sessions).expire(sessions, KEEP_SECONDS);
    await pipeline.exec();
  }

  async read(userId: string, day: string = utcDay(this.now())): Promise<UserTelemetry> {
    const { redis, keys } = this.context;
    const [counts, sessions] = await Promise.all([
      redis.hgetall(keys.userTelemetry(userId, day)),
      redis.pfcount(keys.userTelemetrySessions(userId, day)),
    ]);
    const result: UserTelemetry = { day, sessions, records: 0, tools: {}, events: {} };
    for (const [field, value] of Object.entries(counts)) {
      const count = Number(value);
      if (field.startsWith('tool:')) result.tools[field.slice(5)] = count;
      else if (field.startsWith('event:')) result.events[field.slice(6)] = count;
      else if (field.startsWith('records:')) result.records += count;
    }
    return result;
  }
}
