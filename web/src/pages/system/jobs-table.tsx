// Readers: this instance's background jobs, their last pass, last success and last error (failing in red).
import type { SystemPageStatusQuery } from '@clients/generated/graphql/graphql';
import { Badge, Table, Text, Tooltip } from '@mantine/core';
import { formatCount, formatMs, formatRelative, formatTime } from '../../components/format';

export type Job = SystemPageStatusQuery['systemStatus']['jobs'][number];

function When(props: { value: string | null; now: number }) {
  if (props.value === null) {
    return (
      <Text size="sm" c="dimmed">
        never
      </Text>
    );
  }
  return (
    <Tooltip label={formatTime(props.value)}>
      <Text size="sm">{formatRelative(props.value, props.now)}</Text>
    </Tooltip>
  );
}

export function JobsTable(props: { jobs: readonly Job[]; now: number }) {
  return (
    <Table.ScrollContainer minWidth={880}>
      <Table verticalSpacing="xs" aria-label="Background jobs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Job</Table.Th>
            <Table.Th>Here</Table.Th>
            <Table.Th>Last run</Table.Th>
            <Table.Th>Last success</Table.Th>
            <Table.Th>Took</Table.Th>
            <Table.Th>Failed passes</Table.Th>
            <Table.Th>Last error</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {props.jobs.map((job) => {
            const failing = job.lastError !== null;
            return (
              <Table.Tr
                key={job.name}
                data-job={job.name}
                data-degraded={failing ? 'true' : undefined}
                bg={failing ? 'var(--mantine-color-red-light)' : undefined}
              >
                <Table.Td>
                  <Text
                    size="sm"
                    ff="monospace"
                    c={failing ? 'red' : undefined}
                    fw={failing ? 600 : undefined}
                  >
                    {job.name}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {/* Leader-elected jobs run on one instance at a time; the others wait on standby. */}
                  <Badge variant="light" color={job.active ? 'blue' : 'gray'}>
                    {job.active ? 'runs here' : 'standby'}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <When value={job.lastRunAt} now={props.now} />
                </Table.Td>
                <Table.Td>
                  <When value={job.lastSuccessAt} now={props.now} />
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{formatMs(job.lastDurationMs)}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" c={job.errors > 0 ? 'red' : undefined}>
                    {formatCount(job.errors)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {failing ? (
                    <Text size="sm" c="red" style={{ overflowWrap: 'anywhere' }}>
                      {job.lastError}
                    </Text>
                  ) : (
                    <Text size="sm" c="dimmed">
                      —
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
