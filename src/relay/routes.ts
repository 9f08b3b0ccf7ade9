// Registers the relay's routes in the data plane's route table.
import { pathParameter } from '../http/path-segments.js';
import { RouteTable } from '../http/route-table.js';
import { createAnthropicCountTokensHandler } from './handlers/anthropic-count-tokens.js';
import { createAnthropicMessagesHandler } from './handlers/anthropic-messages.js';
import { createAnthropicModelsHandler } from './handlers/anthropic-models.js';
import type { RelayDeps } from './relay-deps.js';

/** Claude Code and other clients may put a path prefix in their base URL. */
export const ANTHROPIC_PREFIXES = ['', '/api', '/claude'] as const;

/** Base paths clients probe with an unauthenticated HEAD before their first call (Claude Code does). */
const HEAD_PATHS = [
  '/',
  '/api',
  '/claude',
  '/v1',
  '/api/v1',
  '/claude/v1',
  '/openai',
  '/openai/v1',
  '/gemini',
];

export function buildRelayRoutes(deps: RelayDeps): RouteTable {
  const routes = new RouteTable();
  const messages = createAnthropicMessagesHandler(deps);
  const countTokens = createAnthropicCountTokensHandler(deps);
  const models = createAnthropicModelsHandler(deps);
  for (const prefix of ANTHROPIC_PREFIXES) {
    routes.add('POST', `${prefix}/v1/messages`, messages);
    routes.add('POST', `${prefix}/v1/messages/count_tokens`, countTokens);
    routes.add('GET', `${prefix}/v1/models`, models);
  }
  routes.addPattern('GET', (path) => matchModelPath(path), models);

  const head: Parameters<RouteTable['add']>[2] = async (_req, res) => {
    res.writeHead(200, { 'content-length': 0 });
    res.end();
  };
  for (const path of HEAD_PATHS) {
    routes.add('HEAD', path, head);
    if (path !== '/') routes.add('HEAD', `${path}/`, head);
  }
  return routes;
}

/**
 * `GET <prefix>/v1/models/{id}` for the Anthropic prefixes. The id is decoded and stays one segment: one that
 * decodes to a `/`, `.` or `..` (or not at all) matches no route.
 */
function matchModelPath(path: string): Record<string, string> | undefined {
  for (const prefix of ANTHROPIC_PREFIXES) {
    const base = `${prefix}/v1/models/`;
    if (path.startsWith(base) && path.length > base.length && !path.includes('/', base.length)) {
      const model = pathParameter(path.slice(base.length));
      return model === undefined ? undefined : { model };
    }
  }
  return undefined;
}
