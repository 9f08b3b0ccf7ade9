// Reads a secret piped on stdin (`--api-key -`), so it stays out of shell history and the process list.
export async function readSecret(input: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  // Only the line ending `echo` or a file adds; inner whitespace could be part of the secret.
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}
