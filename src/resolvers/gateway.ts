// Gateway sign-in fields: the verification page's look at a code and its approve/deny (any signed-in user, for
// themselves), and signed-in devices (their own; admins anyone's), revocable. Rules live in GatewayAdmin.
import { requireUser } from '../schema/access.js';
import { builder } from '../schema/builder.js';
import type { GatewayDevice, PendingSignIn } from '../services/gateway/gateway-types.js';
import type { UserTelemetry } from '../services/gateway/telemetry-counts.js';
import { idArg } from './input.js';
import { connectionOf, pageArgs, toConnection } from './page-info.js';

const GatewaySignInRef = builder.objectRef<PendingSignIn>('GatewaySignIn').implement({
  description:
    'A device asking to sign in (Claude Code /login → cloud gateway), as the verification page shows it.',
  fields: (t) => ({
    userCode: t.exposeString('userCode'),
    surface: t.string({
      nullable: true,
      description: 'The client application, as the device said (claude_code).',
      resolve: (signIn) => signIn.surface ?? null,
    }),
    userAgent: t.string({ nullable: true, resolve: (signIn) => signIn.userAgent ?? null }),
    address: t.string({
      nullable: true,
      description: 'The address the sign-in started from.',
      resolve: (signIn) => signIn.address ?? null,
    }),
    requestedAt: t.field({ type: 'DateTime', resolve: (signIn) => new Date(signIn.requestedAt) }),
    expiresAt: t.field({ type: 'DateTime', resolve: (signIn) => new Date(signIn.expiresAt) }),
  }),
});

const GatewayDeviceRef = builder.objectRef<GatewayDevice>('GatewayDevice').implement({
  description: 'A device signed in through the gateway protocol, served as the relay key it is bound to.',
  fields: (t) => ({
    id: t.exposeID('id'),
    userId: t.exposeID('userId'),
    keyId: t.exposeID('keyId'),
    surface: t.string({ nullable: true, resolve: (device) => device.surface ?? null }),
    userAgent: t.string({ nullable: true, resolve: (device) => device.userAgent ?? null }),
    address: t.string({ nullable: true, resolve: (device) => device.address ?? null }),
    createdAt: t.field({ type: 'DateTime', resolve: (device) => new Date(device.createdAt) }),
  }),
});

const GatewayDeviceConnection = connectionOf('GatewayDevice', GatewayDeviceRef);

builder.queryField('gatewaySignIn', (t) =>
  t.field({
    type: GatewaySignInRef,
    description: 'The pending sign-in behind a user code. Tries are limited per address.',
    args: { userCode: t.arg.string({ required: true }) },
    resolve: (_root, args, context) =>
      context.services.control.gateway.pendingSignIn(requireUser(context), args.userCode, context.address),
  }),
);

builder.mutationField('approveGatewaySignIn', (t) =>
  t.field({
    type: GatewaySignInRef,
    description:
      'Signs the device in as the caller, bound to one of their keys (keyId) or to their default gateway key.',
    args: { userCode: t.arg.string({ required: true }), keyId: t.arg.id() },
    resolve: (_root, args, context) =>
      context.services.control.gateway.approve(
        requireUser(context),
        args.userCode,
        args.keyId == null ? undefined : idArg(args.keyId, 'keyId'),
        context.address,
      ),
  }),
);

builder.mutationField('denyGatewaySignIn', (t) =>
  t.field({
    type: GatewaySignInRef,
    args: { userCode: t.arg.string({ required: true }) },
    resolve: (_root, args, context) =>
      context.services.control.gateway.deny(requireUser(context), args.userCode, context.address),
  }),
);

builder.queryField('gatewayDevices', (t) =>
  t.field({
    type: GatewayDeviceConnection,
    description: "The caller's signed-in devices; admins may name a user, or leave it out for every device.",
    args: { userId: t.arg.id(), first: t.arg.int(), after: t.arg.string() },
    resolve: async (_root, args, context) =>
      toConnection(
        await context.services.control.gateway.devices(requireUser(context), {
          userId: args.userId == null ? undefined : idArg(args.userId, 'userId'),
          ...pageArgs(args),
        }),
      ),
  }),
);

builder.mutationField('revokeGatewayDevice', (t) =>
  t.field({
    type: GatewayDeviceRef,
    description:
      'Signs a device out: its next refresh fails with invalid_grant and its next request with 401.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) =>
      context.services.control.gateway.revoke(requireUser(context), idArg(args.id)),
  }),
);

const CountRef = builder.objectRef<{ name: string; count: number }>('NamedCount').implement({
  fields: (t) => ({ name: t.exposeString('name'), count: t.exposeInt('count') }),
});

const TelemetryRef = builder.objectRef<UserTelemetry>('GatewayTelemetry').implement({
  description: "What a person's signed-in Claude Code reported in one day (UTC) through its telemetry.",
  fields: (t) => ({
    day: t.exposeString('day'),
    sessions: t.exposeInt('sessions', { description: 'Distinct sessions (estimated, HyperLogLog).' }),
    records: t.exposeInt('records', { description: 'Log records, data points and spans received.' }),
    tools: t.field({ type: [CountRef], resolve: (telemetry) => namedCounts(telemetry.tools) }),
    events: t.field({ type: [CountRef], resolve: (telemetry) => namedCounts(telemetry.events) }),
  }),
});

function namedCounts(counts: Record<string, number>): { name: string; count: number }[] {
  return Object.entries(counts)
    .map(([name, count]) => ({ name, count }))
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
}

builder.queryField('gatewayTelemetry', (t) =>
  t.field({
    type: TelemetryRef,
    description:
      "A person's telemetry counts for a day (default today, UTC): their own, or anyone's for readers.",
    args: { userId: t.arg.id({ required: true }), day: t.arg.string() },
    resolve: (_root, args, context) =>
      context.services.control.gateway.telemetry(
        requireUser(context),
        idArg(args.userId, 'userId'),
        args.day ?? undefined,
      ),
  }),
);
