// The dashboard's entry: theme, live connection and the page table.
import '@mantine/core/styles.css';
import '@mantine/charts/styles.css';
import { MantineProvider } from '@mantine/core';
import { StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { LiveProvider } from './app/live';
import { PageLoader } from './app/page-loader';
import { router } from './app/routes';
import { theme } from './app/theme';

const root = document.getElementById('root');
if (!root) throw new Error('The page has no #root element');

createRoot(root).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="auto">
      <LiveProvider>
        <Suspense fallback={<PageLoader />}>
          <RouterProvider router={router} />
        </Suspense>
      </LiveProvider>
    </MantineProvider>
  </StrictMode>,
);
