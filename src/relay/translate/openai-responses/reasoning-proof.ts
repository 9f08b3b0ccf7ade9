// A reasoning item's `encrypted_content` is the Responses client's only place to keep a provider's proof of its
// reasoning: OpenAI's own encrypted reasoning, or (for an answer translated from elsewhere) Anthropic's
// signature or redacted thinking, which the client sends back unchanged with the next request.

/** Marks redacted reasoning (Anthropic `redacted_thinking` data), which has no Responses form of its own. */
const REDACTED_MARKER = 'relay-redacted:';

/** The `encrypted_content` a reasoning item carries for a signature or redacted reasoning, if any. */
export function encryptedContentOf(
  signature: string | undefined,
  redacted: string | undefined,
): string | undefined {
  if (redacted !== undefined) return `${REDACTED_MARKER}${redacted}`;
  return signature;
}

/** The signature or redacted reasoning an `encrypted_content` carries. */
export function proofOf(encrypted: string): { signature?: string; redacted?: string } {
  if (encrypted.startsWith(REDACTED_MARKER)) return { redacted: encrypted.slice(REDACTED_MARKER.length) };
  return { signature: encrypted };
}

/**
 * Whether a signature is OpenAI's own encrypted reasoning, which only OpenAI can read back: its tokens are
 * Fernet tokens (version byte 0x80, then a timestamp), so their base64 begins `gAAAAA`. Another provider's
 * signature sent as `encrypted_content` would fail the whole request.
 */
export function isOpenAIReasoning(signature: string): boolean {
  return signature.startsWith('gAAAAA');
}
