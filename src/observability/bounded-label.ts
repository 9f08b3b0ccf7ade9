// A label value set with a ceiling, shared by the Prometheus metrics and the OpenTelemetry export.

/**
 * Label values a client or an upstream chooses (the model asked for, an upstream's error code), bounded: past
 * `max` distinct values, further ones count as `other`, so no one can grow the scrape without end.
 */
export class BoundedLabel {
  private readonly seen = new Set<string>();

  constructor(private readonly max: number) {}

  of(value: string): string {
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.max) return 'other';
    this.seen.add(value);
    return value;
  }
}
