// Adds to package-lock.json the optional platform packages (other OSes/CPUs) that this machine's npm registry
// mirror does not carry: npm drops them from the lock, and `npm ci` then refuses the lock as out of sync.
// Usage: node scripts/complete-lockfile.mjs          (rewrites the lock)
//        node scripts/complete-lockfile.mjs --check  (exits 1 if entries are missing; run by `npm run check`)
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages ?? {};
const missing = [];

for (const [path, entry] of Object.entries(packages)) {
  for (const [name, spec] of Object.entries(entry.optionalDependencies ?? {})) {
    // npm looks for a dependency next to its dependent first, then in each parent node_modules up to the root.
    const candidates = [];
    let base = path;
    for (;;) {
      candidates.push(`${base === '' ? '' : `${base}/`}node_modules/${name}`);
      const cut = base.lastIndexOf('/node_modules/');
      if (base === '') break;
      base = cut === -1 ? '' : base.slice(0, cut);
    }
    if (candidates.some((candidate) => packages[candidate])) continue;
    // Platform packages pin an exact version; a range keeps its lowest version.
    const version = String(spec).replace(/^[~^=v]+/, '');
    missing.push([`node_modules/${name}`, { version, optional: true }]);
  }
}

if (process.argv.includes('--check')) {
  if (missing.length > 0) {
    console.error(
      `package-lock.json lacks ${missing.length} optional platform packages (npm ci would refuse it); ` +
        'run: node scripts/complete-lockfile.mjs',
    );
    process.exit(1);
  }
} else {
  for (const [key, entry] of missing) packages[key] ??= entry;
  lock.packages = Object.fromEntries(
    Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
  );
  writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(`added ${missing.length} optional platform packages to package-lock.json`);
}
