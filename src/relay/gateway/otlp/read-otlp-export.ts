// The one entry point for an OTLP/HTTP export body (POST /v1/metrics, /v1/logs, /v1/traces): picks the decoder
// by content type, folds the records into a bounded summary, and turns any malformed input into a short
// message for the 400. Decompression (content-encoding) and the body size limit belong to the route.
import { readJsonExport } from './decode-json.js';
import { readProtobufExport } from './decode-protobuf.js';
import { OtlpReadError, type OtlpSignal } from './otlp-sink.js';
import { ProtobufError } from './protobuf-reader.js';
import { SummaryBuilder, type TelemetrySummary } from './telemetry-summary.js';

export type { OtlpSignal } from './otlp-sink.js';
export type { TelemetrySummary } from './telemetry-summary.js';

export type OtlpReadResult = { ok: true; summary: TelemetrySummary } | { ok: false; message: string };

export type OtlpEncoding = 'protobuf' | 'json';

const ACCEPTED_TYPES = 'application/x-protobuf or application/json';
const ENCODING_LABELS: Record<OtlpEncoding, string> = { protobuf: 'protobuf', json: 'JSON' };

/** The encoding a content type names (parameters such as `; charset=utf-8` ignored), if OTLP/HTTP has it. */
export function otlpEncodingOf(contentType: string | undefined): OtlpEncoding | undefined {
  const mediaType = contentType?.split(';', 1)[0]?.trim().toLowerCase();
  switch (mediaType) {
    // The OTLP spec names application/x-protobuf; application/protobuf is the registered type some send.
    case 'application/x-protobuf':
    case 'application/protobuf':
      return 'protobuf';
    case 'application/json':
      return 'json';
    default:
      return undefined;
  }
}

export function readOtlpExport(
  signal: OtlpSignal,
  contentType: string | undefined,
  body: Uint8Array,
): OtlpReadResult {
  const encoding = otlpEncodingOf(contentType);
  if (encoding === undefined) {
    return { ok: false, message: `OTLP content-type must be ${ACCEPTED_TYPES}` };
  }
  const builder = new SummaryBuilder(signal);
  try {
    if (encoding === 'protobuf') readProtobufExport(signal, body, builder);
    else readJsonExport(signal, body, builder);
  } catch (error) {
    if (error instanceof ProtobufError || error instanceof OtlpReadError) {
      return {
        ok: false,
        message: `invalid OTLP ${signal} export (${ENCODING_LABELS[encoding]}): ${error.message}`,
      };
    }
    throw error;
  }
  return { ok: true, summary: builder.finish() };
}
