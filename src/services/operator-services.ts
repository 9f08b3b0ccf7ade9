// The services operators are told through: notification channels and their delivery queue and worker, alert
// rules and their evaluator. Built by the container beside the relay's own services, over the same Redis.
import type { Logger } from '../lib/logger.js';
import type { AccountHealth } from './accounts/account-health.js';
import type { AccountService } from './accounts/account-service.js';
import type { AdmissionService } from './admission/admission-service.js';
import { AlertAnnouncer } from './alerts/alert-announcer.js';
import { AlertEvaluator, type AlertEvaluatorOptions, type AlertSources } from './alerts/alert-evaluator.js';
import { AlertFiring } from './alerts/alert-firing.js';
import { AlertRuleService } from './alerts/alert-rule-service.js';
import type { ApiKeyService } from './api-keys/api-key-service.js';
import type { SecretBox } from './crypto/secret-box.js';
import type { EventBus } from './events/event-bus.js';
import type { JobStatus } from './jobs/job-status.js';
import { ChannelService } from './notify/channel-service.js';
import { DeliveryLog } from './notify/delivery-log.js';
import { DeliveryQueue } from './notify/delivery-queue.js';
import { DeliveryWorker, type DeliveryWorkerOptions } from './notify/delivery-worker.js';
import type { RedisContext } from './redis/record-store.js';
import type { UsageQueryService } from './usage/usage-query-service.js';

export interface OperatorOptions {
  /** Delivery timeouts, retries and the deliveries callback (metrics); the worker's defaults otherwise. */
  delivery?: DeliveryWorkerOptions;
  alerts?: AlertEvaluatorOptions;
}

export interface OperatorParts {
  context: RedisContext;
  bus: EventBus;
  secretBox: SecretBox;
  accounts: AccountService;
  health: AccountHealth;
  apiKeys: ApiKeyService;
  admission: AdmissionService;
  usage: UsageQueryService;
  logger: Logger;
}

export interface OperatorServices {
  channels: ChannelService;
  deliveries: DeliveryQueue;
  deliveryLog: DeliveryLog;
  alertRules: AlertRuleService;
  alertFiring: AlertFiring;
  alerts: AlertEvaluator;
  /** Starts the delivery worker and the alert evaluator (every instance that runs jobs runs both). */
  start(): Promise<void>;
  stop(): Promise<void>;
  jobs(): JobStatus[];
}

const HOUR_MS = 3_600_000;

export function createOperatorServices(
  parts: OperatorParts,
  options: OperatorOptions = {},
): OperatorServices {
  const { context, bus, logger } = parts;
  const channels = new ChannelService(context, parts.secretBox);
  const deliveries = new DeliveryQueue(context, channels, {}, bus, logger);
  const deliveryLog = new DeliveryLog(context);
  const worker = new DeliveryWorker(deliveries, channels, logger, options.delivery);
  const alertRules = new AlertRuleService(context, bus, async (id) => (await channels.get(id)) !== undefined);
  const alertFiring = new AlertFiring(context);
  const alerts = new AlertEvaluator(
    bus,
    alertRules,
    alertFiring,
    new AlertAnnouncer(alertFiring, deliveries),
    alertSources(parts),
    logger,
    options.alerts,
  );
  let started = false;
  return {
    channels,
    deliveries,
    deliveryLog,
    alertRules,
    alertFiring,
    alerts,
    async start() {
      started = true;
      worker.start();
      await alerts.start();
    },
    async stop() {
      if (!started) return;
      await alerts.stop();
      await worker.stop();
    },
    jobs: () => [alerts.status(), worker.status()],
  };
}

/** What the alert rules read beyond events, from the services that know it. */
function alertSources(parts: OperatorParts): AlertSources {
  const { accounts, health, apiKeys, admission, usage } = parts;
  return {
    async accountState(accountId) {
      const account = await accounts.get(accountId);
      if (!account) return undefined;
      const state = await health.state(accountId, account.platform);
      return { kind: state.kind, name: account.name, ...(state.reason ? { reason: state.reason } : {}) };
    },
    async keyUsage(keyId) {
      const key = await apiKeys.get(keyId);
      return key ? { usage: await admission.usage(key), name: key.name } : undefined;
    },
    async hourlySpend(scope, subject, hours, now) {
      const series = await usage.series(
        scope,
        scope === 'global' ? 'all' : subject,
        'hour',
        now - hours * HOUR_MS,
        now,
      );
      const points = series.points.map((point) => point.costMicros);
      return { current: points[points.length - 1] ?? 0, trailing: points.slice(0, -1).slice(-hours) };
    },
    async topSpenders(scope, now) {
      return (await usage.top(scope, 'hour', now, now, 20)).map((ranked) => ranked.entity);
    },
  };
}
