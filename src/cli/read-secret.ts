// Reads a secret piped on stdin (`--api-key -`), so it stays out of shell history and the process list.
import { createInterface } from 'node:readline';

/**
 * Piped input is read to its end; a terminal gives one line, after a prompt on stderr naming the option, so
 * that pasting and pressing Enter is enough (no Ctrl-D needed).
 */
export async function readSecret(
  input: NodeJS.ReadableStream & { isTTY?: boolean } = process.stdin,
  option = 'the secret',
): Promise<string> {
  if (input.isTTY) {
    process.stderr.write(`Paste ${option} and press Enter: `);
    const lines = createInterface({ input, terminal: false });
    try {
      for await (const line of lines) return line.trim();
      return '';
    } finally {
      lines.close();
    }
  }
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  // Only the line ending `echo` or a file adds; inner whitespace could be part of the secret.
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}
