// The admin CLI the end-to-end tests spawn, bundled once per run by the global setup into one file. Those tests
// run about 150 CLI processes per pass, and most of each process's time was spent loading modules: about 650 of
// them compiled file by file (1 CPU-second for `--help` here), against 0.4 s for the same code as one file.
// Its own folder, so that a build of dist/ meanwhile (`npm start`, the bench) cannot pull files from under a
// running test.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

export const TEST_CLI_DIST = 'dist-test';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * Code finds files beside itself: ours the Lua scripts, SQL migrations and package.json through
 * `import.meta.url`, packages their own files through `__dirname` (ioredis its package.json, pino its worker).
 * In one bundle the first would be the bundle's location and the second undefined, so each file keeps its own:
 * the files are read where they live, in src/ and node_modules/.
 */
const ownLocation: Plugin = {
  name: 'own-location',
  setup(builder) {
    builder.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const href = JSON.stringify(pathToFileURL(args.path).href);
      return { contents: text.replaceAll('import.meta.url', href), loader: 'ts' };
    });
    builder.onLoad({ filter: /[\\/]node_modules[\\/].*\.c?js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!/\b__(dirname|filename)\b/.test(text)) return undefined;
      // A CommonJS module's body becomes a function in the bundle: these are its own locals there.
      const own = `var __filename = ${JSON.stringify(args.path)}, __dirname = ${JSON.stringify(path.dirname(args.path))};`;
      return { contents: `${own}\n${text}`, loader: 'js' };
    });
  },
};

export async function compileCli(): Promise<void> {
  await build({
    entryPoints: [path.join(ROOT, 'src/cli/main.ts')],
    outfile: path.join(ROOT, TEST_CLI_DIST, 'cli/main.js'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // A native addon: loaded from node_modules as it is.
    external: ['argon2'],
    // Packages written as CommonJS call `require`, which an ES module does not have.
    banner: {
      js: "import { createRequire as bundleRequire } from 'node:module'; const require = bundleRequire(import.meta.url);",
    },
    plugins: [ownLocation],
    logLevel: 'warning',
  });
}
