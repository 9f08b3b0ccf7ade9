// Start-up failures: known ones print a plain message, anything else is logged in full. Always exit code 1.
import { ConfigError } from '../config/config.js';
import { EncryptionKeyMismatchError } from '../services/crypto/key-check.js';
import { EmbeddedRedisInUseError, RedisBinaryMissingError } from '../services/redis/embedded-redis.js';

export function exitWith(error: unknown, log?: (message: string) => void): never {
  const known =
    error instanceof ConfigError ||
    error instanceof RedisBinaryMissingError ||
    error instanceof EmbeddedRedisInUseError ||
    error instanceof EncryptionKeyMismatchError;
  const message = known
    ? error.message
    : `failed to start: ${error instanceof Error ? error.message : String(error)}`;
  process.stderr.write(`${message}\n`);
  if (!known) log?.(message);
  process.exit(1);
}

/**
 * Runs `stop` on the first SIGTERM/SIGINT and exits 0 when it is done. A second Ctrl-C means "now"; a repeated
 * SIGTERM (supervisors sometimes send two) changes nothing. Returns the same graceful shutdown for other
 * reasons to stop (the launcher has gone), which then run only once as well.
 */
export function onShutdownSignal(
  stop: () => Promise<void>,
  log: (message: string, error?: unknown) => void,
): (reason: string) => void {
  let stopping = false;
  const shutdown = (reason: string) => {
    if (stopping) return;
    stopping = true;
    log(`shutting down ${reason}`);
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log('shutdown failed', error);
        process.exit(1);
      },
    );
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping && signal === 'SIGINT') {
      log('second interrupt during shutdown; exiting now');
      process.exit(1);
    }
    shutdown(`on ${signal}`);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return shutdown;
}
