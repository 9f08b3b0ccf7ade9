// Zod schemas of account groups: named sets of accounts of one pool that keys can be bound to.
import { z } from 'zod';
import { PLATFORMS } from '../domain/platforms.js';

const accountId = z.string().trim().min(1).max(100);

export const createGroupInputSchema = z.object({
  name: z.string().trim().min(1).max(100),
  platform: z.enum(PLATFORMS),
  description: z.string().max(1000).optional(),
  memberIds: z.array(accountId).max(1000).default([]),
});
export type CreateGroupInput = z.input<typeof createGroupInputSchema>;

export const updateGroupInputSchema = z
  .object({ name: createGroupInputSchema.shape.name, description: z.string().max(1000).nullable() })
  .partial();
export type UpdateGroupInput = z.input<typeof updateGroupInputSchema>;

export const memberIdsSchema = z.array(accountId).min(1).max(1000);

export const accountGroupSchema = z.object({
  id: z.string(),
  name: z.string(),
  platform: z.enum(PLATFORMS),
  description: z.string().optional(),
  memberIds: z.array(z.string()),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type AccountGroup = z.infer<typeof accountGroupSchema>;
