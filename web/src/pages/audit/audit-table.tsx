// Readers: the audit log's rows, each expandable to the target's recorded before/after snapshots.
import type { AuditPageLogQuery } from '@clients/generated/graphql/graphql';
import { Anchor, Badge, Button, Code, ScrollArea, SimpleGrid, Table, Text } from '@mantine/core';
import { Fragment, useState } from 'react';
import { formatTime } from '../../components/format';

export type AuditRow = AuditPageLogQuery['auditLog']['nodes'][number];

export function AuditTable(props: {
  rows: readonly AuditRow[];
  onFilter: (field: 'actor' | 'target' | 'action', value: string) => void;
}) {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string) =>
    setOpen((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  // A value in a cell narrows the log to it: "what else did this user do", "what else happened to this key".
  const filterLink = (field: 'actor' | 'target' | 'action', value: string) => (
    <Anchor
      component="button"
      type="button"
      size="sm"
      ff="monospace"
      onClick={() => props.onFilter(field, value)}
      title={`Show only entries with this ${field}`}
      style={{ overflowWrap: 'anywhere', textAlign: 'left' }}
    >
      {value}
    </Anchor>
  );
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table verticalSpacing="xs" aria-label="Audit log">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Time</Table.Th>
            <Table.Th>Actor</Table.Th>
            <Table.Th>Action</Table.Th>
            <Table.Th>Target</Table.Th>
            <Table.Th>Changes</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {props.rows.map((row) => {
            const recorded = row.before != null || row.after != null || row.detail != null;
            const expanded = open.has(row.id);
            return (
              <Fragment key={row.id}>
                <Table.Tr data-audit-id={row.id}>
                  <Table.Td>
                    <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                      {formatTime(row.at)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {row.actor === 'system' ? (
                      <Badge variant="light">system</Badge>
                    ) : (
                      filterLink('actor', row.actor)
                    )}
                  </Table.Td>
                  <Table.Td>{filterLink('action', row.action)}</Table.Td>
                  <Table.Td>{filterLink('target', row.target)}</Table.Td>
                  <Table.Td>
                    {recorded ? (
                      <Button
                        size="xs"
                        variant="subtle"
                        onClick={() => toggle(row.id)}
                        aria-expanded={expanded}
                        aria-controls={`audit-changes-${row.id}`}
                      >
                        {expanded ? 'Hide changes' : 'Show changes'}
                      </Button>
                    ) : (
                      <Text size="sm" c="dimmed">
                        —
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
                {expanded ? (
                  <Table.Tr id={`audit-changes-${row.id}`}>
                    <Table.Td colSpan={5}>
                      <SimpleGrid cols={{ base: 1, md: row.detail != null ? 3 : 2 }} spacing="sm">
                        <Snapshot title="Before" value={row.before} />
                        <Snapshot title="After" value={row.after} />
                        {row.detail != null ? <Snapshot title="Detail" value={row.detail} /> : null}
                      </SimpleGrid>
                    </Table.Td>
                  </Table.Tr>
                ) : null}
              </Fragment>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function Snapshot(props: { title: string; value: unknown }) {
  return (
    <div>
      <Text size="xs" c="dimmed" mb={4}>
        {props.title}
      </Text>
      {props.value == null ? (
        <Text size="sm" c="dimmed">
          None recorded
        </Text>
      ) : (
        <ScrollArea.Autosize mah={360} type="auto">
          <Code block aria-label={`${props.title} (JSON)`}>
            {JSON.stringify(props.value, null, 2)}
          </Code>
        </ScrollArea.Autosize>
      )}
    </div>
  );
}
