// Google sign-in accounts (gemini-oauth): Gemini clients' requests are sent to the Code Assist API Gemini CLI
// uses when signed in with Google, wrapped for it with the account's project (code-assist-wire.ts), and its
// answers unwrapped back into the public Gemini format the client asked in. Gemini CLI in its own Code Assist
// mode sends requests already wrapped: they pass through with the account's project put in.
import { forwardedHeaders } from '../../upstream/forwarded-headers.js';
import { upstreamTarget } from '../../upstream/target.js';
import type { UpstreamProvider } from '../upstream-provider.js';
import { codeAssistProject } from './code-assist-project.js';
import { codeAssistTranslation, withProject, wrapCountTokens, wrapGenerate } from './code-assist-wire.js';
import { googleHttpError } from './errors.js';
import { methodOf } from './provider.js';

/** Client headers that describe the client to Google; never auth headers. */
const FORWARDED = ['user-agent', 'x-goog-api-client'] as const;

export const codeAssistProvider: UpstreamProvider = {
  formats: ['gemini', 'gemini-code-assist'],
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
    const wrapped = call.format === 'gemini-code-assist';
    let body: Buffer;
    if (call.operation === 'count-tokens')
      body = wrapped ? call.body : wrapCountTokens(call.body, call.model);
    else {
      const project = await codeAssistProject(call, token);
      body = wrapped ? withProject(call.body, project) : wrapGenerate(call.body, call.model, project);
    }
    return {
      origin: target.origin,
      // Code Assist streams only as SSE; the translation reframes for a public-API client that asked for a JSON
      // array. A client speaking Code Assist itself asked for SSE already.
      path: `${target.basePath}/v1internal:${method}${call.stream ? '?alt=sse' : ''}`,
      method: 'POST',
      headers,
      body,
    };
  },
  translation: (format) => (format === 'gemini' ? codeAssistTranslation : undefined),
  httpError: googleHttpError,
  testModel: 'gemini-2.5-flash',
};
