// System fields: what this server is. Grows into system status with the control plane.
import { builder } from '../schema/builder.js';
import { SERVER_NAME, SERVER_VERSION } from '../version.js';

const ServerInfo = builder.objectRef<{ name: string; version: string }>('ServerInfo').implement({
  description: 'Identity of the relay server answering this request.',
  fields: (t) => ({
    name: t.exposeString('name'),
    version: t.exposeString('version'),
  }),
});

builder.queryField('serverInfo', (t) =>
  t.field({
    type: ServerInfo,
    resolve: () => ({ name: SERVER_NAME, version: SERVER_VERSION }),
  }),
);
