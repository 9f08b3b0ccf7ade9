// What a renderer turns a notification into: one HTTP request, or one mail; pure data, sent by the worker.
export interface HttpOut {
  kind: 'http';
  url: string;
  headers: Record<string, string>;
  /** JSON text; every vendor here takes a JSON POST. */
  body: string;
  /**
   * Vendors that answer 200 to a refused message (DingTalk, Feishu, WeCom, Bark) say so in the body: returns
   * what they said when they refused, undefined when they accepted.
   */
  refusal?: (body: string) => string | undefined;
}

export interface MailOut {
  kind: 'mail';
  subject: string;
  text: string;
  html: string;
}

export type Outbound = HttpOut | MailOut;

export interface RenderContext {
  /** The attempt's time, ms: signatures carry it and receivers refuse stale ones. */
  now: number;
}

export function jsonPost(url: string, payload: unknown, headers: Record<string, string> = {}): HttpOut {
  return {
    kind: 'http',
    url,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(payload),
  };
}

/** Reads a JSON answer's field; undefined when the body is not JSON or lacks it. */
export function answerField(body: string, field: string): unknown {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null ? Reflect.get(value, field) : undefined;
  } catch {
    return undefined;
  }
}
