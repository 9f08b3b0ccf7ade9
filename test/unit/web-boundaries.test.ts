// DESIGN §2/§11: the dashboard (web/) is a client like any other. It imports nothing from src/, reaches the
// API only through the generated documents and the client factories in clients/, and writes no GraphQL of its
// own. Checked on the real tree and, so that the rule cannot pass by never looking, on a copy with planted
// violations.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isUnder, listFiles, readImports } from '../support/import-graph.js';

const repositoryRoot = path.resolve(import.meta.dirname, '../..');
/** Packages that would let a page send GraphQL it wrote itself, past the generated documents. */
const RAW_GRAPHQL_PACKAGES = [
  'graphql',
  'graphql-tag',
  'graphql-ws',
  'graphql-request',
  '@apollo/client',
  'urql',
];

/**
 * Every import of the page's sources (web/src; the build config beside it runs in Node) that breaks the rule,
 * as `file:line 'specifier'`.
 */
function webViolations(root: string): string[] {
  const found: string[] = [];
  for (const file of listFiles(root, 'web/src')) {
    if (!/\.(ts|tsx)$/.test(file)) continue;
    for (const statement of readImports(readFileSync(path.join(root, file), 'utf8'))) {
      const specifier = statement.specifier;
      const where = `${file}:${statement.line} '${specifier}'`;
      if (specifier.startsWith('@clients/')) {
        if (specifier.includes('..')) found.push(where);
        continue;
      }
      if (specifier.startsWith('.')) {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
        // Relative imports stay inside web/; clients/ is reached through its alias, src/ never.
        if (!isUnder(target, 'web')) found.push(where);
        continue;
      }
      if (RAW_GRAPHQL_PACKAGES.includes(specifier) || specifier.startsWith('node:')) found.push(where);
    }
  }
  return found;
}

describe('web/ imports only clients/ and packages', () => {
  const copies: string[] = [];
  afterAll(() => {
    for (const copy of copies) rmSync(copy, { recursive: true, force: true });
  });

  it('holds on the current tree, which has a dashboard to check', () => {
    expect(listFiles(repositoryRoot, 'web/src').length).toBeGreaterThan(10);
    expect(webViolations(repositoryRoot)).toEqual([]);
  });

  it('fails on an import of server code, raw GraphQL or a file outside web/', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'web-boundary-'));
    copies.push(root);
    cpSync(path.join(repositoryRoot, 'web/src'), path.join(root, 'web/src'), { recursive: true });
    const page = 'web/src/app/api.ts';
    const full = path.join(root, page);
    writeFileSync(
      full,
      [
        "import { AppError } from '../../../src/errors/app-error.js';",
        "import { gql } from 'graphql-tag';",
        "import { print } from 'graphql';",
        "const lazy = () => import('../../../clients/trpc');",
        "import { x } from '@clients/../src/server';",
        readFileSync(full, 'utf8'),
      ].join('\n'),
    );
    const found = webViolations(root);
    expect(found).toEqual(
      expect.arrayContaining([
        `${page}:1 '../../../src/errors/app-error.js'`,
        `${page}:2 'graphql-tag'`,
        `${page}:3 'graphql'`,
        `${page}:4 '../../../clients/trpc'`,
        `${page}:5 '@clients/../src/server'`,
      ]),
    );
  });
});
