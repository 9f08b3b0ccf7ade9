// The stored shape of a control-plane user, validated whenever it is read back from Redis.
import { z } from 'zod';

export const ROLES = ['admin', 'operator', 'viewer', 'member'] as const;
export type Role = (typeof ROLES)[number];

export const usernameSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_.-]{3,64}$/, { error: 'must be 3-64 letters, digits, _ . or -' });

/** New passwords: long enough to resist guessing, short enough that hashing stays cheap. */
export const passwordSchema = z
  .string()
  .min(12, { error: 'must be at least 12 characters' })
  .max(256, { error: 'must be at most 256 characters' });

/** What creating a user takes; the service checks the same fields. */
/**
 * A group a user belongs to (a team, a cost centre): managed settings and spend limits can be set per group.
 * Names only, no records: a group exists while some user is in it.
 */
export const userGroupSchema = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, { error: 'must be 1-64 lowercase letters, digits, _ . or -' });
export const userGroupsSchema = z.array(userGroupSchema).max(20, { error: 'at most 20 groups' });

export const createUserInputSchema = z.object({
  username: usernameSchema,
  password: passwordSchema,
  role: z.enum(ROLES),
});

export const storedUserSchema = z.object({
  id: z.string(),
  username: usernameSchema,
  passwordHash: z.string().startsWith('$argon2id$'),
  role: z.enum(ROLES),
  disabled: z.boolean(),
  /** Groups the user is in; users stored before groups existed are in none. */
  groups: userGroupsSchema.default([]),
  /** Bumped by a password change: every session (refresh-token family) issued before it ends. */
  sessionVersion: z.number().int().min(0).default(0),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});

export type StoredUser = z.infer<typeof storedUserSchema>;
/** What leaves the service: never the hash. */
export type User = Omit<StoredUser, 'passwordHash'>;

export function publicUser(user: StoredUser): User {
  const { passwordHash: _hidden, ...rest } = user;
  return rest;
}
