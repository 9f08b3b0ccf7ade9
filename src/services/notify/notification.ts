// The notification contract: what alert rules (and test sends) hand to the delivery queue, and its stored form.
import { z } from 'zod';

export type NotificationType = 'alert.firing' | 'alert.resolved' | 'channel.test';
export type Severity = 'info' | 'warning' | 'critical';
export interface Notification {
  /** Unique per event; the Standard Webhooks `webhook-id`; (id, channel) is delivered at most once successfully. */
  id: string;
  type: NotificationType;
  /** When the event happened, ms since the epoch. */
  at: number;
  severity: Severity;
  /** One line. */
  title: string;
  /** A few lines of plain text. */
  text: string;
  rule?: { id: string; name: string };
  subject?: { kind: 'account' | 'key' | 'model' | 'global'; id: string; name?: string };
  /** Values behind the event (state, value, threshold, window…), shown as a field list by rich channels. */
  facts: Record<string, string | number>;
}
export interface NotificationSink {
  /** Queues one delivery per channel; idempotent per (notification id, channel id) across instances. */
  enqueue(notification: Notification, channelIds: readonly string[]): Promise<void>;
}

export const NOTIFICATION_TYPES = ['alert.firing', 'alert.resolved', 'channel.test'] as const;
export const SEVERITIES = ['info', 'warning', 'critical'] as const;

/**
 * Checks a notification before it is queued (a caller's bug must fail at enqueue, not at every retry) and
 * when a stored one is read back. The bounds keep one delivery record small.
 */
export const notificationSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[\x21-\x7e]+$/, { error: 'must be printable ASCII without spaces' }),
  type: z.enum(NOTIFICATION_TYPES),
  at: z.number().int().nonnegative(),
  severity: z.enum(SEVERITIES),
  title: z.string().min(1).max(500),
  text: z.string().max(4000),
  rule: z.object({ id: z.string().max(200), name: z.string().max(200) }).optional(),
  subject: z
    .object({
      kind: z.enum(['account', 'key', 'model', 'global']),
      id: z.string().max(200),
      name: z.string().max(200).optional(),
    })
    .optional(),
  facts: z
    .record(z.string().max(100), z.union([z.string().max(1000), z.number()]))
    .refine((facts) => Object.keys(facts).length <= 25, { error: 'at most 25 facts' }),
}) satisfies z.ZodType<Notification>;
