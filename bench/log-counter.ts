// Counts the relay's log lines and warn/error lines without keeping the log in memory.

/** What the relay logged after start-up; counted, never kept, so a long run cannot fill the bench's memory. */
export interface LogStats {
  lines: number;
  warnings: number;
  errors: number;
  samples: string[];
}

const LEVEL_NEEDLES = [
  { needle: Buffer.from('"level":"warn"'), field: 'warnings' },
  { needle: Buffer.from('"level":"error"'), field: 'errors' },
  { needle: Buffer.from('"level":"fatal"'), field: 'errors' },
] as const;
const MAX_SAMPLES = 10;

/** Counts lines and warn/error lines on raw buffers: cheap enough to keep up with a log line per request. */
export function logCounter(stats: LogStats): (chunk: Buffer) => void {
  let carry = Buffer.alloc(0);
  return (chunk) => {
    const end = chunk.lastIndexOf(10);
    if (end === -1) {
      carry = Buffer.concat([carry, chunk]).subarray(-65_536);
      return;
    }
    const block = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, end + 1)]) : chunk;
    const blockEnd = carry.length > 0 ? block.length : end + 1;
    carry = Buffer.from(chunk.subarray(end + 1));
    for (let at = block.indexOf(10); at !== -1 && at < blockEnd; at = block.indexOf(10, at + 1)) {
      stats.lines += 1;
    }
    for (const { needle, field } of LEVEL_NEEDLES) {
      for (let at = block.indexOf(needle); at !== -1 && at < blockEnd; at = block.indexOf(needle, at + 1)) {
        stats[field] += 1;
        if (stats.samples.length < MAX_SAMPLES) {
          const start = block.lastIndexOf(10, at) + 1;
          const stop = block.indexOf(10, at);
          stats.samples.push(block.toString('utf8', start, stop === -1 ? blockEnd : stop).slice(0, 1000));
        }
      }
    }
  };
}
