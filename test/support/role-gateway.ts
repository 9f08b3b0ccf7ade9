// The role matrix's gateway sign-in, spend-limit and managed-settings fields: every signed-in user approves or
// denies sign-ins and lists devices for themselves; only admins revoke others' devices and set managed
// settings; readers read caps and policies; managers set and delete caps.
import {
  created,
  MANAGERS,
  type Operation,
  READERS,
  type RoleFixture,
  SIGNED_IN,
} from './role-operations.js';

export function gatewayOperations(f: RoleFixture): Operation[] {
  const userCode = async () =>
    (
      await f
        .services()
        .gateway.authorize({ surface: 'claude_code', userAgent: 'roles', address: '127.0.0.1' })
    ).userCode;
  const bob = async () => {
    const user = await f.services().users.findByUsername('bob');
    if (!user) throw new Error('bob is missing');
    return user;
  };
  /** A device bob signed in, for each attempt to revoke. */
  const bobDevice = async () => {
    const { gateway } = f.services();
    const signIn = await gateway.authorize({
      surface: 'claude_code',
      userAgent: 'roles',
      address: '127.0.0.1',
    });
    await gateway.approve(await bob(), signIn.userCode, f.bobKeyId());
    await gateway.exchangeDeviceCode(signIn.deviceCode);
    const devices = await gateway.listDevices({ userId: (await bob()).id });
    return devices.items[0]?.id ?? '';
  };
  const byCode = (variables: Record<string, unknown>) => String(variables.code);
  return [
    {
      field: 'gatewaySignIn',
      document: 'query ($code: String!) { gatewaySignIn(userCode: $code) { userCode } }',
      variables: async () => ({ code: await userCode() }),
      allowed: SIGNED_IN,
    },
    {
      field: 'approveGatewaySignIn',
      document: 'mutation ($code: String!) { approveGatewaySignIn(userCode: $code) { userCode } }',
      variables: async () => ({ code: await userCode() }),
      allowed: SIGNED_IN,
      audit: { action: 'gateway.approve', target: byCode },
    },
    {
      field: 'denyGatewaySignIn',
      document: 'mutation ($code: String!) { denyGatewaySignIn(userCode: $code) { userCode } }',
      variables: async () => ({ code: await userCode() }),
      allowed: SIGNED_IN,
      audit: { action: 'gateway.deny', target: byCode },
    },
    {
      field: 'gatewayDevices',
      document: '{ gatewayDevices { nodes { id } } }',
      variables: async () => ({}),
      allowed: SIGNED_IN,
    },
    {
      field: 'revokeGatewayDevice',
      document: 'mutation ($id: ID!) { revokeGatewayDevice(id: $id) { id } }',
      variables: async () => ({ id: await bobDevice() }),
      allowed: ['admin'],
      memberCode: 'NOT_FOUND',
      audit: { action: 'gateway.revoke_device', target: (variables) => String(variables.id) },
    },
    {
      field: 'gatewayTelemetry',
      document: 'query ($id: ID!) { gatewayTelemetry(userId: $id) { sessions } }',
      variables: async () => ({ id: (await bob()).id }),
      allowed: READERS,
    },
    {
      field: 'spendLimits',
      document: '{ spendLimits { id } }',
      variables: async () => ({}),
      allowed: READERS,
    },
    {
      field: 'effectiveSpend',
      document: '{ effectiveSpend { userId period } }',
      variables: async () => ({}),
      allowed: SIGNED_IN,
    },
    {
      field: 'setSpendLimit',
      document:
        'mutation ($group: String!) { setSpendLimit(scope: { group: $group }, period: daily, amountCents: 100) { id } }',
      variables: async () => ({ group: f.unique('team') }),
      allowed: MANAGERS,
      audit: { action: 'spend_limit.set', target: created('setSpendLimit', (limit) => limit.id) },
    },
    {
      field: 'deleteSpendLimit',
      document: 'mutation ($id: ID!) { deleteSpendLimit(id: $id) { id } }',
      variables: async () => ({
        id: (
          await f.services().spendLimits.set({
            scope: { type: 'group', group: f.unique('team') },
            period: 'weekly',
            amountCents: 1,
          })
        ).id,
      }),
      allowed: MANAGERS,
      audit: { action: 'spend_limit.delete', target: (variables) => String(variables.id) },
    },
    {
      field: 'managedSettingsPolicies',
      document: '{ managedSettingsPolicies { scope { type } } }',
      variables: async () => ({}),
      allowed: READERS,
    },
    {
      field: 'setManagedSettings',
      document:
        'mutation ($group: String!) { setManagedSettings(scope: { group: $group }, settings: { model: "sonnet" }) { updatedBy } }',
      variables: async () => ({ group: f.unique('team') }),
      allowed: ['admin'],
      audit: { action: 'managed_settings.set', target: (variables) => `group:${String(variables.group)}` },
    },
    {
      field: 'deleteManagedSettings',
      document:
        'mutation ($group: String!) { deleteManagedSettings(scope: { group: $group }) { updatedBy } }',
      variables: async () => {
        const group = f.unique('team');
        await f.services().managedSettings.set({ type: 'group', group }, {}, 'roles');
        return { group };
      },
      allowed: ['admin'],
      audit: { action: 'managed_settings.delete', target: (variables) => `group:${String(variables.group)}` },
    },
  ];
}
