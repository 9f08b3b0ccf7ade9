// What a relay route declares: the format its clients speak, the operation it asks of an account, and the
// pool (platform) whose accounts serve it. The pipeline needs nothing else to serve the route.
import type { Platform } from '../../services/domain/platforms.js';
import type { Operation, RelayFormat } from '../formats/relay-format.js';

export interface RelayRoute {
  format: RelayFormat;
  operation: Operation;
  platform: Platform;
}
