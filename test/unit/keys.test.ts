import calculateSlot from 'cluster-key-slot';
import { describe, expect, it } from 'vitest';
import { createKeys } from '../../src/services/redis/keys.js';

describe('key builder', () => {
  const keys = createKeys('relay:');

  it('puts every key under the configured prefix', () => {
    const built = [
      keys.user('u1'),
      keys.apiKey('k1'),
      keys.apiKeysByHash(),
      keys.account('a1'),
      keys.poolLeases('claude', 'a1'),
      keys.ledgerStream(),
      keys.usageRollup('key', 'k1', 'day', '2026-11-22'),
      keys.lock('rollup'),
      keys.channel('keys'),
    ];
    for (const key of built) expect(key.startsWith('relay:')).toBe(true);
    expect(createKeys('other:').apiKey('k1')).toBe('other:{k:k1}:key');
  });

  it('keeps the keys one script touches together in one cluster slot', () => {
    const poolSlot = calculateSlot(keys.poolMembers('claude'));
    expect(calculateSlot(keys.poolSchedule('claude', 'a1'))).toBe(poolSlot);
    expect(calculateSlot(keys.poolLeases('claude', 'a2'))).toBe(poolSlot);
    expect(calculateSlot(keys.poolLastUsed('claude'))).toBe(poolSlot);
    expect(calculateSlot(`${keys.poolSlotPrefix('claude')}anything`)).toBe(poolSlot);

    const keySlot = calculateSlot(keys.apiKey('k1'));
    expect(calculateSlot(`${keys.apiKeySlotPrefix('k1')}leases`)).toBe(keySlot);
    expect(calculateSlot(keys.keyClaims('k1'))).toBe(keySlot);
    expect(calculateSlot(keys.keyClaimExpiry('k1'))).toBe(keySlot);

    expect(calculateSlot(keys.ledgerPending())).toBe(calculateSlot(keys.ledgerStream()));
    expect(calculateSlot(keys.ledgerUnpricedCount())).toBe(calculateSlot(keys.ledgerStream()));
    expect(calculateSlot(keys.ledgerUnpricedModels())).toBe(calculateSlot(keys.ledgerStream()));
    expect(calculateSlot(keys.usageRollup('model', 'claude-x', 'hour', '2026112201'))).toBe(
      calculateSlot(keys.usageCursor()),
    );
  });

  it('gives different entities different slots, so load spreads over a cluster', () => {
    const slots = new Set(
      Array.from({ length: 50 }, (_, index) => calculateSlot(keys.apiKey(`key-${index}`))),
    );
    expect(slots.size).toBeGreaterThan(40);
  });
});
