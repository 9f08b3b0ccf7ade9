// How a signing-in or signed-in device is named on the pages: its application as the device said it, and the
// time left on a sign-in code.

const SURFACES: Record<string, string> = {
  claude_code: 'Claude Code',
};

/** "Claude Code" for a known application; the device's own word otherwise (it is free text). */
export function surfaceName(surface: string | null | undefined): string {
  if (!surface) return 'Unknown application';
  return SURFACES[surface] ?? surface;
}

/** "9:41": minutes and seconds until `at` (codes live minutes, not hours); "0:00" once it has passed. */
export function countdown(at: string, now: number): string {
  const seconds = Math.max(0, Math.floor((new Date(at).getTime() - now) / 1000));
  const minutes = Math.floor(seconds / 60);
  return `${minutes}:${String(seconds % 60).padStart(2, '0')}`;
}
