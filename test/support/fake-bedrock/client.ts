// A minimal Bedrock client for tests, built from the relay's own modules (request translation and signing),
// that keeps every received chunk so stream reassembly can be checked on real socket boundaries.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { toBedrockInvoke } from '../../../src/relay/providers/bedrock/request.js';
import { type BedrockAuth, bedrockAuthHeaders } from '../../../src/relay/providers/bedrock/sign.js';

export interface BedrockTestCall {
  /** The Anthropic Messages body a client would send (model and stream included). */
  body: Buffer;
  modelId: string;
  stream: boolean;
  auth: BedrockAuth;
  betas?: string[];
  /** Changes the request after signing (to prove the fake notices tampering). */
  tamper?: (request: { headers: Record<string, string>; body: Buffer }) => void;
}

export interface BedrockTestResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** Body chunks as the socket delivered them. */
  chunks: Buffer[];
  body: Buffer;
  /** The connection closed before the body ended. */
  cut: boolean;
  /** Milliseconds from sending the request to the response headers. */
  headersAfterMs: number;
}

export async function callBedrock(baseUrl: string, call: BedrockTestCall): Promise<BedrockTestResponse> {
  const invoke = toBedrockInvoke(call.body, {
    modelId: call.modelId,
    stream: call.stream,
    betas: call.betas ?? [],
  });
  const url = new URL(invoke.path, baseUrl);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: call.stream ? 'application/vnd.amazon.eventstream' : 'application/json',
  };
  const auth = await bedrockAuthHeaders({ method: 'POST', url, headers, body: invoke.body }, call.auth);
  const request = { headers: { ...headers, ...auth }, body: invoke.body };
  call.tamper?.(request);
  const sentAt = Date.now();
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: request.headers, agent: false }, (res) => {
      const headersAfterMs = Date.now() - sentAt;
      const chunks: Buffer[] = [];
      let ended = false;
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        ended = true;
      });
      res.on('error', () => {}); // a cut shows up as `cut`, below
      res.on('close', () => {
        const body = Buffer.concat(chunks);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          chunks,
          body,
          cut: !ended,
          headersAfterMs,
        });
      });
    });
    req.on('error', reject);
    req.end(request.body);
  });
}
