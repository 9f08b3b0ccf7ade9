// The audit log, for admins: who did what to what, newest first, filtered and paginated.
import { z } from 'zod';
import { requireRole } from '../schema/access.js';
import { builder } from '../schema/builder.js';
import type { AuditEntry } from '../services/audit/audit-log.js';
import { parseInput } from '../services/validation.js';
import { present } from './input.js';
import { connectionOf, toConnection } from './page-info.js';

const AuditEntryRef = builder.objectRef<AuditEntry>('AuditEntry').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    at: t.field({ type: 'DateTime', resolve: (entry) => new Date(entry.at) }),
    actor: t.exposeString('actor', { description: 'A user id, or "system".' }),
    action: t.exposeString('action'),
    target: t.exposeString('target'),
    // JSON on purpose: a snapshot of whatever the action changed (a key, an account, a user, a live state, a
    // connection test, a price), recorded as it was then; no one type describes every entry, old ones included.
    before: t.field({
      type: 'JSON',
      nullable: true,
      description:
        'The target before the change, secret-free, as recorded then; its shape depends on `action`.',
      resolve: (entry) => entry.before ?? null,
    }),
    after: t.field({
      type: 'JSON',
      nullable: true,
      description:
        'The target after the change, secret-free, as recorded then; its shape depends on `action`.',
      resolve: (entry) => entry.after ?? null,
    }),
    detail: t.field({
      type: 'JSON',
      nullable: true,
      description: 'What else the action recorded (e.g. which secrets changed, never their values).',
      resolve: (entry) => entry.detail ?? null,
    }),
  }),
});

const AuditConnection = connectionOf('Audit', AuditEntryRef);

const auditQuerySchema = z.object({
  first: z.number().int().min(1).max(500).optional(),
  after: z
    .string()
    .regex(/^\d+-\d+$/, 'must be a cursor from pageInfo.endCursor')
    .optional(),
  actor: z.string().max(100).optional(),
  action: z.string().max(100).optional(),
  target: z.string().max(200).optional(),
});

builder.queryField('auditLog', (t) =>
  t.field({
    type: AuditConnection,
    description: 'Admins only. `action` matches exactly, or by prefix when it ends in "." (`api_key.`).',
    args: {
      first: t.arg.int(),
      after: t.arg.string(),
      actor: t.arg.string(),
      action: t.arg.string(),
      target: t.arg.string(),
    },
    resolve: async (_root, args, context) => {
      requireRole(context, ['admin']);
      const query = parseInput(auditQuerySchema, present(args));
      const page = await context.services.audit.list({
        ...query,
        ...(query.first === undefined ? {} : { limit: query.first }),
        ...(query.after === undefined ? {} : { cursor: query.after }),
      });
      return toConnection(page);
    },
  }),
);
