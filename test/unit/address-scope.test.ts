// What the sign-in limiter counts an address as: IPv4 as given, IPv6 by its /64, mapped IPv4 as IPv4.
import { describe, expect, it } from 'vitest';
import { addressScope } from '../../src/services/auth/address-scope.js';

describe('addressScope', () => {
  it('keeps IPv4 addresses and unwraps IPv4-mapped IPv6 ones', () => {
    expect(addressScope('203.0.113.9')).toBe('203.0.113.9');
    expect(addressScope('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(addressScope('::FFFF:127.0.0.1')).toBe('127.0.0.1');
  });

  it('counts every address of one IPv6 /64 as one', () => {
    const scope = '2001:db8:85a3:42::/64';
    expect(addressScope('2001:db8:85a3:42::1')).toBe(scope);
    expect(addressScope('2001:0db8:85a3:0042:ffff:aaaa:bbbb:cccc')).toBe(scope);
    expect(addressScope('2001:db8:85a3:42:1:2:3:4%eth0')).toBe(scope);
    expect(addressScope('2001:db8:85a3:43::1')).not.toBe(scope);
    expect(addressScope('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressScope('::1')).toBe('0:0:0:0::/64');
    expect(addressScope('64:ff9b::192.0.2.33')).toBe('64:ff9b:0:0::/64');
  });

  it('leaves what is not an IP address as it is', () => {
    expect(addressScope('unknown')).toBe('unknown');
    expect(addressScope('in-process')).toBe('in-process');
  });
});
