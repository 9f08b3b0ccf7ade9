// Server-sent-event frame builders and the precomputed junk used by the `garbage` scenario.

/** `event: <name>\ndata: <json>\n\n` (Anthropic and OpenAI Responses framing). */
export function eventFrame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Anthropic SSE frame, exactly as the fake writes it. */
export function anthropicSseFrame(event: string, data: unknown): string {
  return eventFrame(event, data);
}

/** `data: <json>\n\n` (OpenAI Chat framing). */
export function dataFrame(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

/** `data: <json>\r\n\r\n` (Gemini `alt=sse` framing). */
export function crlfDataFrame(data: unknown): string {
  return `data: ${JSON.stringify(data)}\r\n\r\n`;
}

export const SSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
});

/** Non-SSE bytes (including invalid UTF-8), then SSE-looking lines whose data is not JSON. */
export const GARBAGE_STREAM: Buffer = Buffer.concat([
  Buffer.from('<html><body>502 Bad Gateway</body></html>\n'),
  Buffer.from([0x00, 0xff, 0xfe, 0xc3, 0x28, 0x0a]),
  Buffer.from('this is not server-sent events\n\n'),
  Buffer.from('event: message_start\ndata: {"type":"message_start","message":\n\n'),
  Buffer.from('data: {not json at all}\n\n'),
  Buffer.from('data: [[[\r\n\r\n'),
]);

/** Body for a non-streaming `garbage` answer: claims to be JSON, is not. */
export const GARBAGE_JSON: Buffer = Buffer.from('{"id": "msg_garbage", "content": [<<<not json>>>');

export interface SseFrame {
  event: string | undefined;
  data: string;
}

/** Splits SSE text into frames (for test assertions; tolerant of \n and \r\n framing). */
export function parseSseFrames(text: string): SseFrame[] {
  const frames: SseFrame[] = [];
  for (const block of text.split(/\r\n\r\n|\n\n|\r\r/)) {
    if (block.trim() === '') continue;
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split(/\r\n|\n|\r/)) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    frames.push({ event, data: data.join('\n') });
  }
  return frames;
}
