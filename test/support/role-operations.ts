// The GraphQL role matrix's operations: every root field with a document, fresh variables per attempt, the roles
// allowed, what a refused member sees, and the audit entry a successful mutation leaves.
import type { Services } from '../../src/services/container.js';

export type Actor = 'anonymous' | 'viewer' | 'member' | 'operator' | 'admin';
export const ACTORS: readonly Actor[] = ['anonymous', 'viewer', 'member', 'operator', 'admin'];
export const SIGNED_IN: readonly Actor[] = ['viewer', 'member', 'operator', 'admin'];
export const READERS: readonly Actor[] = ['viewer', 'operator', 'admin'];
export const MANAGERS: readonly Actor[] = ['operator', 'admin'];

export interface Operation {
  field: string;
  document: string;
  /** Fresh variables for one attempt (a delete needs a new thing to delete each time). */
  variables: () => Promise<Record<string, unknown>>;
  allowed: readonly Actor[];
  /** What a member who is refused sees: others' keys are NOT_FOUND, the rest PERMISSION_DENIED. */
  memberCode?: string;
  /** The audit action a successful mutation records, and where its target id is found. */
  audit?: { action: string; target: (variables: Record<string, unknown>, data: unknown) => string };
}

/** What the operations need of the running test: its services, fakes, and makers of fresh records. */
export interface RoleFixture {
  services(): Services;
  upstreamUrl(): string;
  receiverUrl(): string;
  /** Approves a sign-in at the fake OAuth provider; returns the code. */
  authorize(authorizationUrl: string): string;
  /** A key owned by bob, a member other than the member actor. */
  bobKeyId(): string;
  unique(stem: string): string;
  newAccount(): Promise<string>;
  newGroup(): Promise<string>;
  newUser(): Promise<string>;
  newBobKey(): Promise<string>;
  newChannel(): Promise<string>;
  newAlertRule(): Promise<string>;
}

export const range = {
  granularity: 'hour',
  from: new Date(Date.now() - 3_600_000).toISOString(),
  to: new Date().toISOString(),
};
export const byId = (variables: Record<string, unknown>) => String(variables.id);
export const created =
  (field: string, path: (value: Record<string, unknown>) => unknown) => (_v: unknown, data: unknown) =>
    String(path((data as Record<string, Record<string, unknown>>)[field] ?? {}));
