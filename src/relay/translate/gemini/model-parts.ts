// Canonical assistant parts as the parts of one Gemini `model` content, for an upstream's history and for a
// client's answer alike. Reasoning is a `thought` part with its signature. An empty reasoning part that only
// carries a signature (how a signature on a text part is read) is hung on the next text or file part again, or
// else on the part before it: Gemini refuses empty text parts.
import type { AssistantPart } from '../../canonical/request.js';
import { parseJson, record } from '../../formats/json-values.js';
import { unsupportedFeature } from '../unsupported.js';
import { geminiFilePart, type InlineBudget } from './media.js';

/**
 * The signature Google documents for a function call whose own signature is not at hand (history from another
 * model or provider): "skip_thought_signature_validator" makes Gemini 3 skip its check instead of answering
 * 400. https://ai.google.dev/gemini-api/docs/thought-signatures (FAQ: transferring a conversation from another
 * model). Gemini CLI sends the same value in that case (test/fixtures/gemini, no-signature follow-up).
 */
export const SKIP_SIGNATURE_VALIDATOR = 'skip_thought_signature_validator';

export type GeminiPart = Record<string, unknown>;

export interface ModelPartsOptions {
  /** An upstream request: the first function call of the content needs a signature, the dummy if none. */
  upstream: boolean;
  budget: InlineBudget;
}

export function modelParts(
  parts: readonly AssistantPart[],
  feature: string,
  options: ModelPartsOptions,
): GeminiPart[] {
  const out: GeminiPart[] = [];
  let loose: string | undefined;
  const place = (part: GeminiPart, takesLoose: boolean) => {
    if (loose !== undefined && takesLoose && part.thoughtSignature === undefined) {
      part.thoughtSignature = loose;
      loose = undefined;
    }
    out.push(part);
  };
  const sign = (signature: string | undefined) =>
    signed(options.upstream ? acceptable(signature) : signature);
  for (const [index, part] of parts.entries()) {
    const where = `${feature}[${index}]`;
    switch (part.type) {
      case 'text':
        if (part.text !== '') place({ text: part.text }, true);
        continue;
      case 'reasoning':
        // Another provider's hidden reasoning (Anthropic's redacted thinking) means nothing to Gemini.
        if (part.redacted !== undefined && part.text === '') continue;
        if (part.text === '') {
          const signature = sign(part.signature).thoughtSignature;
          if (typeof signature === 'string') {
            hang(out, loose);
            loose = signature;
          }
          continue;
        }
        place({ text: part.text, thought: true, ...sign(part.signature) }, true);
        continue;
      case 'file':
        place(geminiFilePart(part, where, options.budget), true);
        continue;
      case 'tool-call': {
        const args = argumentsOf(part.input);
        if (args === undefined && options.upstream) {
          throw unsupportedFeature(`${where}.input (arguments that are not a JSON object)`, 'gemini');
        }
        // A call from a model that wrote no object (a cut answer) is shown to a Gemini client as no arguments.
        place(
          { functionCall: { id: part.id, name: part.name, args: args ?? {} }, ...sign(part.signature) },
          false,
        );
        continue;
      }
      default: {
        const unknown: never = part;
        throw new Error(`unknown assistant part ${JSON.stringify(unknown)}`);
      }
    }
  }
  hang(out, loose);
  if (options.upstream) signFirstCall(out);
  return out;
}

function signed(signature: string | undefined): GeminiPart {
  return signature === undefined ? {} : { thoughtSignature: signature };
}

/** The characters of base64, standard or URL-safe, as Google's JSON reader takes them for `bytes`. */
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * Google reads `thoughtSignature` as bytes and answers 400 for one that is not base64, so a provider's signature
 * of another shape (an id-like token) goes no further than the relay: a call then gets the dummy instead.
 */
function acceptable(signature: string | undefined): string | undefined {
  return signature !== undefined && BASE64.test(signature) ? signature : undefined;
}

/**
 * Puts a loose signature on the last unsigned text or file part. With none, it is left out: Google checks only
 * function calls' signatures, and a signature alone is not a part it takes.
 */
function hang(out: GeminiPart[], signature: string | undefined): void {
  if (signature === undefined) return;
  for (let index = out.length - 1; index >= 0; index -= 1) {
    const part = out[index];
    if (part && part.functionCall === undefined && part.thoughtSignature === undefined) {
      part.thoughtSignature = signature;
      return;
    }
  }
}

/**
 * Gemini 3 checks the signature of the first function call of each step (in parallel calls only the first
 * carries one), so only that call gets the dummy.
 */
function signFirstCall(out: GeminiPart[]): void {
  const first = out.find((part) => part.functionCall !== undefined);
  if (first && first.thoughtSignature === undefined) first.thoughtSignature = SKIP_SIGNATURE_VALIDATOR;
}

/** The arguments as the object Gemini wants; undefined when the text is not one (an empty text is none). */
export function argumentsOf(input: string): Record<string, unknown> | undefined {
  if (input.trim() === '') return {};
  return record(parseJson(input));
}
