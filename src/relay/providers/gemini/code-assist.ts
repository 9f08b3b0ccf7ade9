// Google sign-in accounts (gemini-oauth): Gemini clients' requests are sent to the Code Assist API Gemini CLI
// uses when signed in with Google, wrapped for it with the account's project (code-assist-wire.ts), and its
// answers unwrapped back into the public Gemini format the client asked in.
import { forwardedHeaders } from '../../upstream/forwarded-headers.js';
import { upstreamTarget } from '../../upstream/target.js';
import type { UpstreamProvider } from '../upstream-provider.js';
import { codeAssistProject } from './code-assist-project.js';
import { codeAssistTranslation, wrapCountTokens, wrapGenerate } from './code-assist-wire.js';
import { googleHttpError } from './errors.js';
import { methodOf } from './provider.js';

/** Client headers that describe the client to Google; never auth headers. */
const FORWARDED = ['user-agent', 'x-goog-api-client'] as const;

export const codeAssistProvider: UpstreamProvider = {
  formats: ['gemini'],
  operations: new Set(['generate', 'count-tokens']),
  acceptsOutputCap: true,
  async buildCall(call) {
    if (!call.body || call.model === undefined) throw new Error(`Code Assist cannot serve ${call.operation}`);
    const target = upstreamTarget(call.runtime.account);
    const token = await call.credential();
    const method = methodOf(call);
    const headers = forwardedHeaders(call.clientHeaders, FORWARDED, []);
    headers['content-type'] = 'application/json';
    headers['accept-encoding'] = 'identity';
    headers.authorization = `Bearer ${token}`;
    const body =
      call.operation === 'count-tokens'
        ? wrapCountTokens(call.body, call.model)
        : wrapGenerate(call.body, call.model, await codeAssistProject(call, token));
    return {
      origin: target.origin,
      // Code Assist streams only as SSE; the translation reframes for a client that asked for a JSON array.
      path: `${target.basePath}/v1internal:${method}${call.stream ? '?alt=sse' : ''}`,
      method: 'POST',
      headers,
      body,
    };
  },
  translation: codeAssistTranslation,
  httpError: googleHttpError,
  testModel: 'gemini-2.5-flash',
};
