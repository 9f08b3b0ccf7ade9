// What a relay route declares: the format its clients speak, the operation it asks of an account, and the
// pool (platform) whose accounts serve it. The pipeline needs nothing else to serve the route.
import type { Platform } from '../../services/domain/platforms.js';
import type { Operation, RelayFormat } from '../formats/relay-format.js';

export interface RelayRoute {
  format: RelayFormat;
  operation: Operation;
  /**
   * The pool whose accounts answer. For a route that goes `byModel`, the pool whose format it speaks until the
   * request's model names another; `routeForModel` returns the route with the pool it picked.
   */
  platform: Platform;
  /**
   * The request's model picks its pool (`services/domain/model-platforms.ts`), not the path: routes that every
   * client of a format shares. Routes that name a pool in their path (`/azure/...`) keep theirs. `keep-unclaimed`:
   * a model no family claims stays on the route's pool unasked (Anthropic-compatible endpoints and Bedrock take
   * names of their own); otherwise it must be one an account of the pool names.
   */
  byModel?: true | 'keep-unclaimed';
  /**
   * The path names the pool, whatever the model's family (the old relay's `/openai/claude/...`): a model of
   * another family is served only where an account of this pool maps it.
   */
  forcedPool?: true;
}
