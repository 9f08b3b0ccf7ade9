// Price override fields: readers list them, managers set and remove them. Rules in PricingAdmin.
import { requireUser } from '../schema/access.js';
import { builder } from '../schema/builder.js';
import type { PriceOverride } from '../services/pricing/pricing-service.js';

const PriceOverrideRef = builder.objectRef<PriceOverride>('PriceOverride').implement({
  description: 'Prices in USD per million tokens, used instead of the catalog for matching models.',
  fields: (t) => ({
    model: t.exposeString('model', { description: 'An exact model name or a `prefix*` pattern.' }),
    input: t.exposeFloat('input'),
    output: t.exposeFloat('output'),
    cacheRead: t.exposeFloat('cacheRead'),
    cacheWrite5m: t.exposeFloat('cacheWrite5m'),
    cacheWrite1h: t.exposeFloat('cacheWrite1h'),
    updatedAt: t.field({ type: 'DateTime', resolve: (override) => new Date(override.updatedAt) }),
  }),
});

const UnitPricesInputRef = builder.inputType('UnitPricesInput', {
  description: 'USD per million tokens.',
  fields: (t) => ({
    input: t.float({ required: true }),
    output: t.float({ required: true }),
    cacheRead: t.float({ required: true }),
    cacheWrite5m: t.float({ required: true }),
    cacheWrite1h: t.float({ required: true }),
  }),
});

builder.queryField('priceOverrides', (t) =>
  t.field({
    type: [PriceOverrideRef],
    resolve: (_root, _args, context) => context.services.control.pricing.list(requireUser(context)),
  }),
);

builder.mutationField('setPriceOverride', (t) =>
  t.field({
    type: PriceOverrideRef,
    args: {
      model: t.arg.string({ required: true }),
      prices: t.arg({ type: UnitPricesInputRef, required: true }),
    },
    resolve: (_root, args, context) =>
      context.services.control.pricing.set(requireUser(context), args.model, args.prices),
  }),
);

builder.mutationField('removePriceOverride', (t) =>
  t.boolean({
    args: { model: t.arg.string({ required: true }) },
    resolve: async (_root, args, context) => {
      await context.services.control.pricing.remove(requireUser(context), args.model);
      return true;
    },
  }),
);
