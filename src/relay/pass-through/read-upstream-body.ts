// Collects an upstream response body with a size cap, so a runaway upstream cannot exhaust memory.
import type { Dispatcher } from 'undici';
import { AppError } from '../../errors/app-error.js';

export async function readUpstreamBody(
  body: Dispatcher.ResponseData['body'],
  limitBytes: number,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limitBytes) {
      body.destroy();
      throw new AppError('upstream_error', `The upstream response exceeded ${limitBytes} bytes`);
    }
    chunks.push(buffer);
  }
  return chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks, size);
}
