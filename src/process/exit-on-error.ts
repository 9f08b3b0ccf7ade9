// Start-up failures: known ones print a plain message, anything else is logged in full. Always exit code 1.
import { ConfigError } from '../config/config.js';
import { EncryptionKeyMismatchError } from '../services/crypto/key-check.js';
import { RedisBinaryMissingError } from '../services/redis/embedded-redis.js';

export function exitWith(error: unknown, log?: (message: string) => void): never {
  const known =
    error instanceof ConfigError ||
    error instanceof RedisBinaryMissingError ||
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
 * SIGTERM (supervisors sometimes send two) changes nothing.
 */
export function onShutdownSignal(
  stop: () => Promise<void>,
  log: (message: string, error?: unknown) => void,
): void {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      if (signal !== 'SIGINT') return;
      log('second interrupt during shutdown; exiting now');
      process.exit(1);
    }
    stopping = true;
    log(`shutting down on ${signal}`);
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log('shutdown failed', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
