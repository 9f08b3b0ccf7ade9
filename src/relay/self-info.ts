// What a key holder may ask the relay about its own key, with nothing but that key: its settings and limits
// (`/v1/key-info`), its spend against each limit with the reset times (`/v1/usage`), and who it is (`/v1/me`,
// the shape clients that ask an API "who am I" read). No admin rights, no other key, no account ids.
import type { RouteHandler } from '../http/route-table.js';
import { sendJson } from '../http/send.js';
import type { StoredApiKey } from '../services/api-keys/api-key-types.js';
import { authenticateRequest } from './client/authenticate.js';
import type { RelayDeps } from './relay-deps.js';

export type SelfInfoView = 'key-info' | 'usage' | 'me';

export function createSelfInfoHandler(deps: RelayDeps, view: SelfInfoView): RouteHandler {
  return async (req, res, context) => {
    const key = await authenticateRequest(req, context, deps);
    if (view === 'me') {
      sendJson(res, 200, {
        id: key.id,
        type: 'api_key',
        display_name: key.name,
        created_at: new Date(key.createdAt).toISOString(),
      });
      return;
    }
    const usage = await deps.store.guard(() => deps.admission.usage(key));
    sendJson(res, 200, view === 'usage' ? { object: 'usage', ...usage } : { key: holderView(key), usage });
  };
}

/** The key as its holder may see it: its own settings, without its hash, owner or the accounts it is bound to. */
function holderView(key: StoredApiKey) {
  return {
    id: key.id,
    name: key.name,
    hint: key.hint,
    enabled: key.enabled,
    expiry: key.expiry,
    platforms: key.platforms,
    modelAllow: key.modelAllow,
    modelDeny: key.modelDeny,
    // A holder asking for one model and billed for another needs to see why.
    modelMapping: key.modelMapping,
    clients: key.clients,
    limits: key.limits,
    boundPlatforms: Object.keys(key.bindings),
    createdAt: key.createdAt,
  };
}
