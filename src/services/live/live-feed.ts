// Live events for subscribers on this instance, fed by Redis pub/sub so every instance sees every event: the
// request-log tail, usage ticks aggregated per interval, and account state changes. Each subscription reads a
// bounded queue, so a slow subscriber costs a fixed amount of memory and learns how much it missed.
import type { Logger } from '../../lib/logger.js';
import { ACCOUNT_STATE_TOPIC, type StateChange, stateChangeSchema } from '../accounts/account-health.js';
import type { EventBus } from '../events/event-bus.js';
import { entryMatcher, type RequestLogFilter } from '../request-log/request-log-filter.js';
import { decodeLedgerBatch, LEDGER_TOPIC, type LedgerEntry } from '../usage/ledger-entry.js';
import { LiveQueue } from './live-queue.js';
import { type FanoutListener, TopicFanout } from './topic-fanout.js';
import { inScope, mergeTicks, TickAccumulator, type TickTarget, type UsageTick } from './usage-tick.js';

export interface LiveFeedOptions {
  /** How often usage ticks are cut; well under a second, so dashboards feel live. */
  tickIntervalMs: number;
  /** Events one subscription holds for a reader that is behind; older ones are dropped (and counted). */
  queueCapacity: number;
}

export const DEFAULT_LIVE_FEED_OPTIONS: LiveFeedOptions = { tickIntervalMs: 500, queueCapacity: 500 };

/** `dropped`: events this subscription lost to its bound since the previous one it read. */
export type LedgerEvent = LedgerEntry & { dropped: number };
export type AccountStateEvent = StateChange & { dropped: number };

export interface TailOptions {
  /** Leave the account out of each event (members do not see accounts). */
  hideAccount?: boolean;
}

interface Ticker {
  accumulator: TickAccumulator;
  queue: LiveQueue<UsageTick, UsageTick>;
  /** Start of the interval being summed. */
  since: number;
}

export class LiveFeed {
  private readonly ledger: TopicFanout<LedgerEntry>;
  private readonly states: TopicFanout<StateChange>;
  private readonly tickers = new Set<Ticker>();
  /** One timer cuts every subscription's ticks; it runs only while there are tick subscriptions. */
  private timer: NodeJS.Timeout | undefined;
  /** Open subscriptions, ended by close() at shutdown. */
  private readonly open = new Set<{ end(): void }>();
  private closed = false;

  constructor(
    bus: EventBus,
    private readonly options: LiveFeedOptions,
    logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    const onError = (error: unknown) => logger.error({ err: error }, 'live feed error');
    this.ledger = new TopicFanout(bus, LEDGER_TOPIC, decodeLedgerBatch, onError);
    this.states = new TopicFanout(bus, ACCOUNT_STATE_TOPIC, decodeStateChange, onError);
  }

  /** Settled requests as they are written to the ledger, filtered as request-log queries are. */
  requestLogTail(
    filter: RequestLogFilter = {},
    options: TailOptions = {},
  ): Promise<AsyncIterableIterator<LedgerEvent>> {
    const { hideAccount } = options;
    const matches = entryMatcher(filter);
    const queue = new LiveQueue<LedgerEntry, LedgerEvent>({
      capacity: this.options.queueCapacity,
      deliver: (entry, dropped) => ({ ...entry, ...(hideAccount ? { accountId: undefined } : {}), dropped }),
    });
    return this.attach(this.ledger, queue, (entries) => {
      for (const entry of entries) if (matches(entry)) queue.push(entry);
    });
  }

  /**
   * One tick per interval in which the target had traffic. A tick the reader has not taken yet absorbs the
   * next one, so this subscription never holds more than one.
   */
  async usageTicks(target: TickTarget): Promise<AsyncIterableIterator<UsageTick>> {
    const ticker: Ticker = {
      accumulator: new TickAccumulator(target),
      queue: new LiveQueue<UsageTick, UsageTick>({ capacity: 1, deliver: (tick) => tick, merge: mergeTicks }),
      since: this.now(),
    };
    const iterator = await this.attach(this.ledger, ticker.queue, (entries) => {
      for (const entry of entries) if (inScope(target, entry)) ticker.accumulator.add(entry);
    });
    if (ticker.queue.ended) return iterator;
    this.tickers.add(ticker);
    if (!this.timer) {
      this.timer = setInterval(() => this.cutTicks(), this.options.tickIntervalMs);
      // Live views are no reason to keep a process alive (the CLI builds services too).
      this.timer.unref();
    }
    ticker.queue.onEnd(() => {
      this.tickers.delete(ticker);
      if (this.tickers.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    });
    return iterator;
  }

  accountStateChanges(
    filter: { accountId?: string } = {},
  ): Promise<AsyncIterableIterator<AccountStateEvent>> {
    const queue = new LiveQueue<StateChange, AccountStateEvent>({
      capacity: this.options.queueCapacity,
      deliver: (change, dropped) => ({ ...change, dropped }),
    });
    return this.attach(this.states, queue, (changes) => {
      for (const change of changes) {
        if (filter.accountId === undefined || change.accountId === filter.accountId) queue.push(change);
      }
    });
  }

  /** Local subscriptions receiving events now (tests and status). */
  get openSubscriptions(): number {
    return this.open.size;
  }

  /** Ends every open subscription (their readers see the end) and stops the tick timer. */
  close(): void {
    this.closed = true;
    for (const subscription of [...this.open]) subscription.end();
  }

  /** Wires a queue to a topic; ending the queue (the reader returns, or close()) unhooks it again. */
  private async attach<T, Item extends object, Out>(
    fanout: TopicFanout<T>,
    queue: LiveQueue<Item, Out>,
    listener: FanoutListener<T>,
  ): Promise<LiveQueue<Item, Out>> {
    const remove = await fanout.add(listener);
    queue.onEnd(() => {
      this.open.delete(queue);
      remove();
    });
    // Shutdown began while the subscription was being set up: the reader gets an ended stream.
    if (this.closed) queue.end();
    else this.open.add(queue);
    return queue;
  }

  private cutTicks(): void {
    const now = this.now();
    for (const ticker of this.tickers) {
      const tick = ticker.accumulator.take(ticker.since, now);
      ticker.since = now;
      if (tick) ticker.queue.push(tick);
    }
  }
}

function decodeStateChange(message: string): StateChange[] {
  try {
    const parsed = stateChangeSchema.safeParse(JSON.parse(message));
    return parsed.success ? [parsed.data] : [];
  } catch {
    return [];
  }
}
