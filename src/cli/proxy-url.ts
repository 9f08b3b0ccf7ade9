// Proxy settings on the command line: parsed from a URL (password kept apart) and shown back without secrets.
import type { ProxyConfig } from '../services/accounts/account-types.js';
import { UsageError } from './args.js';

const PROXY_PROTOCOLS = ['http', 'https', 'socks5'] as const;
const DEFAULT_PROXY_PORT: Record<(typeof PROXY_PROTOCOLS)[number], number> = {
  http: 80,
  https: 443,
  socks5: 1080,
};

/** The password goes in its own option, so a proxy URL can be shown and logged without redaction. */
export function parseProxy(value: string, topic: string): ProxyConfig {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError('--proxy must be a URL such as socks5://user@host:1080', topic);
  }
  const protocol = PROXY_PROTOCOLS.find((candidate) => `${candidate}:` === url.protocol);
  if (!protocol) throw new UsageError(`--proxy must use one of: ${PROXY_PROTOCOLS.join(', ')}`, topic);
  if (url.password !== '') throw new UsageError('give the proxy password with --proxy-password', topic);
  if (url.hostname === '') throw new UsageError('--proxy needs a host', topic);
  const proxy: ProxyConfig = {
    protocol,
    // URL keeps IPv6 brackets, which a socket host must not have.
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? DEFAULT_PROXY_PORT[protocol] : Number(url.port),
  };
  if (url.username !== '') proxy.username = decodeURIComponent(url.username);
  return proxy;
}

export function proxyText(proxy: ProxyConfig | null | undefined): string {
  if (!proxy) return '-';
  const user = proxy.username ? `${encodeURIComponent(proxy.username)}@` : '';
  const host = proxy.host.includes(':') ? `[${proxy.host}]` : proxy.host;
  return `${proxy.protocol}://${user}${host}:${proxy.port}`;
}
