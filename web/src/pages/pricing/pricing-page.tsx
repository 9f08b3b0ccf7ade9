// Readers: the price overrides and the models relayed without a price; admins and operators set and remove
// overrides.
import {
  PricingPageOverridesDocument,
  PricingPageRemoveDocument,
  PricingPageUnpricedDocument,
} from '@clients/generated/graphql/graphql';
import { Alert, Badge, Button, Group, Modal, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { RequireAbility } from '../../app/layout';
import { can } from '../../app/permissions';
import { useRole } from '../../app/session';
import { useMutation, useQuery } from '../../app/use-graphql';
import { formatCount } from '../../components/format';
import { DataState, EmptyState, ErrorNotice, PageHeader } from '../../components/page';
import { type PriceDraft, PriceForm } from './price-form';
import { type Override, PriceTable } from './price-table';

export default function PricingPage() {
  return (
    <RequireAbility ability="read_all">
      <Pricing />
    </RequireAbility>
  );
}

function Pricing() {
  const canManage = can(useRole(), 'manage');
  const overrides = useQuery(PricingPageOverridesDocument, {});
  const unpriced = useQuery(PricingPageUnpricedDocument, {});
  // The form remounts for each new draft (a row's Change, an unpriced model), starting from its values.
  const [draft, setDraft] = useState<{ value: PriceDraft; version: number }>({
    value: { model: '' },
    version: 0,
  });
  const [saved, setSaved] = useState<string | undefined>();
  const [removing, setRemoving] = useState<Override | undefined>();
  const startDraft = (value: PriceDraft) => {
    setSaved(undefined);
    setDraft((current) => ({ value, version: current.version + 1 }));
  };

  const list = overrides.data?.priceOverrides ?? [];
  const overridden = new Set(list.map((override) => override.model));
  const unpricedRequests = unpriced.data?.systemStatus.unpriced.requests ?? 0;
  const unpricedModels = (unpriced.data?.systemStatus.unpriced.models ?? []).filter(
    (model) => !overridden.has(model),
  );

  return (
    <>
      <PageHeader
        title="Pricing"
        description="Overrides replace the built-in price catalog for matching models. Prices are USD per million tokens."
      />
      <Stack gap="lg">
        {unpricedModels.length > 0 ? (
          <Alert color="orange" title="These models have no price" data-testid="unpriced-models">
            <Stack gap="xs">
              <Text size="sm">
                {formatCount(unpricedRequests)} {unpricedRequests === 1 ? 'request was' : 'requests were'}{' '}
                recorded at cost 0 because the model has no known price.
                {canManage ? ' Pick one to set its price.' : ' An admin or operator can set their prices.'}
              </Text>
              <Group gap="xs">
                {unpricedModels.map((model) =>
                  canManage ? (
                    <Button
                      key={model}
                      size="xs"
                      variant="light"
                      color="orange"
                      onClick={() => startDraft({ model })}
                      aria-label={`Set a price for ${model}`}
                    >
                      {model}
                    </Button>
                  ) : (
                    <Badge key={model} variant="outline" color="orange" tt="none">
                      {model}
                    </Badge>
                  ),
                )}
              </Group>
            </Stack>
          </Alert>
        ) : null}
        {canManage ? (
          <div>
            {saved ? (
              <Alert color="green" mb="sm" role="status" withCloseButton onClose={() => setSaved(undefined)}>
                Saved the price of {saved}; requests from now on are priced with it.
              </Alert>
            ) : null}
            <PriceForm
              key={draft.version}
              initial={draft.value}
              onSaved={(model) => {
                startDraft({ model: '' });
                setSaved(model);
                void overrides.reload();
                void unpriced.reload();
              }}
              onCancel={() => startDraft({ model: '' })}
            />
          </div>
        ) : null}
        <div>
          <Title order={3} mb="xs">
            Overrides
          </Title>
          <DataState
            loading={overrides.loading}
            error={overrides.error}
            retry={() => void overrides.reload()}
            hasData={overrides.data !== undefined}
          >
            {list.length === 0 ? (
              <EmptyState title="No price overrides">
                Every model is priced from the built-in catalog.{' '}
                {canManage
                  ? 'Set a price above for a model the catalog lacks or prices differently for you.'
                  : 'An admin or operator can set one for a model the catalog lacks.'}
              </EmptyState>
            ) : (
              <PriceTable
                overrides={list}
                canManage={canManage}
                onEdit={(override) => {
                  startDraft({ model: override.model, prices: pricesOf(override) });
                  window.scrollTo({ top: 0, behavior: 'smooth' });
                }}
                onRemove={setRemoving}
              />
            )}
          </DataState>
        </div>
      </Stack>
      <RemoveDialog
        override={removing}
        onClose={() => setRemoving(undefined)}
        onRemoved={() => {
          setRemoving(undefined);
          void overrides.reload();
          void unpriced.reload();
        }}
      />
    </>
  );
}

function pricesOf(override: Override) {
  const { input, output, cacheRead, cacheWrite5m, cacheWrite1h } = override;
  return { input, output, cacheRead, cacheWrite5m, cacheWrite1h };
}

function RemoveDialog(props: { override: Override | undefined; onClose: () => void; onRemoved: () => void }) {
  const remove = useMutation(PricingPageRemoveDocument);
  const { override } = props;
  const close = () => {
    remove.reset();
    props.onClose();
  };
  return (
    <Modal opened={override !== undefined} onClose={close} title="Remove the price override?">
      {override ? (
        <form
          onSubmit={async (event) => {
            event.preventDefault();
            if (await remove.run({ model: override.model })) {
              remove.reset();
              props.onRemoved();
            }
          }}
        >
          <Stack gap="sm">
            <Text size="sm">
              Requests for <strong>{override.model}</strong> will be priced from the catalog again, or
              recorded at cost 0 if the catalog has no price for them. Past requests keep their recorded cost.
            </Text>
            {remove.error ? <ErrorNotice error={remove.error} /> : null}
            <Group justify="flex-end" gap="xs">
              <Button variant="default" onClick={close} disabled={remove.running}>
                Keep it
              </Button>
              <Button
                type="submit"
                color="red"
                loading={remove.running}
                disabled={remove.running}
                data-autofocus
              >
                Remove override
              </Button>
            </Group>
          </Stack>
        </form>
      ) : null}
    </Modal>
  );
}
