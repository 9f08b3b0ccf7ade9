// The tRPC application router; clients import only `type AppRouter` from here.
import { accountsRouter } from './routers/accounts.js';
import { alertsRouter } from './routers/alerts.js';
import { apiKeysRouter } from './routers/api-keys.js';
import { auditRouter } from './routers/audit.js';
import { authRouter } from './routers/auth.js';
import { channelsRouter } from './routers/channels.js';
import { gatewayRouter } from './routers/gateway.js';
import { groupsRouter } from './routers/groups.js';
import { managedSettingsRouter } from './routers/managed-settings.js';
import { meRouter } from './routers/me.js';
import { pricingRouter } from './routers/pricing.js';
import { requestLogRouter } from './routers/request-log.js';
import { spendLimitsRouter } from './routers/spend-limits.js';
import { systemRouter } from './routers/system.js';
import { usageRouter } from './routers/usage.js';
import { usersRouter } from './routers/users.js';
import { createCallerFactory, router } from './trpc.js';

export const appRouter = router({
  system: systemRouter,
  auth: authRouter,
  me: meRouter,
  users: usersRouter,
  apiKeys: apiKeysRouter,
  accounts: accountsRouter,
  groups: groupsRouter,
  usage: usageRouter,
  requestLog: requestLogRouter,
  pricing: pricingRouter,
  audit: auditRouter,
  channels: channelsRouter,
  alerts: alertsRouter,
  gateway: gatewayRouter,
  spendLimits: spendLimitsRouter,
  managedSettings: managedSettingsRouter,
});

export type AppRouter = typeof appRouter;

/** Calls procedures in-process with a context from `createTrpcContext`: no HTTP needed. */
export const createCaller = createCallerFactory(appRouter);
