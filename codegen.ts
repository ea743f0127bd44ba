// GraphQL Code Generator: typed documents for the web client.
//   npm run codegen   → web/src/gql/ (committed; tests/web/codegen.test.ts checks it is current)
// Documents are the graphql(`…`) calls in web/src; the schema is the printed schema.graphql.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['web/src/**/*.{ts,tsx}', '!web/src/gql/**/*'],
  ignoreNoDocuments: false,
  silent: true,
  generates: {
    'web/src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        scalars: { DateTime: 'string' },
        enumsAsTypes: true,
        useTypeImports: true,
        documentMode: 'documentNode',
      },
    },
  },
};

export default config;
