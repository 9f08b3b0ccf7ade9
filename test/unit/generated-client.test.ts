// The generated GraphQL client must be what `npm run codegen` makes from the committed schema and the
// documents in clients/graphql: a schema or document change without regenerating fails here.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { generate } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';
import config from '../../codegen.js';

const root = path.resolve(import.meta.dirname, '../..');

describe('clients/generated', () => {
  it('matches what codegen generates now (run `npm run codegen`)', async () => {
    const outputs = (await generate({ ...config, cwd: root, silent: true }, false)) as Array<{
      filename: string;
      content: string;
    }>;
    expect(outputs.length).toBeGreaterThan(0);
    for (const output of outputs) {
      const committed = readFileSync(path.resolve(root, output.filename), 'utf8');
      expect({ file: output.filename, content: committed }).toEqual({
        file: output.filename,
        content: output.content,
      });
    }
  });
});
