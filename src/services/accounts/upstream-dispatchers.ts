// The port through which services reach upstream hosts the way an account's relayed requests do (its proxy):
// the composition root passes the relay's transports in; services never build transports themselves.
import type { Dispatcher } from 'undici';
import type { ProxyConfig } from './account-types.js';

export interface UpstreamDispatchers {
  /** The dispatcher for calls an account makes outside the relay path; undefined means a direct call. */
  dispatcherFor(
    proxy: ProxyConfig | null | undefined,
    proxyPassword: string | undefined,
  ): Dispatcher | undefined;
}
