// The page info every connection returns: pass `endCursor` as `after` for the next page.
import { builder } from '../schema/builder.js';

export const PageInfo = builder
  .objectRef<{ hasNextPage: boolean; endCursor: string | undefined }>('PageInfo')
  .implement({
    fields: (t) => ({
      hasNextPage: t.exposeBoolean('hasNextPage'),
      endCursor: t.exposeString('endCursor', { nullable: true }),
    }),
  });
