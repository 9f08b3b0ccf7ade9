// What a relay route declares: the format its clients speak, the operation it asks of an account, and the
// pool (platform) whose accounts serve it. The pipeline needs nothing else to serve the route.
import type { Platform } from '../../services/domain/platforms.js';
import type { Operation, RelayFormat } from '../formats/relay-format.js';

export interface RelayRoute {
  format: RelayFormat;
  operation: Operation;
  /** The pool whose accounts answer; for a route that goes `byModel`, the pool whose format it speaks. */
  platform: Platform;
  /**
   * The request's model picks its pool (`services/domain/model-platforms.ts`), not the path: routes that every
   * client of a format shares. Routes that name a pool in their path (`/azure/...`, Anthropic's) keep theirs.
   */
  byModel?: true;
}
