// Who the admin CLI acts as: an admin named after the operating-system user running it, so that the control
// plane applies its rules to the CLI as to any caller and the audit log says who did what (`cli:<os user>`).
import { userInfo } from 'node:os';
import type { Principal } from '../services/auth/auth-service.js';

function osUserName(): string {
  try {
    return userInfo().username;
  } catch {
    // A uid without a passwd entry (some containers) has no name to look up.
    return process.env.USER ?? process.env.LOGNAME ?? `uid-${process.getuid?.() ?? 'unknown'}`;
  }
}

/** Whoever can run the CLI can already read the server's Redis and secrets: the admin role adds nothing. */
export function cliPrincipal(): Principal {
  const name = `cli:${osUserName()}`;
  return { userId: name, username: name, role: 'admin' };
}
