// Admins and operators: a request's captured request and response bodies, loaded only when asked for,
// because the server records every reading in the audit log.

import { RequestsPageBodiesDocument } from '@clients/generated/graphql/graphql';
import { RelayGraphQLError } from '@clients/graphql-client';
import { Button, Code, Group, Paper, ScrollArea, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useQuery } from '../../app/use-graphql';
import { DataState, ErrorNotice } from '../../components/page';

export function CapturedBodies(props: { requestId: string }) {
  const [shown, setShown] = useState(false);
  const bodies = useQuery(RequestsPageBodiesDocument, { requestId: props.requestId }, { skip: !shown });
  const missing = bodies.error instanceof RelayGraphQLError && bodies.error.code === 'NOT_FOUND';
  return (
    <Paper withBorder p="md" radius="md">
      <Group justify="space-between" mb={shown ? 'sm' : 0} wrap="wrap">
        <Title order={4}>Bodies</Title>
        <Group gap="sm">
          <Text size="sm" c="dimmed" id="bodies-audit-note">
            Bodies hold what users wrote: each reading is recorded in the audit log under your name.
          </Text>
          {shown ? (
            <Button variant="default" onClick={() => setShown(false)}>
              Hide bodies
            </Button>
          ) : (
            <Button onClick={() => setShown(true)} aria-describedby="bodies-audit-note">
              Show bodies
            </Button>
          )}
        </Group>
      </Group>
      {!shown ? null : missing ? (
        <Text size="sm">
          No bodies are kept for this request: body capture was off when it ran, or their retention has ended.
        </Text>
      ) : bodies.error && !bodies.data ? (
        <ErrorNotice error={bodies.error} retry={() => void bodies.reload()} />
      ) : (
        <DataState loading={bodies.loading} error={bodies.error} hasData={bodies.data !== undefined}>
          {bodies.data ? (
            <Stack gap="md">
              <Body
                title="Request"
                text={bodies.data.requestLogBodies.request}
                truncated={bodies.data.requestLogBodies.requestTruncated}
              />
              <Body
                title="Response (for streams, the events sent)"
                text={bodies.data.requestLogBodies.response}
                truncated={bodies.data.requestLogBodies.responseTruncated}
              />
            </Stack>
          ) : null}
        </DataState>
      )}
    </Paper>
  );
}

function Body(props: { title: string; text: string; truncated: boolean }) {
  return (
    <div>
      <Group gap="xs" mb={4}>
        <Text fw={600} size="sm">
          {props.title}
        </Text>
        {props.truncated ? (
          <Text size="xs" c="orange">
            cut to the relay's capture limit (REQUEST_LOG_BODY_MAX_BYTES)
          </Text>
        ) : null}
      </Group>
      <ScrollArea.Autosize mah={420} type="auto">
        <Code block aria-label={props.title}>
          {pretty(props.text) || '(empty)'}
        </Code>
      </ScrollArea.Autosize>
    </div>
  );
}

/** JSON bodies indented for reading; anything else (stream events, truncated JSON) as captured. */
function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
