// Connections: the page info every list returns (pass `endCursor` as `after` for the next page), one way to
// declare a connection type, and one way to turn a service page into one.
import type { ObjectRef } from '@pothos/core';
import { AppError, isAppError } from '../errors/app-error.js';
import { type BuilderTypes, builder } from '../schema/builder.js';
import { type PageQuery, pageQuerySchema } from '../services/redis/pagination.js';

interface PageInfoShape {
  hasNextPage: boolean;
  endCursor: string | undefined;
}

export interface Connection<T> {
  nodes: T[];
  pageInfo: PageInfoShape;
}

export const PageInfo = builder.objectRef<PageInfoShape>('PageInfo').implement({
  fields: (t) => ({
    hasNextPage: t.exposeBoolean('hasNextPage'),
    endCursor: t.exposeString('endCursor', { nullable: true }),
  }),
});

/** `<Name>Connection { nodes: [Name!]!, pageInfo: PageInfo! }`. */
export function connectionOf<T>(name: string, node: ObjectRef<BuilderTypes, T>) {
  return builder.objectRef<Connection<T>>(`${name}Connection`).implement({
    fields: (t) => ({
      nodes: t.field({ type: [node], resolve: (connection) => connection.nodes }),
      pageInfo: t.field({ type: PageInfo, resolve: (connection) => connection.pageInfo }),
    }),
  });
}

export function toConnection<T>(page: { items: T[]; nextCursor?: string | undefined }): Connection<T> {
  return {
    nodes: page.items,
    pageInfo: { hasNextPage: page.nextCursor !== undefined, endCursor: page.nextCursor },
  };
}

/**
 * Connection arguments as services take them (`first` → `limit`, `after` → `cursor`, nulls left out),
 * checked with the services' page schema so that `first: -1` is refused, naming `first`, not clamped.
 */
export function pageArgs(args: { first?: number | null; after?: string | null }): PageQuery {
  const page = {
    ...(args.first == null ? {} : { limit: args.first }),
    ...(args.after == null ? {} : { cursor: args.after }),
  };
  const checked = pageQuerySchema.safeParse(page);
  if (checked.success) return checked.data;
  const field = checked.error.issues[0]?.path[0] === 'cursor' ? 'after' : 'first';
  throw new AppError('invalid_request', `${field}: ${checked.error.issues[0]?.message ?? 'is invalid'}`, {
    details: { field },
  });
}

/**
 * A page read whose service names a bad cursor `cursor` (the stream-backed logs check its form themselves),
 * reported under `after`, the argument the GraphQL client sent.
 */
export async function cursorNamedAfter<T>(read: Promise<T>): Promise<T> {
  try {
    return await read;
  } catch (error) {
    if (!isAppError(error) || error.code !== 'invalid_request' || error.details?.field !== 'cursor')
      throw error;
    throw new AppError('invalid_request', error.message.replace(/^cursor:/, 'after:'), {
      details: { ...error.details, field: 'after' },
      cause: error,
    });
  }
}
