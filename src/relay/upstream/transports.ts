// Chooses how an account's requests travel: one keep-alive undici Agent for direct traffic, one undici proxy
// agent per distinct proxy (HTTP CONNECT or SOCKS5, with credentials).
import { Agent, type Dispatcher, ProxyAgent, Socks5ProxyAgent } from 'undici';
import type { ProxyConfig } from '../../services/accounts/account-types.js';
import type { UpstreamTransport } from './transport.js';
import { UndiciTransport } from './undici-transport.js';

export interface TransportOptions {
  connectTimeoutMs: number;
  /** How long an idle proxied upstream socket is kept for reuse. */
  keepAliveTimeoutMs?: number;
}

export class TransportRegistry {
  private readonly direct: UpstreamTransport;
  private readonly proxied = new Map<string, UpstreamTransport>();
  /** The proxy agents behind `proxied`, for calls made outside the relay path (OAuth refreshes). */
  private readonly proxyAgents = new Map<string, Dispatcher>();

  constructor(private readonly options: TransportOptions) {
    this.direct = new UndiciTransport(
      new Agent({
        connect: { timeout: options.connectTimeoutMs },
        keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
        keepAliveMaxTimeout: 600_000,
      }),
    );
  }

  /** The transport for an account: its proxy's, created once per proxy and credentials, or the direct one. */
  forProxy(proxy: ProxyConfig | null | undefined, password: string | undefined): UpstreamTransport {
    if (!proxy) return this.direct;
    const id = proxyId(proxy, password);
    let transport = this.proxied.get(id);
    if (!transport) {
      transport = new UndiciTransport(this.agentFor(proxy, password));
      this.proxied.set(id, transport);
    }
    return transport;
  }

  /** The proxy agent for other calls an account makes (undefined: direct), shared with its relayed traffic. */
  dispatcherFor(proxy: ProxyConfig | null | undefined, password: string | undefined): Dispatcher | undefined {
    return proxy ? this.agentFor(proxy, password) : undefined;
  }

  private agentFor(proxy: ProxyConfig, password: string | undefined): Dispatcher {
    const id = proxyId(proxy, password);
    let agent = this.proxyAgents.get(id);
    if (!agent) {
      agent = this.createProxyDispatcher(proxy, password);
      this.proxyAgents.set(id, agent);
    }
    return agent;
  }

  async close(): Promise<void> {
    // Proxied transports wrap the proxy agents: closing each agent once closes them all.
    const closing = [this.direct.close(), ...[...this.proxyAgents.values()].map((agent) => agent.close())];
    this.proxied.clear();
    this.proxyAgents.clear();
    await Promise.allSettled(closing);
  }

  private createProxyDispatcher(proxy: ProxyConfig, password: string | undefined): Dispatcher {
    const address = `${proxy.protocol}://${proxy.host}:${proxy.port}`;
    const keepAliveTimeout = this.options.keepAliveTimeoutMs ?? 30_000;
    if (proxy.protocol === 'socks5') {
      return new Socks5ProxyAgent(address, {
        keepAliveTimeout,
        ...(proxy.username ? { username: proxy.username, password: password ?? '' } : {}),
      });
    }
    const token = proxy.username
      ? `Basic ${Buffer.from(`${proxy.username}:${password ?? ''}`).toString('base64')}`
      : undefined;
    return new ProxyAgent({
      uri: address,
      ...(token ? { token } : {}),
      connect: { timeout: this.options.connectTimeoutMs },
      keepAliveTimeout,
      proxyTls: { timeout: this.options.connectTimeoutMs },
    });
  }
}

function proxyId(proxy: ProxyConfig, password: string | undefined): string {
  return `${proxy.protocol}://${proxy.username ?? ''}:${password ?? ''}@${proxy.host}:${proxy.port}`;
}
