// API keys as the control plane manages them: the key service's operations behind role and ownership rules,
// a per-member key quota, and an audit entry for every change (key views carry no secret: no hash, and
// the plaintext of a new or rotated key is never audited).
import { AppError } from '../../errors/app-error.js';
import type { ApiKeyPage, ApiKeyService, IssuedApiKey } from '../api-keys/api-key-service.js';
import type { ApiKey, CreateApiKeyInput, UpdateApiKeyInput } from '../api-keys/api-key-types.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Principal } from '../auth/auth-service.js';
import { MANAGERS, READERS, requireOwnerOrManager, requireRole } from './roles.js';

/** What a member may set on their own keys; limits, restrictions and bindings are the operators' call. */
const MEMBER_FIELDS = new Set(['name', 'description', 'enabled', 'tags']);

/** A change to a key: the fields to set, or a function of the current key that returns them. */
export type ApiKeyPatch = UpdateApiKeyInput | ((current: ApiKey) => UpdateApiKeyInput);

export interface ApiKeyAdminOptions {
  /** Keys one member may own. */
  maxKeysPerMember: number;
}

export class ApiKeyAdmin {
  constructor(
    private readonly keys: ApiKeyService,
    private readonly audit: AuditLog,
    private readonly options: ApiKeyAdminOptions,
  ) {}

  async list(
    actor: Principal,
    options: { limit?: number; cursor?: string; ownerId?: string },
  ): Promise<ApiKeyPage> {
    const ownerId = READERS.includes(actor.role) ? options.ownerId : actor.userId;
    return this.keys.list({ ...options, ...(ownerId === undefined ? {} : { ownerId }) });
  }

  /** The keys whose usage and requests the actor may see: undefined for readers (all of them). */
  async visibleKeyIds(actor: Principal): Promise<string[] | undefined> {
    if (READERS.includes(actor.role)) return undefined;
    return this.keys.ownedKeyIds(actor.userId);
  }

  async get(actor: Principal, id: string): Promise<ApiKey> {
    const key = await this.keys.require(id);
    if (!READERS.includes(actor.role) && key.ownerId !== actor.userId) {
      throw new AppError('not_found', `API key ${id} does not exist`);
    }
    return key;
  }

  async create(actor: Principal, input: CreateApiKeyInput): Promise<IssuedApiKey> {
    let fields = input;
    if (!MANAGERS.includes(actor.role)) {
      requireRole(actor, ['member']);
      memberFieldsOnly(input);
      const owned = await this.keys.list({ ownerId: actor.userId, limit: this.options.maxKeysPerMember + 1 });
      if (owned.items.length >= this.options.maxKeysPerMember) {
        throw new AppError(
          'conflict',
          `You already own ${this.options.maxKeysPerMember} keys, the most allowed`,
        );
      }
      fields = { ...input, ownerId: actor.userId };
    }
    const issued = await this.keys.create(fields);
    await this.audit.record({
      actor: actor.userId,
      action: 'api_key.create',
      target: issued.key.id,
      after: issued.key,
    });
    return issued;
  }

  /**
   * A patch, or a function of the key as stored that returns one: the key service applies it inside its
   * compare-and-swap, so a change that builds on the current limits or bindings loses no concurrent edit.
   */
  async update(actor: Principal, id: string, patch: ApiKeyPatch): Promise<ApiKey> {
    const before = await this.owned(actor, id);
    const checked = MANAGERS.includes(actor.role) ? patch : memberPatch(patch);
    const after = await this.keys.update(id, checked);
    await this.audit.record({ actor: actor.userId, action: 'api_key.update', target: id, before, after });
    return after;
  }

  async rotate(actor: Principal, id: string): Promise<IssuedApiKey> {
    const before = await this.owned(actor, id);
    const issued = await this.keys.rotate(id);
    await this.audit.record({
      actor: actor.userId,
      action: 'api_key.rotate',
      target: id,
      before,
      after: issued.key,
    });
    return issued;
  }

  async delete(actor: Principal, id: string): Promise<void> {
    const before = await this.owned(actor, id);
    await this.keys.delete(id);
    await this.audit.record({ actor: actor.userId, action: 'api_key.delete', target: id, before });
  }

  /** The key, if the actor may change it; members see others' keys as missing. */
  private async owned(actor: Principal, id: string): Promise<ApiKey> {
    const key = await this.keys.get(id);
    if (!key) throw new AppError('not_found', `API key ${id} does not exist`);
    requireOwnerOrManager(actor, key.ownerId);
    return key;
  }
}

/** The patch with the member rule applied to whatever it turns out to be. */
function memberPatch(patch: ApiKeyPatch): ApiKeyPatch {
  if (typeof patch !== 'function') {
    memberFieldsOnly(patch);
    return patch;
  }
  return (current) => {
    const fields = patch(current);
    memberFieldsOnly(fields);
    return fields;
  };
}

function memberFieldsOnly(input: object): void {
  for (const [field, value] of Object.entries(input)) {
    if (value !== undefined && !MEMBER_FIELDS.has(field)) {
      throw new AppError('permission_denied', `${field}: only operators set this`, { details: { field } });
    }
  }
}
