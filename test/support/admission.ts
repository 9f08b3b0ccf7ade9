// One admission as the relay asks for it, and its outcome as data: the ticket, or the refusal's code and details.
import type { AdmissionTicket } from '../../src/services/admission/admission-types.js';
import type { StoredApiKey } from '../../src/services/api-keys/api-key-types.js';
import type { Services } from '../../src/services/container.js';

export type AdmissionOutcome =
  | { ok: true; ticket: AdmissionTicket }
  | { ok: false; code: string; details: Record<string, unknown> };

/** A non-streamed claude-haiku-4-5 request of `input` tokens asking for at most `output`. */
export function admitOutcome(
  services: Services,
  key: StoredApiKey,
  requestId: string,
  tokens: { input: number; output: number },
): Promise<AdmissionOutcome> {
  return services.admission
    .admit({
      key,
      requestId,
      platform: 'claude',
      model: 'claude-haiku-4-5',
      client: undefined,
      stream: false,
      input: { boundTokens: tokens.input, estimateTokens: tokens.input, cacheWrites: 'none' },
      maxTokens: tokens.output,
    })
    .then(
      (ticket) => ({ ok: true, ticket }),
      (error: { code: string; details: Record<string, unknown> }) => ({
        ok: false,
        code: error.code,
        details: error.details,
      }),
    );
}
