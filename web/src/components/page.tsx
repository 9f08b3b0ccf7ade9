// The frame every page shares: a title with its actions, and the loading / error / empty states of its data.
import { Alert, Button, Center, Group, Loader, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

export function PageHeader(props: { title: string; description?: ReactNode; actions?: ReactNode }) {
  return (
    <Group justify="space-between" align="flex-start" mb="md" wrap="wrap">
      <Stack gap={2}>
        <Title order={2}>{props.title}</Title>
        {props.description ? (
          <Text c="dimmed" size="sm">
            {props.description}
          </Text>
        ) : null}
      </Stack>
      {props.actions ? <Group gap="xs">{props.actions}</Group> : null}
    </Group>
  );
}

/** Loading, then the error with a retry, then the children. */
export function DataState(props: {
  loading: boolean;
  error: Error | undefined;
  retry?: () => void;
  hasData: boolean;
  children: ReactNode;
}) {
  if (props.error && !props.hasData) return <ErrorNotice error={props.error} retry={props.retry} />;
  if (!props.hasData) {
    return (
      <Center py="xl" aria-busy="true">
        <Loader size="sm" aria-label="Loading" />
      </Center>
    );
  }
  return (
    <>
      {props.error ? <ErrorNotice error={props.error} retry={props.retry} /> : null}
      {props.children}
    </>
  );
}

export function ErrorNotice(props: { error: Error; retry?: (() => void) | undefined; title?: string }) {
  return (
    <Alert color="red" title={props.title ?? 'Something went wrong'} role="alert" mb="md">
      <Stack gap="xs" align="flex-start">
        <Text size="sm">{props.error.message}</Text>
        {props.retry ? (
          <Button size="xs" variant="light" color="red" onClick={props.retry}>
            Try again
          </Button>
        ) : null}
      </Stack>
    </Alert>
  );
}

/** What an empty list means and what to do next. */
export function EmptyState(props: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <Stack align="center" gap="xs" py="xl" data-testid="empty-state">
      <Text fw={600}>{props.title}</Text>
      {props.children ? (
        <Text c="dimmed" size="sm" ta="center" maw={480}>
          {props.children}
        </Text>
      ) : null}
      {props.action}
    </Stack>
  );
}
