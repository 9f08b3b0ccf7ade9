// graphql-codegen: generates the typed GraphQL client from the committed schema and the documents in clients/.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'schema.graphql',
  // Node's ESM resolution (NodeNext) needs explicit extensions in the generated relative imports.
  importExtension: '.js',
  documents: ['clients/graphql/**/*.graphql'],
  generates: {
    'clients/generated/graphql/': {
      preset: 'client',
      // Fragments are plain types (no masking): the clients are scripts and tools, not component trees.
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        strictScalars: true,
        scalars: { DateTime: 'string', JSON: 'unknown' },
      },
    },
  },
};

export default config;
