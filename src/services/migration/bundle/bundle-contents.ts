// What a bundle holds: this relay's configuration, each record in the shape its service stores it, secrets
// opened (the bundle itself is sealed). Checked with the services' own schemas when a bundle is read, so a
// bundle from a newer or damaged relay is refused with the field that is wrong.
import { z } from 'zod';
import { AppError } from '../../../errors/app-error.js';
import { accountGroupSchema } from '../../accounts/account-group-types.js';
import { accountSecretsSchema, storedAccountSchema } from '../../accounts/account-types.js';
import { alertRuleSchema } from '../../alerts/alert-rule-types.js';
import { storedApiKeySchema } from '../../api-keys/api-key-types.js';
import { storedPolicySchema } from '../../managed-settings/managed-settings-types.js';
import { unitPricesSchema } from '../../pricing/pricing-service.js';
import { storedSpendLimitSchema } from '../../spend-limits/spend-limit-types.js';
import { storedUserSchema } from '../../users/user-types.js';

export const bundleContentsSchema = z.object({
  accounts: z.array(
    z.object({ account: storedAccountSchema.omit({ sealedSecrets: true }), secrets: accountSecretsSchema }),
  ),
  groups: z.array(accountGroupSchema),
  users: z.array(storedUserSchema),
  keyPeppers: z.array(z.object({ id: z.string(), prefix: z.string(), pepper: z.string().min(1) })),
  apiKeys: z.array(storedApiKeySchema),
  channels: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      enabled: z.boolean(),
      config: z.record(z.string(), z.unknown()),
    }),
  ),
  alertRules: z.array(alertRuleSchema),
  prices: z.array(unitPricesSchema.extend({ model: z.string() })),
  spendLimits: z.array(storedSpendLimitSchema),
  managedSettings: z.array(storedPolicySchema),
});
export type BundleContents = z.infer<typeof bundleContentsSchema>;

export function parseBundleContents(value: unknown): BundleContents {
  const parsed = bundleContentsSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new AppError(
    'invalid_request',
    `The bundle's contents are not what this relay reads: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
  );
}
