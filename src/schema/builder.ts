// The one Pothos schema builder; domain files in src/resolvers register their types and fields on it.
import SchemaBuilder from '@pothos/core';

export interface GraphQLContext {
  requestId: string;
}

export const builder = new SchemaBuilder<{ Context: GraphQLContext }>({});

builder.queryType({});
