// Assembles the GraphQL schema: importing the resolver modules registers their fields, then toSchema runs once.
import { lexicographicSortSchema, printSchema } from 'graphql';
import '../resolvers/accounts.js';
import '../resolvers/account-oauth.js';
import '../resolvers/alert-rules.js';
import '../resolvers/api-keys.js';
import '../resolvers/audit.js';
import '../resolvers/auth.js';
import '../resolvers/gateway.js';
import '../resolvers/groups.js';
import '../resolvers/notification-channels.js';
import '../resolvers/pricing.js';
import '../resolvers/request-log.js';
import '../resolvers/spend-limits.js';
import '../resolvers/subscriptions.js';
import '../resolvers/system.js';
import '../resolvers/usage.js';
import '../resolvers/users.js';
import { builder } from './builder.js';

export const schema = builder.toSchema();

/** The SDL committed as `schema.graphql`; sorted so that field order in code does not churn the file. */
export function printedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
