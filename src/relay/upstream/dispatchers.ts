// undici dispatchers for upstream calls: one keep-alive Agent for direct traffic, one per distinct proxy.
import { Agent, type Dispatcher, ProxyAgent, Socks5ProxyAgent } from 'undici';
import type { ProxyConfig } from '../../services/accounts/account-types.js';

export interface DispatcherOptions {
  connectTimeoutMs: number;
  /** How long an idle upstream socket is kept for reuse. */
  keepAliveTimeoutMs?: number;
}

export class DispatcherRegistry {
  private readonly direct: Agent;
  private readonly proxied = new Map<string, Dispatcher>();

  constructor(private readonly options: DispatcherOptions) {
    this.direct = new Agent(this.agentOptions());
  }

  /** The dispatcher for an account: its proxy's, created once per proxy and credentials, or the direct one. */
  forProxy(proxy: ProxyConfig | null | undefined, password: string | undefined): Dispatcher {
    if (!proxy) return this.direct;
    const id = `${proxy.protocol}://${proxy.username ?? ''}:${password ?? ''}@${proxy.host}:${proxy.port}`;
    let dispatcher = this.proxied.get(id);
    if (!dispatcher) {
      dispatcher = this.createProxyDispatcher(proxy, password);
      this.proxied.set(id, dispatcher);
    }
    return dispatcher;
  }

  async close(): Promise<void> {
    const all = [this.direct, ...this.proxied.values()];
    this.proxied.clear();
    await Promise.allSettled(all.map((dispatcher) => dispatcher.close()));
  }

  private agentOptions() {
    return {
      connect: { timeout: this.options.connectTimeoutMs },
      keepAliveTimeout: this.options.keepAliveTimeoutMs ?? 30_000,
      keepAliveMaxTimeout: 600_000,
    };
  }

  private createProxyDispatcher(proxy: ProxyConfig, password: string | undefined): Dispatcher {
    const address = `${proxy.protocol}://${proxy.host}:${proxy.port}`;
    if (proxy.protocol === 'socks5') {
      return new Socks5ProxyAgent(address, {
        keepAliveTimeout: this.options.keepAliveTimeoutMs ?? 30_000,
        ...(proxy.username ? { username: proxy.username, password: password ?? '' } : {}),
      });
    }
    const token = proxy.username
      ? `Basic ${Buffer.from(`${proxy.username}:${password ?? ''}`).toString('base64')}`
      : undefined;
    return new ProxyAgent({
      uri: address,
      ...(token ? { token } : {}),
      ...this.agentOptions(),
      proxyTls: { timeout: this.options.connectTimeoutMs },
    });
  }
}
