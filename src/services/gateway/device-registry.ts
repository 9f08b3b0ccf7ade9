// Signed-in gateway devices: the record that binds a device to its user and relay key, listed per user and in
// all. Removing a record is half of a revocation; the other half ends the device's token family.
import { newId } from '../../lib/ids.js';
import { pageOfRecords, type RecordPage } from '../redis/pagination.js';
import { execOrThrow, type RedisContext } from '../redis/record-store.js';
import { writeTogether } from '../redis/slot-spanning.js';
import { type GatewayDevice, storedDeviceSchema } from './gateway-types.js';

export class DeviceRegistry {
  constructor(
    private readonly context: RedisContext,
    private readonly now: () => number = Date.now,
  ) {}

  async create(fields: Omit<GatewayDevice, 'id' | 'createdAt'>, ttlMs: number): Promise<GatewayDevice> {
    const { redis, keys } = this.context;
    const device = storedDeviceSchema.parse({ ...fields, id: newId('dev'), createdAt: this.now() });
    await execOrThrow(
      writeTogether(redis)
        // The record lives as long as its refresh tokens can: a device not seen for that long is gone.
        .set(keys.gatewayDevice(device.id), JSON.stringify(device), 'PX', ttlMs)
        .zadd(keys.gatewayDevicesIndex(), device.createdAt, device.id)
        .zadd(keys.gatewayDevicesByUser(device.userId), device.createdAt, device.id),
    );
    return device;
  }

  async get(id: string): Promise<GatewayDevice | undefined> {
    const raw = await this.context.redis.get(this.context.keys.gatewayDevice(id));
    return raw ? parseDevice(raw) : undefined;
  }

  /** A device's record lives on while its refresh tokens do: each refresh extends both. */
  async extend(id: string, ttlMs: number): Promise<void> {
    await this.context.redis.pexpire(this.context.keys.gatewayDevice(id), ttlMs);
  }

  /** Newest first; one user's devices, or every device. Records that expired drop out of the page. */
  list(options: { userId?: string; limit?: number; cursor?: string }): Promise<RecordPage<GatewayDevice>> {
    const { redis, keys } = this.context;
    const index =
      options.userId === undefined ? keys.gatewayDevicesIndex() : keys.gatewayDevicesByUser(options.userId);
    return pageOfRecords(redis, index, options, keys.gatewayDevice, parseDevice);
  }

  async remove(device: GatewayDevice): Promise<void> {
    const { redis, keys } = this.context;
    await execOrThrow(
      writeTogether(redis)
        .del(keys.gatewayDevice(device.id))
        .zrem(keys.gatewayDevicesIndex(), device.id)
        .zrem(keys.gatewayDevicesByUser(device.userId), device.id),
    );
  }
}

function parseDevice(raw: string): GatewayDevice {
  return storedDeviceSchema.parse(JSON.parse(raw));
}
