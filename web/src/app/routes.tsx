// The page table under /admin: sign-in and the key-holder page are public, the rest need a session. Each page
// is its own chunk, so the first load carries only the frame and the page opened.
import { lazy } from 'react';
import { createBrowserRouter, Navigate } from 'react-router';
import { RequireSession } from './layout';

const page = (load: () => Promise<{ default: React.ComponentType }>) => {
  const Component = lazy(load);
  return <Component />;
};

export const router = createBrowserRouter(
  [
    { path: '/sign-in', element: page(() => import('../pages/sign-in/sign-in-page')) },
    { path: '/key', element: page(() => import('../pages/key-holder/key-holder-page')) },
    {
      element: <RequireSession />,
      children: [
        { index: true, element: page(() => import('../pages/overview/overview-page')) },
        { path: 'accounts', element: page(() => import('../pages/accounts/accounts-page')) },
        { path: 'accounts/:id', element: page(() => import('../pages/accounts/account-page')) },
        { path: 'keys', element: page(() => import('../pages/keys/keys-page')) },
        { path: 'keys/:id', element: page(() => import('../pages/keys/key-page')) },
        { path: 'users', element: page(() => import('../pages/users/users-page')) },
        { path: 'spend-limits', element: page(() => import('../pages/spend-limits/spend-limits-page')) },
        {
          path: 'managed-settings',
          element: page(() => import('../pages/managed-settings/managed-settings-page')),
        },
        { path: 'requests', element: page(() => import('../pages/requests/requests-page')) },
        { path: 'requests/:requestId', element: page(() => import('../pages/requests/request-page')) },
        // Where Claude Code's /login sends the person (the relay's /device redirects here with the code).
        { path: 'device', element: page(() => import('../pages/device/device-page')) },
        { path: 'devices', element: page(() => import('../pages/devices/devices-page')) },
        { path: 'alerts', element: page(() => import('../pages/alerts/alerts-page')) },
        { path: 'channels', element: page(() => import('../pages/channels/channels-page')) },
        { path: 'channels/:id', element: page(() => import('../pages/channels/channel-page')) },
        { path: 'pricing', element: page(() => import('../pages/pricing/pricing-page')) },
        { path: 'audit', element: page(() => import('../pages/audit/audit-page')) },
        { path: 'system', element: page(() => import('../pages/system/system-page')) },
        { path: '*', element: <Navigate to="/" replace /> },
      ],
    },
  ],
  { basename: '/admin' },
);
