// Everything the relay's handlers need, built once by the composition root.
import type { Logger } from '../lib/logger.js';
import type { AccountHealth } from '../services/accounts/account-health.js';
import type { CredentialSource } from '../services/accounts/credential-source.js';
import type { AdmissionService } from '../services/admission/admission-service.js';
import type { ApiKeyService } from '../services/api-keys/api-key-service.js';
import type { GatewayService } from '../services/gateway/gateway-service.js';
import type { ModelDirectory } from '../services/models/model-directory.js';
import type { PricingService } from '../services/pricing/pricing-service.js';
import type { StoreHealth } from '../services/redis/store-health.js';
import type { BodyCapture } from '../services/request-log/body-capture.js';
import type { AccountScheduler } from '../services/scheduler/account-scheduler.js';
import type { UsageSettler } from '../services/usage/usage-settler.js';
import type { TransportRegistry } from './upstream/transports.js';

export interface RelaySettings {
  apiKeyPrefix: string;
  bodyLimitBytes: number;
  firstByteTimeoutMs: number;
  idleTimeoutMs: number;
  /** Largest non-streaming upstream answer the relay will hold in memory. */
  maxResponseBytes: number;
  /** Accounts one request may try; 1 turns failover off. */
  failoverMaxAttempts: number;
  /** Models with no known price: relayed at cost 0 (flagged), or refused. */
  unpricedModels: 'allow' | 'refuse';
  /** Whether a proxy's forwarded host, scheme and address are the client's (the sign-in's URLs and limits). */
  trustProxy: boolean;
}

export interface RelayDeps {
  apiKeys: ApiKeyService;
  admission: AdmissionService;
  /** Claude Code's gateway sign-in: device tokens are accepted wherever a relay key is. */
  gateway: GatewayService;
  scheduler: AccountScheduler;
  health: AccountHealth;
  credentials: CredentialSource;
  settler: UsageSettler;
  /** Which requests' bodies the request log keeps. */
  bodyCapture: BodyCapture;
  pricing: PricingService;
  /** The models a key may use, for the model lists the relay draws itself. */
  models: ModelDirectory;
  /** Refuses requests at once while Redis is known to be away, and bounds their wait for it otherwise. */
  store: StoreHealth;
  transports: TransportRegistry;
  logger: Logger;
  settings: RelaySettings;
}
