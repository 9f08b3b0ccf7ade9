// Notification channels as the control plane manages them: readers list them and read delivery logs, managers
// create, change, delete and test them; every change audited with the secret-free view only.
import type { AuditLog } from '../audit/audit-log.js';
import type { Principal } from '../auth/auth-service.js';
import type { ChannelService, CreatedChannel } from '../notify/channel-service.js';
import {
  type ChannelKind,
  type ChannelView,
  type CreateChannelInput,
  SECRET_FIELDS,
  type UpdateChannelInput,
} from '../notify/channel-types.js';
import type { DeliveryLog, DeliveryLogItem } from '../notify/delivery-log.js';
import type { DeliveryQueue, DeliveryStatus } from '../notify/delivery-queue.js';
import type { RecordPage } from '../redis/pagination.js';
import { MANAGERS, READERS, requireRole } from './roles.js';

export class ChannelAdmin {
  constructor(
    private readonly channels: ChannelService,
    private readonly queue: DeliveryQueue,
    private readonly log: DeliveryLog,
    private readonly audit: AuditLog,
  ) {}

  async list(
    actor: Principal,
    options: { limit?: number; cursor?: string },
  ): Promise<RecordPage<ChannelView>> {
    requireRole(actor, READERS);
    return this.channels.list(options);
  }

  async get(actor: Principal, id: string): Promise<ChannelView> {
    requireRole(actor, READERS);
    return this.channels.require(id);
  }

  /** The channel's delivery attempts, newest first. */
  async deliveries(
    actor: Principal,
    channelId: string,
    options: { limit?: number; cursor?: string },
  ): Promise<{ items: DeliveryLogItem[]; nextCursor?: string }> {
    requireRole(actor, READERS);
    await this.channels.require(channelId);
    return this.log.list(channelId, options);
  }

  /** One delivery's state; undefined once it has expired (or never existed). */
  async deliveryStatus(actor: Principal, deliveryId: string): Promise<DeliveryStatus | undefined> {
    requireRole(actor, READERS);
    return this.queue.status(deliveryId);
  }

  /** Returns the generated signing secret of a webhook channel once; the audit entry never holds it. */
  async create(actor: Principal, input: CreateChannelInput): Promise<CreatedChannel> {
    requireRole(actor, MANAGERS);
    const created = await this.channels.create(input);
    await this.audit.record({
      actor: actor.userId,
      action: 'channel.create',
      target: created.channel.id,
      after: created.channel,
    });
    return created;
  }

  async update(actor: Principal, id: string, patch: UpdateChannelInput): Promise<ChannelView> {
    requireRole(actor, MANAGERS);
    const before = await this.channels.require(id);
    const after = await this.channels.update(id, patch);
    await this.audit.record({
      actor: actor.userId,
      action: 'channel.update',
      target: id,
      before,
      after,
      // Which secrets were replaced or removed, by name; their values stay out of the audit log.
      detail: { secretsChanged: secretsChanged(before.kind, patch) },
    });
    return after;
  }

  async delete(actor: Principal, id: string): Promise<void> {
    requireRole(actor, MANAGERS);
    const before = await this.channels.require(id);
    await this.channels.delete(id);
    await this.audit.record({ actor: actor.userId, action: 'channel.delete', target: id, before });
  }

  /** Queues a test notification for the channel; returns the delivery id to follow with `deliveryStatus`. */
  async test(actor: Principal, id: string): Promise<{ deliveryId: string }> {
    requireRole(actor, MANAGERS);
    const deliveryId = await this.queue.testSend(id);
    await this.audit.record({
      actor: actor.userId,
      action: 'channel.test',
      target: id,
      detail: { deliveryId },
    });
    return { deliveryId };
  }
}

/** The secret settings the patch replaced or removed, by name. */
function secretsChanged(kind: ChannelKind, patch: UpdateChannelInput): string[] {
  const secret: readonly string[] = SECRET_FIELDS[kind];
  return Object.keys(patch).filter((field) => secret.includes(field) && patch[field] !== undefined);
}
