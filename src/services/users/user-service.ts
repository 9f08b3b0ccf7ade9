// Control-plane users: create, look up and verify; usernames are unique across instances via HSETNX.
import type { Redis } from 'ioredis';
import { AppError } from '../../errors/app-error.js';
import { newId } from '../../lib/ids.js';
import type { Keys } from '../redis/keys.js';
import { hashPassword, verifyPassword } from './password.js';
import {
  publicUser,
  type Role,
  type StoredUser,
  storedUserSchema,
  type User,
  usernameSchema,
} from './user-types.js';

export interface CreateUserInput {
  username: string;
  password: string;
  role: Role;
}

export class UserService {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async count(): Promise<number> {
    return this.redis.zcard(this.keys.usersIndex());
  }

  async create(input: CreateUserInput): Promise<User> {
    const username = usernameSchema.parse(input.username);
    if (input.password.length < 12) {
      throw new AppError('invalid_request', 'password must be at least 12 characters', {
        details: { field: 'password' },
      });
    }
    const now = Date.now();
    const user: StoredUser = {
      id: newId('usr'),
      username,
      passwordHash: await hashPassword(input.password),
      role: input.role,
      disabled: false,
      createdAt: now,
      updatedAt: now,
    };
    // Claiming the name first makes concurrent creations of the same username (two instances booting) safe.
    const claimed = await this.redis.hsetnx(this.keys.usersByName(), username.toLowerCase(), user.id);
    if (claimed === 0) throw new AppError('conflict', `user ${username} already exists`);
    await this.redis
      .multi()
      .set(this.keys.user(user.id), JSON.stringify(user))
      .zadd(this.keys.usersIndex(), now, user.id)
      .exec();
    return publicUser(user);
  }

  async findByUsername(username: string): Promise<User | undefined> {
    const stored = await this.findStoredByUsername(username);
    return stored && publicUser(stored);
  }

  async get(userId: string): Promise<User | undefined> {
    const stored = await this.getStored(userId);
    return stored && publicUser(stored);
  }

  /** Returns the user when the password matches and the user may log in; otherwise undefined. */
  async verifyCredentials(username: string, password: string): Promise<User | undefined> {
    const stored = await this.findStoredByUsername(username);
    if (!stored || stored.disabled) return undefined;
    return (await verifyPassword(stored.passwordHash, password)) ? publicUser(stored) : undefined;
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
