// The one Pothos schema builder; domain files in src/resolvers register their types and fields on it.
import SchemaBuilder from '@pothos/core';
import type { AppError } from '../errors/app-error.js';
import type { ApiKey } from '../services/api-keys/api-key-types.js';
import type { Principal } from '../services/auth/auth-service.js';
import type { Services } from '../services/container.js';

export interface GraphQLContext {
  requestId: string;
  services: Services;
  /** The signed-in user, from `Authorization: Bearer <access token>`; undefined for anonymous callers. */
  principal: Principal | undefined;
  /** Why a bearer token that was sent did not sign anyone in (expired, ended); protected fields report it. */
  authError: AppError | undefined;
  /** The caller's address, for the login rate limit and the audit log. */
  address: string;
  /** The relay key a key holder presented as `x-api-key`; it reads only that key (`myApiKey`). */
  keyHolder: ApiKey | undefined;
  /** Why a relay key that was sent was refused (unknown, disabled). */
  keyError: AppError | undefined;
}

interface BuilderConfig {
  Context: GraphQLContext;
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
  };
}

export const builder = new SchemaBuilder<BuilderConfig>({ defaultFieldNullability: false });

/** The builder's resolved type configuration, for helpers that take its refs. */
export type BuilderTypes = PothosSchemaTypes.ExtendDefaultTypes<BuilderConfig>;

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});

builder.scalarType('DateTime', {
  description: 'A date and time, as ISO 8601 in UTC.',
  serialize: (value) => value.toISOString(),
  parseValue: (value) => {
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
      throw new TypeError('DateTime must be an ISO 8601 string');
    }
    return new Date(value);
  },
});

// Only the audit log's snapshots are free-form; everything an admin edits has a type of its own.
builder.scalarType('JSON', {
  description: "A free-form JSON value: the audit log's snapshots, whose shape depends on the action.",
  serialize: (value) => value,
  parseValue: (value) => value,
});
