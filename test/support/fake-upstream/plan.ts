// What a provider handler decides to send (a Plan), plus small helpers shared by the providers.
import { randomBytes } from 'node:crypto';
import type { Exchange } from './exchange.js';

export type Headers = Record<string, string>;

export interface Frame {
  data: string;
  /** Usage object carried by this frame; recorded as `reportedUsage` once the frame is sent. */
  usage?: unknown;
}

export interface JsonPlan {
  kind: 'json';
  status: number;
  headers: Headers;
  body: string;
  usage?: unknown;
}

export interface StreamPlan {
  kind: 'stream';
  status: number;
  headers: Headers;
  frames: Frame[];
  /** The provider's in-stream error event, sent in place of frame `index`. */
  errorFrame: (index: number) => string;
  /** Bytes that close the stream after the last frame or the error frame (Gemini JSON-array mode). */
  trailer: string;
}

export type Plan = JsonPlan | StreamPlan;

/** Builds the provider's error answer for a status (type/message may override the defaults). */
export type ErrorBuilder = (ex: Exchange, status: number, type?: string, message?: string) => Plan;

export function jsonPlan(status: number, headers: Headers, value: unknown, usage?: unknown): JsonPlan {
  return { kind: 'json', status, headers, body: JSON.stringify(value), usage };
}

/** Scenario-forced answers (`json`, error `status`) that replace the normal success. */
export function scenarioOverride(
  ex: Exchange,
  headers: () => Headers,
  error: ErrorBuilder,
): Plan | undefined {
  const s = ex.scenario;
  if (s.json !== undefined) return jsonPlan(s.status ?? 200, headers(), s.json);
  if (s.status !== undefined && s.status >= 400) return error(ex, s.status, s.errorType, s.errorMessage);
  return undefined;
}

/** Success status: the scenario's non-error status, else 200. */
export function successStatus(ex: Exchange): number {
  const status = ex.scenario.status;
  return status !== undefined && status < 400 ? status : 200;
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const idPrefix = Array.from(randomBytes(10), (b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('');
let idCounter = 0;

/** Unique, cheap id: `<prefix><random per process><counter>`. */
export function newId(prefix: string): string {
  idCounter++;
  return `${prefix}${idPrefix}${idCounter.toString(36).padStart(8, '0')}`;
}

export function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export function stringField(body: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = body?.[key];
  return typeof value === 'string' ? value : undefined;
}

export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
