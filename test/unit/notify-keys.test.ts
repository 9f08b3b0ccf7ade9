// The notification queue's keys: every key one of its scripts touches lives in the {notify} cluster slot.
import calculateSlot from 'cluster-key-slot';
import { describe, expect, it } from 'vitest';
import { createKeys } from '../../src/services/redis/keys.js';

describe('notification keys', () => {
  it('keeps the due set, delivery records and channel logs in one slot', () => {
    const keys = createKeys('relay:');
    const slot = calculateSlot(keys.notifyDue());
    expect(calculateSlot(keys.notifyDelivery('dlv_1'))).toBe(slot);
    expect(calculateSlot(`${keys.notifyDeliveryPrefix()}dlv_2`)).toBe(slot);
    expect(calculateSlot(keys.notifyLog('chn_1'))).toBe(slot);
    expect(keys.notifyDelivery('dlv_1')).toBe(`${keys.notifyDeliveryPrefix()}dlv_1`);
    for (const key of [keys.notifyChannel('c'), keys.notifyChannelsIndex(), keys.notifyDue()]) {
      expect(key.startsWith('relay:')).toBe(true);
    }
  });
});
