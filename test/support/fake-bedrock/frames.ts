// Encodes Bedrock event-stream frames: `chunk` events carrying one Anthropic event, and exception frames.
import { EventStreamCodec, type MessageHeaders } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

const codec = new EventStreamCodec(toUtf8, fromUtf8);

function text(value: string): { type: 'string'; value: string } {
  return { type: 'string', value };
}

function encode(headers: MessageHeaders, payload: unknown): Buffer {
  const bytes = codec.encode({ headers, body: fromUtf8(JSON.stringify(payload)) });
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * A `chunk` event as Bedrock sends it: `{"bytes": base64(event JSON), "p": padding}`. Bedrock pads payloads
 * (`p`) so their size leaks less about the text; converters must ignore the extra field.
 */
export function chunkFrame(eventJson: string): Buffer {
  const headers = {
    ':event-type': text('chunk'),
    ':content-type': text('application/json'),
    ':message-type': text('event'),
  };
  const bytes = Buffer.from(eventJson).toString('base64');
  return encode(headers, {
    bytes,
    p: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJ'.slice(0, (bytes.length % 30) + 1),
  });
}

/** An exception frame (`modelStreamErrorException`, `throttlingException`…) that ends the stream. */
export function exceptionFrame(exception: string, message: string): Buffer {
  const headers = {
    ':exception-type': text(exception),
    ':content-type': text('application/json'),
    ':message-type': text('exception'),
  };
  return encode(headers, { message });
}
