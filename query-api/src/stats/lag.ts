// Consumer lag of the sinks' groups, as Kafka sees it: per partition, the end of the log minus the
// group's committed offset. Both sinks commit to Kafka after their store confirmed a batch (the PostgreSQL
// sink's offsets in its own table lead, Kafka's follow: sinks/src/consumer-loop.ts), so this is what is
// not stored yet.
import type { Admin } from 'kafkajs';

export interface PartitionLag {
  partition: number;
  /** Next offset the group will store; null when it never committed on this partition. */
  committed: string | null;
  end: string;
  lag: number;
}

export interface GroupLag {
  ok: boolean;
  /** Records not yet stored, over all partitions. */
  lag?: number;
  partitions?: PartitionLag[];
  error?: string;
}

export interface TopicEnd {
  partition: number;
  low: string;
  high: string;
}

/** Lag per partition. A partition the group never committed on lags by everything still in the log. Pure. */
export function computeLag(ends: readonly TopicEnd[], committed: ReadonlyMap<number, string>): { lag: number; partitions: PartitionLag[] } {
  const partitions = [...ends]
    .sort((a, b) => a.partition - b.partition)
    .map(({ partition, low, high }) => {
      const offset = committed.get(partition);
      const next = offset === undefined || Number(offset) < 0 ? null : offset;
      const from = next === null ? Number(low) : Math.max(Number(next), Number(low));
      return { partition, committed: next, end: high, lag: Math.max(0, Number(high) - from) };
    });
  return { lag: partitions.reduce((sum, p) => sum + p.lag, 0), partitions };
}

export interface LagReader {
  read(timeoutMs: number): Promise<Record<string, GroupLag>>;
  close(): Promise<void>;
}

/** Reads the lag of `groups` on `topic` with one admin client, connected on first use. */
export function createLagReader(admin: Admin, topic: string, groups: readonly string[]): LagReader {
  let connected: Promise<void> | undefined;
  const connect = (): Promise<void> => {
    connected ??= admin.connect().catch((err: unknown) => {
      connected = undefined;
      throw err;
    });
    return connected;
  };

  async function readAll(): Promise<Record<string, GroupLag>> {
    await connect();
    const ends: TopicEnd[] = (await admin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, low: p.low, high: p.high }));
    const entries = await Promise.all(
      groups.map(async (group): Promise<[string, GroupLag]> => {
        try {
          const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
          const committed = new Map((offsets?.partitions ?? []).map((p) => [p.partition, p.offset] as const));
          return [group, { ok: true, ...computeLag(ends, committed) }];
        } catch (err) {
          return [group, { ok: false, error: `Kafka did not give the group's offsets: ${(err as Error).message}` }];
        }
      }),
    );
    return Object.fromEntries(entries);
  }

  return {
    async read(timeoutMs: number): Promise<Record<string, GroupLag>> {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`Kafka did not answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        return await Promise.race([readAll(), late]);
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        return Object.fromEntries(groups.map((group) => [group, { ok: false, error }]));
      } finally {
        clearTimeout(timer);
      }
    },
    async close(): Promise<void> {
      if (connected) await admin.disconnect().catch(() => {});
    },
  };
}
