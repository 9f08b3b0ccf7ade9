// The unit a sign-in limit counts an address in: an IPv4 address as it is, an IPv6 address by its /64, since
// one subscriber usually holds a whole /64 and could otherwise take a fresh address for every guess.
import { isIPv4, isIPv6 } from 'node:net';

const MAPPED_IPV4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** Anything that is not an IP address (`unknown`, `in-process`) is its own unit. */
export function addressScope(address: string): string {
  const bare = address.trim().split('%')[0] ?? '';
  if (isIPv4(bare)) return bare;
  if (!isIPv6(bare)) return address;
  const mapped = MAPPED_IPV4.exec(bare)?.[1];
  if (mapped) return mapped;
  return `${firstGroups(bare).join(':')}::/64`;
}

/** The first four 16-bit groups of a valid IPv6 address, without leading zeros. */
function firstGroups(address: string): string[] {
  const [head = '', tail] = address.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  // A dotted IPv4 tail stands for two groups.
  const width = (parts: string[]) => parts.reduce((sum, part) => sum + (part.includes('.') ? 2 : 1), 0);
  const front = groups(head);
  const back = tail === undefined ? [] : groups(tail);
  const zeros = tail === undefined ? [] : Array.from({ length: 8 - width(front) - width(back) }, () => '0');
  return [...front, ...zeros, ...back]
    .slice(0, 4)
    .map((group) => (group.includes('.') ? group : Number.parseInt(group, 16).toString(16)));
}
