// Compiles the server to JavaScript (`dist/`, the same tree as `src/`), so production runs plain `node` with no
// TypeScript loader or esbuild process beside it. Each file is transpiled on its own (types are checked by
// `npm run typecheck`, not here), which takes well under a second; the Lua scripts and SQL migrations the
// code reads next to itself are copied along. `npm start` runs this first, so dist/ is never older than src/.
// An argument names another output folder inside the project (the tests compile the CLI they spawn there, so a
// build of dist/ meanwhile cannot pull files from under them).
import { cpSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(fileURLToPath(import.meta.url), '../..');
const source = path.join(root, 'src');
const out = path.resolve(root, process.argv[2] ?? 'dist');
if (path.relative(root, out).startsWith('..')) throw new Error(`output folder ${out} is outside the project`);

/** Every file below a folder, as paths relative to it. */
function filesBelow(directory) {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(directory, path.join(entry.parentPath, entry.name)));
}

const files = filesBelow(source);
const entryPoints = files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'));
const assets = files.filter((file) => !file.endsWith('.ts'));

// A clean tree each time: a file removed from src/ must not live on in dist/.
rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: entryPoints.map((file) => path.join(source, file)),
  outdir: out,
  outbase: source,
  bundle: false,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
});
for (const file of assets) {
  mkdirSync(path.dirname(path.join(out, file)), { recursive: true });
  cpSync(path.join(source, file), path.join(out, file));
}
