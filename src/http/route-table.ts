// The data plane's route table: exact paths in a Map plus a few parameterised matchers, no middleware chain.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorShape } from '../errors/error-shape.js';
import type { Logger } from '../lib/logger.js';

export interface RequestContext {
  readonly requestId: string;
  /** The client's own `x-request-id`, when it sent an acceptable one: a correlation field, never a key. */
  readonly clientRequestId: string | undefined;
  /** `performance.now()` when the request arrived, for latency figures. */
  readonly startedAt: number;
  readonly path: string;
  /** Raw query string without the leading `?`, or ''. */
  readonly query: string;
  /** Values captured by a parameterised route, e.g. the Gemini model name. */
  readonly params: Readonly<Record<string, string>>;
  readonly logger: Logger;
}

export type RouteHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  context: RequestContext,
) => Promise<void>;

export type PathMatcher = (path: string) => Record<string, string> | undefined;

/** A handler and the error shape its clients read: failures it throws are answered in that shape. */
export interface Route {
  handler: RouteHandler;
  errors: ErrorShape;
}

/**
 * One path that clients of two formats share (`GET /v1/models`), each answered in its own: the request's
 * headers tell which client is asking.
 */
export interface SharedRoute {
  choose(headers: IncomingHttpHeaders): Route;
}

type RouteEntry = Route | SharedRoute;

interface PatternRoute {
  method: string;
  match: PathMatcher;
  entry: RouteEntry;
}

export interface RouteMatch extends Route {
  params: Record<string, string>;
}

const NO_PARAMS: Record<string, string> = Object.freeze({}) as Record<string, string>;

export class RouteTable {
  private readonly exact = new Map<string, RouteMatch | SharedRoute>();
  private readonly patterns: PatternRoute[] = [];

  add(method: string, path: string, entry: RouteEntry): this {
    const key = `${method} ${path}`;
    if (this.exact.has(key)) throw new Error(`Route ${key} is registered twice`);
    this.exact.set(key, 'choose' in entry ? entry : { ...entry, params: NO_PARAMS });
    return this;
  }

  addPattern(method: string, match: PathMatcher, entry: RouteEntry): this {
    this.patterns.push({ method, match, entry });
    return this;
  }

  match(method: string, path: string, headers: IncomingHttpHeaders): RouteMatch | undefined {
    const exact = this.exact.get(`${method} ${path}`);
    if (exact) return 'choose' in exact ? { ...exact.choose(headers), params: NO_PARAMS } : exact;
    for (const route of this.patterns) {
      if (route.method !== method) continue;
      const params = route.match(path);
      if (!params) continue;
      const chosen = 'choose' in route.entry ? route.entry.choose(headers) : route.entry;
      return { handler: chosen.handler, errors: chosen.errors, params };
    }
    return undefined;
  }
}
