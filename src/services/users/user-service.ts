// Control-plane users: create, look up and verify; usernames are unique across instances via HSETNX.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../../errors/app-error.js';
import { newId } from '../../lib/ids.js';
import type { RedisClient } from '../redis/connection.js';
import type { Keys } from '../redis/keys.js';
import { pageOfRecords, type RecordPage } from '../redis/pagination.js';
import { modifyRecord, type RedisContext } from '../redis/record-store.js';
import { getMany, writeTogether } from '../redis/slot-spanning.js';
import { parseInput } from '../validation.js';
import { ARGON2_PASSWORDS, type PasswordHasher } from './password.js';
import {
  passwordSchema,
  publicUser,
  ROLES,
  type Role,
  type StoredUser,
  storedUserSchema,
  type User,
  userGroupsSchema,
  usernameSchema,
} from './user-types.js';

const newUserSchema = z.object({ username: usernameSchema, password: passwordSchema });
const newPasswordSchema = z.object({ newPassword: passwordSchema });
export const userPatchSchema = z
  .object({ role: z.enum(ROLES), disabled: z.boolean(), groups: userGroupsSchema })
  .partial();

export type UserPatch = z.input<typeof userPatchSchema>;

export interface CreateUserInput {
  username: string;
  password: string;
  role: Role;
}

export class UserService {
  private readonly redis: RedisClient;
  private readonly keys: Keys;
  /** What a login for a user without a usable hash is checked against; made on first need. */
  private decoyHash: Promise<string> | undefined;

  constructor(
    private readonly context: RedisContext,
    private readonly passwords: PasswordHasher = ARGON2_PASSWORDS,
  ) {
    this.redis = context.redis;
    this.keys = context.keys;
  }

  async count(): Promise<number> {
    return this.redis.zcard(this.keys.usersIndex());
  }

  async create(input: CreateUserInput): Promise<User> {
    const { username, password } = parseInput(newUserSchema, input);
    const now = Date.now();
    const user: StoredUser = {
      id: newId('usr'),
      username,
      passwordHash: await this.passwords.hash(password),
      role: input.role,
      disabled: false,
      groups: [],
      sessionVersion: 0,
      createdAt: now,
      updatedAt: now,
    };
    // Claiming the name first makes concurrent creations of the same username (two instances booting) safe.
    const claimed = await this.redis.hsetnx(this.keys.usersByName(), username.toLowerCase(), user.id);
    if (claimed === 0) throw new AppError('conflict', `user ${username} already exists`);
    await writeTogether(this.redis)
      .set(this.keys.user(user.id), JSON.stringify(user))
      .zadd(this.keys.usersIndex(), now, user.id)
      .exec();
    return publicUser(user);
  }

  /** Newest first; pass `nextCursor` back as `cursor` for the next page. */
  list(options: { limit?: number; cursor?: string } = {}): Promise<RecordPage<User>> {
    return pageOfRecords(this.redis, this.keys.usersIndex(), options, this.keys.user, parsePublicUser);
  }

  /** Every user, for rules over all of them (the last admin); user counts are small. */
  async all(): Promise<User[]> {
    const ids = await this.redis.zrange(this.keys.usersIndex(), 0, -1);
    const raws = await getMany(
      this.redis,
      ids.map((id) => this.keys.user(id)),
    );
    return raws.flatMap((raw) => (raw ? [parsePublicUser(raw)] : []));
  }

  /**
   * Changes the role, the disabled flag or the groups. A role or access change ends the user's sessions (the
   * session version moves on), so a demoted or disabled user keeps no access granted under the old terms; a
   * change of groups only changes which settings and limits apply.
   */
  async update(userId: string, patch: UserPatch): Promise<User> {
    const changes = parseInput(userPatchSchema, patch);
    const endsSessions = changes.role !== undefined || changes.disabled !== undefined;
    const updated = await this.modify(userId, (user) => ({
      ...user,
      ...changes,
      ...(changes.groups === undefined ? {} : { groups: [...new Set(changes.groups)].sort() }),
      sessionVersion: user.sessionVersion + (endsSessions ? 1 : 0),
    }));
    return publicUser(updated);
  }

  async findByUsername(username: string): Promise<User | undefined> {
    const stored = await this.findStoredByUsername(username);
    return stored && publicUser(stored);
  }

  async get(userId: string): Promise<User | undefined> {
    const stored = await this.getStored(userId);
    return stored && publicUser(stored);
  }

  /**
   * Returns the user when the password matches and the user may log in; otherwise undefined. Every call costs
   * one argon2 verify, for unknown users too (against a decoy hash made by the same hasher, so with the same
   * parameters): answering them faster would tell which usernames exist.
   */
  async verifyCredentials(username: string, password: string): Promise<User | undefined> {
    // Awaited on every path, so the one-time cost of making the decoy does not single out unknown users.
    const decoy = await this.decoy();
    const stored = await this.findStoredByUsername(username);
    const matches = await this.passwords.verify(stored?.passwordHash ?? decoy, password);
    return stored && !stored.disabled && matches ? publicUser(stored) : undefined;
  }

  /**
   * Replaces the password after checking the current one, and bumps the session version so sessions
   * issued before the change end (their refresh tokens stop working).
   */
  async changePassword(userId: string, current: string, next: string): Promise<User> {
    const { newPassword: password } = parseInput(newPasswordSchema, { newPassword: next });
    const stored = await this.getStored(userId);
    if (!stored || !(await this.passwords.verify(stored.passwordHash, current))) {
      throw new AppError('unauthenticated', 'The current password is wrong', {
        details: { field: 'currentPassword' },
      });
    }
    return this.replacePassword(userId, password);
  }

  /** Sets a new password without the current one (an admin's reset); every session of the user ends. */
  async setPassword(userId: string, next: string): Promise<User> {
    const { newPassword: password } = parseInput(newPasswordSchema, { newPassword: next });
    return this.replacePassword(userId, password);
  }

  private async replacePassword(userId: string, password: string): Promise<User> {
    const passwordHash = await this.passwords.hash(password);
    const updated = await this.modify(userId, (user) => ({
      ...user,
      passwordHash,
      sessionVersion: user.sessionVersion + 1,
    }));
    return publicUser(updated);
  }

  private decoy(): Promise<string> {
    this.decoyHash ??= this.passwords.hash(randomBytes(32).toString('base64url')).catch((error: unknown) => {
      // Made again on the next login rather than failing every login from now on.
      this.decoyHash = undefined;
      throw error;
    });
    return this.decoyHash;
  }

  private async modify(userId: string, change: (current: StoredUser) => StoredUser): Promise<StoredUser> {
    const { next } = await modifyRecord(
      this.context,
      this.keys.user(userId),
      userId,
      { noun: 'User', parse: (raw) => storedUserSchema.parse(JSON.parse(raw)) },
      (current) => storedUserSchema.parse({ ...change(current), id: userId, updatedAt: Date.now() }),
    );
    return next;
  }

  /** Every user as stored, password hashes included: for an encrypted bundle only. */
  async exportAll(): Promise<StoredUser[]> {
    const ids = await this.redis.zrange(this.keys.usersIndex(), 0, -1);
    const raws = await getMany(
      this.redis,
      ids.map((id) => this.keys.user(id)),
    );
    return raws.flatMap((raw) => (raw ? [storedUserSchema.parse(JSON.parse(raw))] : []));
  }

  /**
   * Writes a user from a bundle under its own id, unless that id exists (`exists`) or another user has the
   * name (`name-taken`): the name is claimed first, as `create` does.
   */
  async restore(user: StoredUser): Promise<'written' | 'exists' | 'name-taken'> {
    const stored = storedUserSchema.parse(user);
    if (await this.getStored(stored.id)) return 'exists';
    const claimed = await this.redis.hsetnx(
      this.keys.usersByName(),
      stored.username.toLowerCase(),
      stored.id,
    );
    if (claimed === 0) {
      const owner = await this.redis.hget(this.keys.usersByName(), stored.username.toLowerCase());
      if (owner !== stored.id) return 'name-taken';
    }
    await writeTogether(this.redis)
      .set(this.keys.user(stored.id), JSON.stringify(stored))
      .zadd(this.keys.usersIndex(), stored.createdAt, stored.id)
      .exec();
    return 'written';
  }

  private async findStoredByUsername(username: string): Promise<StoredUser | undefined> {
    const id = await this.redis.hget(this.keys.usersByName(), username.toLowerCase());
    return id ? this.getStored(id) : undefined;
  }

  private async getStored(userId: string): Promise<StoredUser | undefined> {
    const raw = await this.redis.get(this.keys.user(userId));
    return raw ? storedUserSchema.parse(JSON.parse(raw)) : undefined;
  }
}

function parsePublicUser(raw: string): User {
  return publicUser(storedUserSchema.parse(JSON.parse(raw)));
}
