// Creates the first admin on a fresh install, from ADMIN_PASSWORD or a generated password printed once.
import { randomBytes } from 'node:crypto';
import { AppError } from '../../errors/app-error.js';
import type { Logger } from '../../lib/logger.js';
import type { UserService } from './user-service.js';

export interface FirstAdminOptions {
  username: string;
  password: string | undefined;
}

export type FirstAdminResult =
  | { created: false }
  | { created: true; username: string; generatedPassword?: string };

export async function ensureFirstAdmin(
  users: UserService,
  options: FirstAdminOptions,
  logger: Logger,
): Promise<FirstAdminResult> {
  if ((await users.count()) > 0) return { created: false };
  const generatedPassword = options.password ? undefined : randomBytes(18).toString('base64url');
  const password = options.password ?? generatedPassword ?? '';
  try {
    await users.create({ username: options.username, password, role: 'admin' });
  } catch (error) {
    // Another instance booting at the same moment created it first; that is the outcome we wanted.
    if (error instanceof AppError && error.code === 'conflict') return { created: false };
    throw error;
  }
  if (generatedPassword) {
    // Printed exactly once, on the start that created the user; it is never stored in plaintext anywhere.
    logger.warn(
      { username: options.username },
      `created the first admin user "${options.username}" with generated password: ${generatedPassword} ` +
        '(shown only now; change it after logging in)',
    );
  } else {
    logger.info({ username: options.username }, 'created the first admin user from ADMIN_PASSWORD');
  }
  return generatedPassword
    ? { created: true, username: options.username, generatedPassword }
    : { created: true, username: options.username };
}
