// The notification queue's keys: every key one of its scripts touches lives in the {notify} cluster slot.
import calculateSlot from 'cluster-key-slot';
import { describe, expect, it } from 'vitest';
import { createKeys } from '../../src/services/redis/keys.js';

describe('notification keys', () => {
  it('keeps the due set, delivery records and channel logs in one slot', () => {
    const keys = createKeys('relay:');
    const slot = calculateSlot(keys.notifyDue());
    expect(calculateSlot(keys.notifyDelivery('dlv_1'))).toBe(slot);
    expect(calculateSlot(keys.notifyLog('chn_1'))).toBe(slot);
    // The claim script finds each record it was given by its name after the slot prefix.
    expect(keys.notifyDelivery('dlv_1')).toBe(`${keys.notifySlotPrefix()}delivery:dlv_1`);
    expect(keys.notifyDue().startsWith(keys.notifySlotPrefix())).toBe(true);
    for (const key of [keys.notifyChannel('c'), keys.notifyChannelsIndex(), keys.notifyDue()]) {
      expect(key.startsWith('relay:')).toBe(true);
    }
  });
});
