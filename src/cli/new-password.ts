// A new password for a user from the CLI: read from stdin (`--password -`) or generated and shown once. Never
// taken as a plain argument, which would stay in shell history and show in the process list.
import { randomBytes } from 'node:crypto';
import { type OptionTable, type ParsedArgs, text, UsageError } from './args.js';
import { readSecret } from './read-secret.js';

export const PASSWORD_OPTIONS: OptionTable = {
  password: {
    type: 'string',
    value: '-',
    description:
      'read the password from stdin (the only value taken); without it one is generated and shown once',
  },
};

export interface NewPassword {
  password: string;
  /** Generated here, so the command shows it (once); a password read from stdin is never shown. */
  generated: boolean;
}

/** Checks the option before anything runs; the value is not repeated in the refusal. */
export function passwordFromStdin(args: ParsedArgs, topic: string): boolean {
  const value = text(args, 'password');
  if (value !== undefined && value !== '-') {
    throw new UsageError(
      '--password takes only "-" (read from stdin): a password typed here would stay in shell history',
      topic,
    );
  }
  return value === '-';
}

export async function newPassword(fromStdin: boolean): Promise<NewPassword> {
  if (!fromStdin) return { password: randomBytes(18).toString('base64url'), generated: true };
  // A trailing line break from `echo` or a file is not part of the password; readSecret removes it.
  return { password: await readSecret(process.stdin, '--password'), generated: false };
}

/** The lines that show a generated password; nothing when it came from stdin. */
export function shownPassword(username: string, result: NewPassword): string[] {
  if (!result.generated) return [];
  return [
    '',
    `  ${result.password}`,
    '',
    `This is the only time the password is shown: hand it to ${username} now.`,
  ];
}
