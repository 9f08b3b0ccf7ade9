// Which subjects of each rule are firing, held in Redis so that every instance evaluating the rules agrees:
// one script per change decides whether it is announced (cool-down) and by whom (the first to make it), and
// the announcements are kept as the alert history.
import type { RedisContext } from '../redis/record-store.js';
import type { AlertEvent, AlertRule } from './alert-rule-types.js';

/** Announcements the history keeps, newest last. */
const HISTORY_LENGTH = 1000;

export type Transition =
  | { kind: 'fire'; firedAt: number }
  | { kind: 'resolve'; firedAt: number }
  | { kind: 'quiet' }
  | { kind: 'none' };

export class AlertFiring {
  constructor(private readonly context: RedisContext) {}

  /** The rule's firing subjects with when each started firing. */
  async firing(ruleId: string): Promise<Map<string, number>> {
    const hash = await this.context.redis.hgetall(this.context.keys.alertFiring(ruleId));
    return new Map(Object.entries(hash).map(([subject, value]) => [subject, Number(value.split(':')[0])]));
  }

  async move(rule: AlertRule, subject: string, to: 'firing' | 'ok', now: number): Promise<Transition> {
    const { keys, scripts } = this.context;
    const result = String(
      await scripts.run(
        'alert-transition',
        [keys.alertFiring(rule.id), keys.alertAnnounced(rule.id)],
        [subject, to, now, rule.cooldownMs],
      ),
    );
    if (result === 'none' || result === 'quiet') return { kind: result };
    const [kind, at] = result.split(':');
    return { kind: kind === 'fire' ? 'fire' : 'resolve', firedAt: Number(at) };
  }

  async record(event: AlertEvent): Promise<void> {
    await this.context.redis.xadd(
      this.context.keys.alertEvents(),
      'MAXLEN',
      '~',
      HISTORY_LENGTH,
      '*',
      'e',
      JSON.stringify(event),
    );
  }

  /** Newest first; `before` is a previous page's last stream id. */
  async history(limit: number, before?: string): Promise<{ items: AlertEvent[]; nextCursor?: string }> {
    const raw = await this.context.redis.xrevrange(
      this.context.keys.alertEvents(),
      before ? `(${before}` : '+',
      '-',
      'COUNT',
      limit,
    );
    const items = raw.flatMap(([, fields]) => {
      try {
        return [JSON.parse(fields[1] ?? '') as AlertEvent];
      } catch {
        return [];
      }
    });
    const last = raw[raw.length - 1];
    return raw.length === limit && last ? { items, nextCursor: last[0] } : { items };
  }
}
