// Notification channels: CRUD in Redis with their secret settings sealed, and the opened form the worker sends with.
import { randomBytes } from 'node:crypto';
import { AppError } from '../../errors/app-error.js';
import { newId } from '../../lib/ids.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { pageOfRecords, type RecordPage } from '../redis/pagination.js';
import { execOrThrow, modifyRecord, type RedisContext } from '../redis/record-store.js';
import { crossSlotPipeline, getMany } from '../redis/slot-spanning.js';
import {
  type ChannelConfig,
  type ChannelView,
  type CreateChannelInput,
  type OpenedChannel,
  parseConfig,
  parseCreateInput,
  parseUpdateInput,
  SECRET_FIELDS,
  type SecretHint,
  type SettingValue,
  type StoredChannel,
  storedChannelSchema,
  toView,
  type UpdateChannelInput,
} from './channel-types.js';

export interface CreatedChannel {
  channel: ChannelView;
  /** A webhook channel's signing secret when the relay generated it: shown here once, never again. */
  signingSecret?: string;
}

export class ChannelService {
  constructor(
    private readonly context: RedisContext,
    private readonly secretBox: SecretBox,
    private readonly now: () => number = Date.now,
  ) {}

  async create(input: CreateChannelInput): Promise<CreatedChannel> {
    const { name, enabled, config } = parseCreateInput(input);
    let generated: string | undefined;
    if (config.kind === 'webhook' && config.signingSecret === undefined) {
      generated = newSigningSecret();
      config.signingSecret = generated;
    }
    const id = newId('chn');
    const now = this.now();
    const stored = this.seal(id, config, { name, enabled, createdAt: now, updatedAt: now });
    const { redis, keys } = this.context;
    await execOrThrow(
      crossSlotPipeline(redis)
        .set(keys.notifyChannel(id), JSON.stringify(stored))
        .zadd(keys.notifyChannelsIndex(), now, id),
    );
    const channel = toView(stored);
    return generated === undefined ? { channel } : { channel, signingSecret: generated };
  }

  async get(id: string): Promise<ChannelView | undefined> {
    const stored = await this.getStored(id);
    return stored && toView(stored);
  }

  async require(id: string): Promise<ChannelView> {
    const channel = await this.get(id);
    if (!channel) throw notFound(id);
    return channel;
  }

  list(options: { limit?: number; cursor?: string } = {}): Promise<RecordPage<ChannelView>> {
    const { redis, keys } = this.context;
    return pageOfRecords(redis, keys.notifyChannelsIndex(), options, keys.notifyChannel, (raw) =>
      toView(parseStored(raw)),
    );
  }

  async update(id: string, patch: UpdateChannelInput): Promise<ChannelView> {
    const { changes, ...common } = parseUpdateInput(patch);
    const { next } = await modifyRecord(
      this.context,
      this.context.keys.notifyChannel(id),
      id,
      { noun: 'Notification channel', parse: parseStored },
      (current) => {
        if (changes.kind !== undefined && changes.kind !== current.kind) {
          throw new AppError('invalid_request', 'kind: cannot change; create a new channel instead', {
            details: { field: 'kind' },
          });
        }
        const merged: Record<string, unknown> = { ...this.openConfig(current) };
        for (const [field, value] of Object.entries(changes)) {
          if (value === null) delete merged[field];
          else if (value !== undefined) merged[field] = value;
        }
        const config = parseConfig(merged);
        // A webhook without its secret would go out unsigned; receivers that verify would drop everything.
        if (config.kind === 'webhook' && config.signingSecret === undefined) {
          throw new AppError('invalid_request', 'signingSecret: cannot be removed from a webhook channel', {
            details: { field: 'signingSecret' },
          });
        }
        return this.seal(id, config, {
          name: common.name ?? current.name,
          enabled: common.enabled ?? current.enabled,
          createdAt: current.createdAt,
          updatedAt: this.now(),
        });
      },
    );
    return toView(next);
  }

  async delete(id: string): Promise<void> {
    const { redis, keys } = this.context;
    const [[, removed] = [null, 0]] = await execOrThrow(
      crossSlotPipeline(redis)
        .del(keys.notifyChannel(id))
        .zrem(keys.notifyChannelsIndex(), id)
        .del(keys.notifyLog(id)),
    );
    if (removed === 0) throw notFound(id);
  }

  /** The channel with its secrets, for the delivery worker only; undefined once deleted. */
  async open(id: string): Promise<OpenedChannel | undefined> {
    const stored = await this.getStored(id);
    return stored && { channel: toView(stored), config: this.openConfig(stored) };
  }

  /** The listed channels that exist, by id, in one round trip (enqueue reads their kind and `enabled`). */
  async lookup(ids: readonly string[]): Promise<Map<string, ChannelView>> {
    const found = new Map<string, ChannelView>();
    if (ids.length === 0) return found;
    const raws = await getMany(
      this.context.redis,
      ids.map((id) => this.context.keys.notifyChannel(id)),
    );
    raws.forEach((raw, index) => {
      const id = ids[index];
      if (raw && id !== undefined) found.set(id, toView(parseStored(raw)));
    });
    return found;
  }

  private async getStored(id: string): Promise<StoredChannel | undefined> {
    const raw = await this.context.redis.get(this.context.keys.notifyChannel(id));
    return raw ? parseStored(raw) : undefined;
  }

  private seal(
    id: string,
    config: ChannelConfig,
    common: Pick<StoredChannel, 'name' | 'enabled' | 'createdAt' | 'updatedAt'>,
  ): StoredChannel {
    const secretFields: readonly string[] = SECRET_FIELDS[config.kind];
    const settings: Record<string, SettingValue> = {};
    const secrets: Record<string, string> = {};
    const secretHints: SecretHint[] = [];
    for (const [field, value] of Object.entries(config)) {
      if (field === 'kind' || value === undefined) continue;
      if (secretFields.includes(field) && typeof value === 'string') {
        secrets[field] = value;
        secretHints.push({ field, hint: hintOf(value) });
      } else {
        settings[field] = value;
      }
    }
    const stored: StoredChannel = { id, kind: config.kind, ...common, settings, secretHints };
    if (secretHints.length > 0)
      stored.sealedSecrets = this.secretBox.seal(JSON.stringify(secrets), aadOf(id));
    return stored;
  }

  private openConfig(stored: StoredChannel): ChannelConfig {
    const secrets: unknown = stored.sealedSecrets
      ? JSON.parse(this.secretBox.open(stored.sealedSecrets, aadOf(stored.id)))
      : {};
    const merged = { ...stored.settings, ...(secrets as Record<string, unknown>), kind: stored.kind };
    return parseConfig(merged);
  }
}

/** 32 random bytes, as Standard Webhooks suggests (24 to 64). */
function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** A URL shows its origin only (the credential is in its path or query); anything else shows nothing. */
function hintOf(value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return `${url.origin}/…`;
  } catch {
    // Not a URL: falls through.
  }
  return '…';
}

function aadOf(id: string): string {
  return `notify-channel:${id}`;
}

function parseStored(raw: string): StoredChannel {
  return storedChannelSchema.parse(JSON.parse(raw));
}

function notFound(id: string): AppError {
  return new AppError('not_found', `Notification channel ${id} does not exist`);
}
