// The control plane's facades in one place: what GraphQL, tRPC and the CLI call, each behind its role rules,
// and the one function that builds them over the services.

import type { AccountGroupService } from '../accounts/account-group-service.js';
import type { AccountHealth } from '../accounts/account-health.js';
import type { AccountService } from '../accounts/account-service.js';
import type { ConnectionTestLog } from '../accounts/connection-tests.js';
import type { OAuthFlow } from '../accounts/oauth/oauth-flow.js';
import type { AdmissionService } from '../admission/admission-service.js';
import type { ApiKeyService } from '../api-keys/api-key-service.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { GatewayService } from '../gateway/gateway-service.js';
import type { LiveFeed } from '../live/live-feed.js';
import type { ManagedSettingsService } from '../managed-settings/managed-settings-service.js';
import type { BundleService } from '../migration/bundle/bundle-service.js';
import type { CrsImport } from '../migration/crs/crs-import.js';
import type { OperatorServices } from '../operator-services.js';
import type { PricingService } from '../pricing/pricing-service.js';
import type { BodyCapture } from '../request-log/body-capture.js';
import type { RequestLogService } from '../request-log/request-log-service.js';
import type { SpendLimitService } from '../spend-limits/spend-limit-service.js';
import type { UserSpend } from '../spend-limits/user-spend.js';
import type { UsageQueryService } from '../usage/usage-query-service.js';
import type { UserService } from '../users/user-service.js';
import { AccountAdmin, type AccountTesting } from './account-admin.js';
import { AlertAdmin } from './alert-admin.js';
import type { ApiKeyAdmin } from './api-key-admin.js';
import { ChannelAdmin } from './channel-admin.js';
import { GatewayAdmin } from './gateway-admin.js';
import { GroupAdmin } from './group-admin.js';
import { LiveAccess } from './live-access.js';
import { ManagedSettingsAdmin } from './managed-settings-admin.js';
import { MigrationAdmin } from './migration-admin.js';
import { PricingAdmin } from './pricing-admin.js';
import { RequestLogAdmin } from './request-log-admin.js';
import { SpendLimitAdmin } from './spend-limit-admin.js';
import type { SystemStatusService } from './system-status.js';
import { UsageReports } from './usage-reports.js';
import { UserAdmin } from './user-admin.js';

/**
 * The control plane's side of the services: every operation behind its role rules and audited. GraphQL and
 * tRPC call only these, so both surfaces apply the same rules.
 */
export interface ControlPlane {
  users: UserAdmin;
  apiKeys: ApiKeyAdmin;
  accounts: AccountAdmin;
  groups: GroupAdmin;
  usage: UsageReports;
  /** Every relayed request, filtered and paged (its live tail is under `live`). */
  requestLog: RequestLogAdmin;
  pricing: PricingAdmin;
  system: SystemStatusService;
  /** The live streams behind the role rules: what GraphQL subscriptions call. */
  live: LiveAccess;
  /** Notification channels, their delivery logs and test sends. */
  channels: ChannelAdmin;
  /** Alert rules and the alert history. */
  alerts: AlertAdmin;
  /** Gateway sign-in: approving device codes, signed-in devices. */
  gateway: GatewayAdmin;
  /** Spend caps per user and per user group, and what people spent against them. */
  spendLimits: SpendLimitAdmin;
  /** Claude Code managed settings per everyone, role, group and user. */
  managedSettings: ManagedSettingsAdmin;
  /** Imports from Claude Relay Service. */
  migration: MigrationAdmin;
}

/** The services the facades stand in front of. */
export interface ControlPlaneParts {
  users: UserService;
  audit: AuditLog;
  apiKeys: ApiKeyService;
  apiKeyAdmin: ApiKeyAdmin;
  accounts: AccountService;
  health: AccountHealth;
  connectionTests: ConnectionTestLog;
  oauth: OAuthFlow;
  /** Absent in processes that never test accounts: tests are then refused. */
  connectionTester: AccountTesting | undefined;
  groups: AccountGroupService;
  usage: UsageQueryService;
  admission: AdmissionService;
  requestLog: RequestLogService;
  bodyCapture: BodyCapture;
  pricing: PricingService;
  system: SystemStatusService;
  liveFeed: LiveFeed;
  operator: OperatorServices;
  gateway: GatewayService;
  spendLimits: SpendLimitService;
  userSpend: UserSpend;
  managedSettings: ManagedSettingsService;
  crsImport: CrsImport;
  bundles: BundleService;
}

export function createControlPlane(parts: ControlPlaneParts): ControlPlane {
  const { audit, apiKeyAdmin, operator } = parts;
  // What caches a user looks again after any change to them: their devices (disabled, role, password) and
  // their spend caps (groups).
  const users = new UserAdmin(parts.users, audit, async () => {
    await parts.gateway.userChanged();
    await parts.spendLimits.userChanged();
  });
  return {
    users,
    apiKeys: apiKeyAdmin,
    accounts: new AccountAdmin(
      parts.accounts,
      parts.health,
      parts.connectionTests,
      parts.oauth,
      audit,
      parts.connectionTester,
    ),
    groups: new GroupAdmin(parts.groups, audit),
    usage: new UsageReports(parts.usage, apiKeyAdmin, parts.admission),
    requestLog: new RequestLogAdmin(parts.requestLog, apiKeyAdmin, parts.bodyCapture, audit),
    pricing: new PricingAdmin(parts.pricing, audit),
    system: parts.system,
    live: new LiveAccess(parts.liveFeed, parts.apiKeys),
    channels: new ChannelAdmin(operator.channels, operator.deliveries, operator.deliveryLog, audit),
    alerts: new AlertAdmin(operator.alertRules, operator.alertFiring, audit),
    gateway: new GatewayAdmin(parts.gateway, parts.users, audit),
    spendLimits: new SpendLimitAdmin(parts.spendLimits, parts.userSpend, parts.users, audit),
    managedSettings: new ManagedSettingsAdmin(parts.managedSettings, users, audit),
    migration: new MigrationAdmin(parts.crsImport, parts.bundles, audit),
  };
}
