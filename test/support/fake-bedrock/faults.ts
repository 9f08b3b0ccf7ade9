// Named scenarios for the faults Bedrock really produces, so tests read as what they simulate.
import type { BedrockScenario } from './types.js';

export const bedrockFaults = {
  /** 429 ThrottlingException "Too many requests, please wait before trying again." */
  throttle: (): BedrockScenario => ({ status: 429 }),
  /** 503 ServiceUnavailableException. */
  unavailable: (): BedrockScenario => ({ status: 503 }),
  /** 200, `events` chunk frames, then a modelStreamErrorException frame. */
  streamException: (events: number, exception = 'modelStreamErrorException'): BedrockScenario => ({
    errorEventAfterEvents: events,
    exception,
  }),
  /** 200, `events` chunk frames, half of the next frame, then the connection is cut. */
  cutMidStream: (events: number): BedrockScenario => ({ cutAfterEvents: events }),
  /** Nothing at all (not even headers) for `ms`. */
  slowFirstByte: (ms: number): BedrockScenario => ({ delayFirstByteMs: ms }),
} as const;
