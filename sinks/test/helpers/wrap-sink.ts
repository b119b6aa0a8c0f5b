// A sink that delegates to another and lets a test watch or break each write.
import type { Sink, SinkBatch, WriteResult } from '../../src/contract.js';

export class WrappedSink implements Sink {
  readonly batches: SinkBatch[] = [];
  storedOffsets?: (topic: string, partitions: number[]) => Promise<Map<number, string>>;

  constructor(
    readonly inner: Sink,
    readonly around: (batch: SinkBatch, write: () => Promise<WriteResult>) => Promise<WriteResult> = (_b, write) => write(),
  ) {
    if (inner.storedOffsets) this.storedOffsets = (topic, partitions) => inner.storedOffsets!(topic, partitions);
  }

  write(batch: SinkBatch): Promise<WriteResult> {
    this.batches.push(batch);
    return this.around(batch, () => this.inner.write(batch));
  }

  healthcheck(): Promise<boolean> {
    return this.inner.healthcheck();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** Offsets of every record handed to write(), per partition, in order. */
  offsetsSeen(partition: number): number[] {
    return this.batches.filter((b) => b.partition === partition).flatMap((b) => b.records.map((r) => Number(r.offset)));
  }
}
