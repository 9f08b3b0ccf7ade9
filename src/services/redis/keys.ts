// Builds every Redis key name. Keys a script touches together share a {hash tag} so it also runs on Redis Cluster.

export type Granularity = 'hour' | 'day' | 'month';

/** Rollup key names after the {usage} slot prefix; the rollup script receives these suffixes. */
export function usageRollupSuffix(
  dimension: string,
  entity: string,
  granularity: Granularity,
  period: string,
) {
  return `${dimension}:${entity}:${granularity}:${period}`;
}

export function usageRankingSuffix(dimension: string, granularity: Granularity, period: string) {
  return `rank:${dimension}:${granularity}:${period}`;
}

export function createKeys(prefix: string) {
  const p = prefix;
  return {
    prefix: p,

    // Users of the control plane.
    user: (userId: string) => `${p}user:${userId}`,
    usersByName: () => `${p}users:by-name`,
    usersIndex: () => `${p}users:index`,
    /** Refresh tokens and their families share one slot: rotation touches both in one script. */
    authSlotPrefix: () => `${p}{auth}:`,
    authRefreshToken: (tokenHash: string) => `${p}{auth}:rt:${tokenHash}`,
    authFamily: (familyId: string) => `${p}{auth}:rf:${familyId}`,
    /**
     * Sign-in attempts: one address's count, and its state per username (backoff, trusted), in the address's
     * slot so that one script takes an attempt against both. Callers pass encoded parts (no braces).
     */
    loginAddress: (address: string) => `${p}{login:${address}}:address`,
    loginPair: (address: string, username: string) => `${p}{login:${address}}:user:${username}`,
    auditStream: () => `${p}{audit}:stream`,

    // Spend limits per user and per user group (the Admin API's spend limits). A user's spend counters live in
    // the user's slot, with the claims their reservations are held under: admission, settle and the reconciler
    // run the key's scripts there too (admission/key-admission-groups.ts), so nothing spans two slots.
    spendLimits: () => `${p}spend-limits`,
    /** Claude Code managed-settings policies, by scope (`all`, `role:…`, `group:…`, `user:…`). */
    managedSettings: () => `${p}managed-settings`,
    userSpendPrefix: (userId: string) => `${p}{u:${userId}}:`,
    /** The user's side of admission: an (always empty) lease set, and the expiry of its requests' claims. */
    userLeases: (userId: string) => `${p}{u:${userId}}:leases`,
    userClaimExpiry: (userId: string) => `${p}{u:${userId}}:claims-exp`,
    /** What a user's signed-in Claude Code reported in a day: counts, and its session ids as a HyperLogLog. */
    userTelemetry: (userId: string, day: string) => `${p}{u:${userId}}:telemetry:${day}`,
    userTelemetrySessions: (userId: string, day: string) => `${p}{u:${userId}}:sessions:${day}`,

    // Gateway sign-in (Claude Code's `/login` → cloud gateway). A pending device authorization and its user
    // code share the {gw} slot; devices are records with per-user and global indexes; each device is also a
    // refresh-token family under {auth}, named by the device id.
    gatewayAuthorization: (deviceCodeHash: string) => `${p}{gw}:da:${deviceCodeHash}`,
    gatewayUserCode: (userCode: string) => `${p}{gw}:uc:${userCode}`,
    gatewayVerifyAttempts: (address: string) => `${p}{gw}:verify:${address}`,
    gatewayDevice: (deviceId: string) => `${p}gateway:device:${deviceId}`,
    gatewayDevicesIndex: () => `${p}gateway:devices:index`,
    gatewayDevicesByUser: (userId: string) => `${p}gateway:devices:by-user:${userId}`,
    /** The key a user's devices are bound to when the approval names none, created on first approval. */
    gatewayDefaultKey: (userId: string) => `${p}gateway:default-key:${userId}`,

    // Relay API keys; per-key state lives in the key's slot so admission is one script on one slot.
    apiKey: (keyId: string) => `${p}{k:${keyId}}:key`,
    apiKeySlotPrefix: (keyId: string) => `${p}{k:${keyId}}:`,
    apiKeysByHash: () => `${p}keys:by-hash`,
    apiKeysIndex: () => `${p}keys:index`,
    apiKeysByOwner: (userId: string) => `${p}keys:by-owner:${userId}`,
    /** Peppers of key hashes brought from another relay (sealed), by id: see api-keys/legacy-key-hashes.ts. */
    apiKeyPeppers: () => `${p}keys:peppers`,
    /** Records brought from another system (`crs`): their ref there → our id (see migration/crs/crs-id-map.ts). */
    importedIds: (source: string) => `${p}import:${source}:ids`,
    keyLeases: (keyId: string) => `${p}{k:${keyId}}:leases`,
    /**
     * Every admitted request's claim on its key (what it reserved, what to charge and record if its instance
     * dies) by request id, and when each claim expires unless renewed. Settling removes the claim, which is
     * what makes a settle count once: state that lives only as long as the request does.
     */
    keyClaims: (keyId: string) => `${p}{k:${keyId}}:claims`,
    keyClaimExpiry: (keyId: string) => `${p}{k:${keyId}}:claims-exp`,
    /**
     * Keys with leases or reservations that may need reclaiming (member: key id), and owners with reservations
     * (member: "u:" + user id): the reconciler's index, no SCAN needed.
     */
    reconcileIndex: () => `${p}{reconcile}:keys`,

    // Upstream accounts: the record in its own slot, scheduling state in the pool's slot so that
    // choosing an account and leasing it is one script.
    account: (accountId: string) => `${p}{a:${accountId}}:account`,
    accountHistory: (accountId: string) => `${p}{a:${accountId}}:history`,
    accountTests: (accountId: string) => `${p}{a:${accountId}}:tests`,
    accountsIndex: () => `${p}accounts:index`,
    accountGroup: (groupId: string) => `${p}account-group:${groupId}`,
    accountGroupsIndex: () => `${p}account-groups:index`,
    poolMembers: (pool: string) => `${p}{pool:${pool}}:members`,
    poolSlotPrefix: (pool: string) => `${p}{pool:${pool}}:`,
    poolSchedule: (pool: string, accountId: string) => `${p}{pool:${pool}}:sched:${accountId}`,
    poolLeases: (pool: string, accountId: string) => `${p}{pool:${pool}}:leases:${accountId}`,
    poolLastUsed: (pool: string) => `${p}{pool:${pool}}:last-used`,

    // The usage ledger: a capped stream, plus the admitted requests whose entry is still to be written (request
    // id scored by admission time): appending removes the request from it, so each is recorded once.
    ledgerStream: () => `${p}{ledger}:stream`,
    ledgerPending: () => `${p}{ledger}:pending`,
    /** Requests recorded without a known price: a counter and the most recent model names. */
    ledgerUnpricedCount: () => `${p}{ledger}:unpriced:count`,
    ledgerUnpricedModels: () => `${p}{ledger}:unpriced:models`,
    /** A request's captured bodies (request log body capture), kept for their own short retention. */
    requestBody: (requestId: string) => `${p}body:${requestId}`,

    // Rollups, written in batches by the rollup job; all in one slot so a batch applies atomically.
    usageCursor: () => `${p}{usage}:cursor`,
    usageSlotPrefix: () => `${p}{usage}:`,
    usageRollup: (dimension: string, entity: string, granularity: Granularity, period: string) =>
      `${p}{usage}:${usageRollupSuffix(dimension, entity, granularity, period)}`,
    usageRanking: (dimension: string, granularity: Granularity, period: string) =>
      `${p}{usage}:${usageRankingSuffix(dimension, granularity, period)}`,

    pricingOverrides: () => `${p}pricing:overrides`,

    /** A pending OAuth authorization (PKCE verifier and state) between its start and its code exchange. */
    oauthSession: (sessionId: string) => `${p}oauth:session:${sessionId}`,

    /** A value sealed with the encryption key, proving every instance uses the same one. */
    encryptionCheck: () => `${p}crypto:check`,

    // Alert rules: the record, and per rule its firing subjects and last announcements in the rule's slot (one
    // script moves a subject between ok and firing); the alert history is one capped stream.
    alertRule: (ruleId: string) => `${p}alert:rule:${ruleId}`,
    alertRulesIndex: () => `${p}alert:rules:index`,
    alertFiring: (ruleId: string) => `${p}{alert:${ruleId}}:firing`,
    alertAnnounced: (ruleId: string) => `${p}{alert:${ruleId}}:announced`,
    alertEvents: () => `${p}{alerts}:events`,

    // Leader locks for background jobs that must run on one instance at a time.
    lock: (name: string) => `${p}lock:${name}`,

    // Pub/sub channels.
    channel: (topic: string) => `${p}events:${topic}`,

    // --- Notification channels and their delivery queue (services/notify). ---
    // Channel records are read one at a time and paged by their index. The queue's keys share the {notify}
    // slot, so that enqueueing, claiming and completing a delivery are each one script: the due set (delivery
    // id scored by its next attempt, or by its lease's end while claimed), one hash per delivery, and each
    // channel's capped delivery log (a stream, newest read first).
    notifyChannel: (channelId: string) => `${p}notify:channel:${channelId}`,
    notifyChannelsIndex: () => `${p}notify:channels:index`,
    notifyDue: () => `${p}{notify}:due`,
    notifySlotPrefix: () => `${p}{notify}:`,
    notifyDelivery: (deliveryId: string) => `${p}{notify}:delivery:${deliveryId}`,
    notifyLog: (channelId: string) => `${p}{notify}:log:${channelId}`,
    // --- End of notification keys. ---
  } as const;
}

export type Keys = ReturnType<typeof createKeys>;
