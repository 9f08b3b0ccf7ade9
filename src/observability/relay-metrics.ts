// The relay's Prometheus metrics (prom-client), one registry per process: every settled request counted from the
// entry the ledger records (so the counters and the ledger agree), plus what an operator watches live: leases in
// flight, settles waiting for Redis, and the process's own health (event-loop lag, memory, CPU). Names follow
// Prometheus conventions under the `llm_relay_` prefix; docs/metrics.md maps them onto the usual LLM-gateway
// dashboards.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { LedgerEntry } from '../services/usage/ledger-entry.js';
import { BoundedLabel } from './bounded-label.js';
import {
  type OperationsMetrics,
  type OperationsSources,
  registerOperationsMetrics,
} from './operations-metrics.js';

/** What the process can be asked at scrape time. */
export interface MetricsSources extends OperationsSources {
  /** Leases this instance holds on accounts (requests in flight upstream). */
  leasesInFlight(): number;
  /** Settles waiting in memory for Redis, and those dropped since start. */
  settleQueue(): { queued: number; dropped: number };
  /** Every account's pool and state as the scheduler sees it (`active`, `cooling`, …, or `unschedulable`). */
  accountStates(): Promise<ReadonlyArray<{ platform: string; state: string }>>;
}

const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];
const TTFT_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30];

const TOKEN_TYPES = ['input', 'output', 'cache_read', 'cache_write_5m', 'cache_write_1h'] as const;

type CounterSeries = ReturnType<Counter<string>['labels']>;
type HistogramSeries = ReturnType<Histogram<string>['labels']>;

/** The series one (pool, model) pair counts into. */
interface ModelSeries {
  tokens: CounterSeries[];
  reasoning: CounterSeries;
  cost: CounterSeries;
  ttft: HistogramSeries;
  failovers: CounterSeries;
}

export class RelayMetrics {
  readonly registry = new Registry();
  /** Redis, notification, archive and job metrics on the same registry. */
  readonly operations: OperationsMetrics;
  private readonly models = new BoundedLabel(200);
  private readonly errors = new BoundedLabel(50);
  private readonly requests: Counter<'platform' | 'format' | 'model' | 'status' | 'outcome'>;
  private readonly duration: Histogram<'platform' | 'outcome'>;
  private readonly ttft: Histogram<'platform'>;
  private readonly tokens: Counter<'platform' | 'model' | 'type'>;
  private readonly reasoning: Counter<'platform' | 'model'>;
  private readonly cost: Counter<'platform' | 'model'>;
  private readonly failovers: Counter<'platform'>;
  private readonly upstreamErrors: Counter<'platform' | 'error'>;
  /**
   * Labelled series resolved once and kept: prom-client hashes a label object on every `inc`, which at one
   * settle per request and a dozen series each would be most of what counting costs.
   */
  private readonly modelSeries = new Map<string, ModelSeries>();
  private readonly requestSeries = new Map<string, CounterSeries>();
  private readonly durationSeries = new Map<string, HistogramSeries>();

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'llm_relay_' });
    this.operations = registerOperationsMetrics(this.registry, sources);
    this.requests = new Counter({
      name: 'llm_relay_requests_total',
      help: 'Relayed requests, one per ledger entry (a failed-over attempt is its own entry); format: the API the client spoke',
      labelNames: ['platform', 'format', 'model', 'status', 'outcome'],
      registers,
    });
    this.duration = new Histogram({
      name: 'llm_relay_request_duration_seconds',
      help: 'Time from a request reaching the relay to its last byte, in seconds',
      labelNames: ['platform', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.ttft = new Histogram({
      name: 'llm_relay_time_to_first_token_seconds',
      help: 'Time from a request reaching the relay to the first byte of its answer, in seconds',
      labelNames: ['platform'],
      buckets: TTFT_BUCKETS,
      registers,
    });
    this.tokens = new Counter({
      name: 'llm_relay_tokens_total',
      help: 'Tokens as the upstream reported them; input excludes cache reads and writes',
      labelNames: ['platform', 'model', 'type'],
      registers,
    });
    this.reasoning = new Counter({
      name: 'llm_relay_reasoning_tokens_total',
      help: 'Output tokens spent on reasoning, where the upstream reports them (already in the output tokens)',
      labelNames: ['platform', 'model'],
      registers,
    });
    this.cost = new Counter({
      name: 'llm_relay_cost_usd_total',
      help: 'Cost of relayed requests at the relay prices, in US dollars',
      labelNames: ['platform', 'model'],
      registers,
    });
    this.failovers = new Counter({
      name: 'llm_relay_failovers_total',
      help: 'Attempts that failed on an account and moved the request to another',
      labelNames: ['platform'],
      registers,
    });
    this.upstreamErrors = new Counter({
      name: 'llm_relay_upstream_errors_total',
      help: 'Requests that ended in an upstream failure, by error code',
      labelNames: ['platform', 'error'],
      registers,
    });
    new Gauge({
      name: 'llm_relay_leases_in_flight',
      help: 'Account leases this instance holds: requests in flight upstream',
      registers,
      collect() {
        this.set(sources.leasesInFlight());
      },
    });
    new Gauge({
      name: 'llm_relay_accounts',
      help: 'Accounts by pool and live state, read from Redis at scrape time',
      labelNames: ['platform', 'state'],
      registers,
      async collect() {
        const states = await sources.accountStates();
        this.reset();
        for (const { platform, state } of states) this.inc({ platform, state });
      },
    });
    new Gauge({
      name: 'llm_relay_settle_queue',
      help: 'Settled requests waiting in memory for Redis to take their ledger entries',
      registers,
      collect() {
        this.set(sources.settleQueue().queued);
      },
    });
    new Gauge({
      name: 'llm_relay_settles_dropped',
      help: 'Settles dropped since start because the queue for Redis was full (their claims are estimated)',
      registers,
      collect() {
        this.set(sources.settleQueue().dropped);
      },
    });
  }

  /** Counts one ledger entry. */
  recordSettled(entry: LedgerEntry): void {
    const { platform, usage } = entry;
    const model = this.models.of(entry.model);
    const series = this.seriesOf(platform, model);
    this.child(
      this.requestSeries,
      `${platform}\u0000${entry.clientFormat}\u0000${model}\u0000${entry.status}\u0000${entry.outcome}`,
      () =>
        this.requests.labels({
          platform,
          format: entry.clientFormat,
          model,
          status: String(entry.status),
          outcome: entry.outcome,
        }),
    ).inc();
    this.child(this.durationSeries, `${platform}\u0000${entry.outcome}`, () =>
      this.duration.labels({ platform, outcome: entry.outcome }),
    ).observe(entry.latencyMs / 1000);
    if (entry.ttftMs !== undefined) series.ttft.observe(entry.ttftMs / 1000);
    const counts = [usage.input, usage.output, usage.cacheRead, usage.cacheWrite5m, usage.cacheWrite1h];
    counts.forEach((count, index) => {
      if (count > 0) series.tokens[index]?.inc(count);
    });
    if (usage.reasoning) series.reasoning.inc(usage.reasoning);
    if (entry.costMicros > 0) series.cost.inc(entry.costMicros / 1_000_000);
    if (entry.outcome === 'failed_over') series.failovers.inc();
    else if (entry.outcome === 'upstream_error')
      this.upstreamErrors.inc({ platform, error: this.errors.of(entry.errorCode ?? 'unknown') });
  }

  /** The Prometheus text exposition of every metric. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private seriesOf(platform: string, model: string): ModelSeries {
    const key = `${platform}\u0000${model}`;
    let series = this.modelSeries.get(key);
    if (!series) {
      series = {
        tokens: TOKEN_TYPES.map((type) => this.tokens.labels({ platform, model, type })),
        reasoning: this.reasoning.labels({ platform, model }),
        cost: this.cost.labels({ platform, model }),
        ttft: this.ttft.labels({ platform }),
        failovers: this.failovers.labels({ platform }),
      };
      this.modelSeries.set(key, series);
    }
    return series;
  }

  private child<Series>(cache: Map<string, Series>, key: string, make: () => Series): Series {
    let series = cache.get(key);
    if (series === undefined) {
      series = make();
      cache.set(key, series);
    }
    return series;
  }
}
