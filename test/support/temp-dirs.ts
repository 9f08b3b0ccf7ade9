// Temporary folders a test makes (a spawned server's DATA_DIR, an embedded Redis's data, scripts to load), kept
// track of so that the test's cleanup hook removes them all, whatever it made.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const made: string[] = [];

/** A fresh folder in the system's temporary folder; `removeTempDirs` deletes it. */
export function tempDir(prefix = 'relay-e2e-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Deletes every folder `tempDir` made: call it once nothing (no server, no Redis) uses them any more. */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}
