// The control plane's facades in one place: what GraphQL, tRPC and the CLI call, each behind its role rules.
import type { AccountAdmin } from './account-admin.js';
import type { AlertAdmin } from './alert-admin.js';
import type { ApiKeyAdmin } from './api-key-admin.js';
import type { ChannelAdmin } from './channel-admin.js';
import type { GroupAdmin } from './group-admin.js';
import type { LiveAccess } from './live-access.js';
import type { PricingAdmin } from './pricing-admin.js';
import type { RequestLogAdmin } from './request-log-admin.js';
import type { SystemStatusService } from './system-status.js';
import type { UsageReports } from './usage-reports.js';
import type { UserAdmin } from './user-admin.js';

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
}
