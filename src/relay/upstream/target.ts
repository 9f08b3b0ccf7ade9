// Where an account's requests go: origin plus base path, parsed once per account record.
import type { StoredAccount } from '../../services/accounts/account-types.js';

export interface UpstreamTarget {
  origin: string;
  /** Path prefix from the base URL, without a trailing slash ('' for a bare origin). */
  basePath: string;
}

const targets = new WeakMap<StoredAccount, UpstreamTarget>();

export function upstreamTarget(account: StoredAccount): UpstreamTarget {
  let target = targets.get(account);
  if (!target) {
    const url = new URL(account.baseUrl);
    target = { origin: url.origin, basePath: url.pathname.replace(/\/+$/, '') };
    targets.set(account, target);
  }
  return target;
}

/** The client's query string minus the relay key, which must never travel upstream. */
export function forwardableQuery(query: string): string {
  if (query === '') return '';
  if (!query.includes('key=')) return `?${query}`;
  const params = new URLSearchParams(query);
  params.delete('key');
  const rest = params.toString();
  return rest === '' ? '' : `?${rest}`;
}
