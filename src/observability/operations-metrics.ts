// The relay's operational metrics beside the per-request ones: Redis round trips and errors of the command
// connection, notification deliveries and the queue behind them, the archive's lag, and each background job's
// last success. Registered on the relay's one registry; the queue and job figures are read at scrape time.
import type { Redis } from 'ioredis';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { JobStatus } from '../services/jobs/job-status.js';
import type { RedisClient } from '../services/redis/connection.js';

export interface OperationsSources {
  /** Requests waiting in their key's queue on this instance. */
  keyQueue(): number;
  /** Notification deliveries waiting (due or retrying). */
  notificationQueue(): Promise<number>;
  /** Ledger entries the archive has not taken yet; undefined without an archive (or when it cannot tell). */
  archiveLag(): Promise<number | undefined>;
  jobs(): JobStatus[];
}

export interface OperationsMetrics {
  /** Counts one notification delivery attempt by channel kind and result. */
  recordDelivery(channelKind: string, result: string): void;
  /** Counts the round trips and failed commands of a Redis client from now on. */
  instrumentRedis(client: RedisClient, role: string): void;
}

export function registerOperationsMetrics(registry: Registry, sources: OperationsSources): OperationsMetrics {
  const registers = [registry];
  const deliveries = new Counter({
    name: 'llm_relay_notification_deliveries_total',
    help: 'Notification delivery attempts by channel kind and result (delivered, retrying, failed)',
    labelNames: ['channel', 'result'],
    registers,
  });
  const trips = new Counter({
    name: 'llm_relay_redis_round_trips_total',
    help: 'Round trips to Redis: single commands, and pipelines (MULTI or not) counted once each',
    labelNames: ['connection'],
    registers,
  });
  const errors = new Counter({
    name: 'llm_relay_redis_errors_total',
    help: 'Redis commands that failed: error replies, timeouts, and commands lost with a connection',
    labelNames: ['connection'],
    registers,
  });
  new Gauge({
    name: 'llm_relay_key_queue_waiting',
    help: "Requests waiting in their key's queue for a concurrency slot on this instance",
    registers,
    collect() {
      this.set(sources.keyQueue());
    },
  });
  new Gauge({
    name: 'llm_relay_notification_queue',
    help: 'Notification deliveries waiting to be sent or retried (all instances), read at scrape time',
    registers,
    async collect() {
      this.set(await sources.notificationQueue());
    },
  });
  new Gauge({
    name: 'llm_relay_request_log_archive_lag',
    help: 'Request-log entries not yet copied into the PostgreSQL archive (absent without an archive)',
    registers,
    async collect() {
      this.reset();
      const lag = await sources.archiveLag().catch(() => undefined);
      if (lag !== undefined) this.set(lag);
    },
  });
  new Gauge({
    name: 'llm_relay_job_last_success_timestamp_seconds',
    help: 'When each background job on this instance last finished a pass without error (unix seconds)',
    labelNames: ['job'],
    registers,
    collect() {
      this.reset();
      for (const job of sources.jobs()) {
        if (job.lastSuccessAt !== undefined) this.set({ job: job.name }, job.lastSuccessAt / 1000);
      }
    },
  });
  new Gauge({
    name: 'llm_relay_job_errors',
    help: 'Failed passes of each background job on this instance since it started',
    labelNames: ['job'],
    registers,
    collect() {
      this.reset();
      for (const job of sources.jobs()) this.set({ job: job.name }, job.errors);
    },
  });
  return {
    recordDelivery(channelKind, result) {
      deliveries.inc({ channel: channelKind, result });
    },
    instrumentRedis(client, role) {
      const tripSeries = trips.labels({ connection: role });
      const errorSeries = errors.labels({ connection: role });
      const countFailure = () => errorSeries.inc();
      // A cluster client hands each command to the connection of the node owning its slot: those are what go
      // over the wire, so those are counted, including nodes it connects to later.
      if ('nodes' in client) {
        for (const node of client.nodes()) countTrips(node, tripSeries, countFailure);
        client.on('+node', (node: Redis) => countTrips(node, tripSeries, countFailure));
        return;
      }
      countTrips(client, tripSeries, countFailure);
    },
  };
}

/** Counts each round trip of one connection: single commands, and each pipeline once. */
function countTrips(client: Redis, trips: { inc(): void }, countFailure: () => void): void {
  // A pipeline hands each of its commands to sendCommand with the same stand-in stream: one trip per stream.
  const pipelines = new WeakSet<object>();
  const send = client.sendCommand.bind(client);
  client.sendCommand = ((command, stream, ...rest) => {
    if (!stream) trips.inc();
    else if (!pipelines.has(stream)) {
      pipelines.add(stream);
      trips.inc();
    }
    command.promise.catch(countFailure);
    return send(command, stream, ...rest);
  }) as Redis['sendCommand'];
}
