// Generic webhook: the notification as JSON, signed per the Standard Webhooks spec so receivers can verify it.
// Spec: https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
import { createHmac } from 'node:crypto';
import type { WebhookConfig } from '../channel-types.js';
import type { Notification } from '../notification.js';
import type { HttpOut, RenderContext } from './outbound.js';

/** The spec's payload shape: `type`, an ISO `timestamp` of the event, and the event's own `data`. */
export function webhookBody(notification: Notification): string {
  return JSON.stringify({
    type: notification.type,
    timestamp: new Date(notification.at).toISOString(),
    data: notification,
  });
}

/**
 * `v1,` + base64 HMAC-SHA256 over `${id}.${timestamp}.${body}`, keyed with the base64-decoded part of the
 * `whsec_` secret. The id is the notification's, so a receiver can drop a retry it already processed.
 */
export function standardWebhookSignature(
  secret: string,
  id: string,
  timestamp: number,
  body: string,
): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

export function renderWebhook(
  notification: Notification,
  config: WebhookConfig,
  context: RenderContext,
): HttpOut {
  const body = webhookBody(notification);
  // The spec's timestamp is the sending attempt's, in whole seconds: receivers refuse ones too far from now.
  const timestamp = Math.floor(context.now / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'webhook-id': notification.id,
    'webhook-timestamp': String(timestamp),
  };
  if (config.signingSecret !== undefined) {
    headers['webhook-signature'] = standardWebhookSignature(
      config.signingSecret,
      notification.id,
      timestamp,
      body,
    );
  }
  return { kind: 'http', url: config.url, headers, body };
}
