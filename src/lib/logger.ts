// pino JSON logger with every known secret-bearing field redacted before it is written.
import { pino } from 'pino';

export type Logger = pino.Logger;

/** Field paths that may carry credentials; pino replaces their values before serialising. */
export const REDACTED_PATHS = [
  'password',
  'apiKey',
  'key',
  'token',
  'accessToken',
  'refreshToken',
  'secret',
  'credentials',
  'authorization',
  '*.password',
  '*.apiKey',
  '*.key',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.secret',
  '*.credentials',
  '*.authorization',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers["x-goog-api-key"]',
  'headers["api-key"]',
  'headers.cookie',
  '*.headers.authorization',
  '*.headers["x-api-key"]',
  '*.headers["x-goog-api-key"]',
  '*.headers["api-key"]',
  '*.headers.cookie',
];

export interface LoggerOptions {
  level: string;
  /** Where to write; defaults to stdout. Tests pass a stream to read what was logged. */
  destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { pid: process.pid },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination,
  );
}
