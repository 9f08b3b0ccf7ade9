// Recognises the store client's own failures (Redis stopped, frozen, restarting) among thrown errors, so every
// surface can answer them as a retryable 503 instead of a masked 500.

/**
 * ioredis raises these as plain Errors: a command that outlived `commandTimeout` (a frozen server), a command
 * refused while disconnected (`enableOfflineQueue: false`), and commands flushed when a connection dropped.
 */
const CLIENT_MESSAGES = new Set([
  'Command timed out',
  "Stream isn't writeable and enableOfflineQueue options is false",
  'Connection is closed.',
]);

/**
 * Error replies a healthy client gets from a server that cannot serve yet (restarting, failing over), and a
 * cluster's redirections while a slot changes hands (a replica taking over, a resharding): ioredis follows those
 * for a command sent alone, but does not resend a pipeline that holds writes, so such a request is refused as
 * retryable while the client learns the new slot map.
 */
const SERVER_REPLY_PREFIXES = ['LOADING ', 'BUSY ', 'MASTERDOWN ', 'CLUSTERDOWN '];
/** The redirections of one slot changing hands. */
const SLOT_MOVING_PREFIXES = ['TRYAGAIN ', 'MOVED ', 'ASK '];

/**
 * A cluster command that kept being redirected (a slot moving: ASK, TRYAGAIN while its keys are split between
 * two nodes, MOVED while the nodes learn the new owner) for as long as the client follows redirections.
 */
const REDIRECTIONS_EXHAUSTED = 'Too many Cluster redirections.';

export function isStoreUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  // Raised when a command's reconnect attempts ran out (`maxRetriesPerRequest`).
  if (error.name === 'MaxRetriesPerRequestError') return true;
  if (CLIENT_MESSAGES.has(error.message)) return true;
  if (isSlotMoving(error)) return true;
  return (
    error.name === 'ReplyError' && SERVER_REPLY_PREFIXES.some((prefix) => error.message.startsWith(prefix))
  );
}

/**
 * Whether the failure is one slot of a cluster changing hands rather than the store being away: the request is
 * refused as retryable, but requests on other slots (other keys, other pools) are still tried.
 */
export function isSlotMoving(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.message.startsWith(REDIRECTIONS_EXHAUSTED)) return true;
  return (
    error.name === 'ReplyError' && SLOT_MOVING_PREFIXES.some((prefix) => error.message.startsWith(prefix))
  );
}
