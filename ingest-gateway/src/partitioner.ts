// kafkajs's DefaultPartitioner without its per-record costs. For a keyed record it answers exactly what
// kafkajs (and the Java client) answer: murmur2(key) & 0x7fffffff, modulo the partition count. kafkajs
// computes murmur2 with 64-bit Long objects (several allocations per 4 key bytes) and filters the
// partition list for every record even when the record has a key; the hash only ever uses the low
// 32 bits of each product, so Math.imul gives the same result. Records without a key, or with an
// explicit partition, go to kafkajs's own partitioner, unchanged.
import { Partitioners, type ICustomPartitioner } from 'kafkajs';

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/** Kafka's murmur2 of the key bytes, as a signed 32-bit integer (kafkajs and Java agree on it). */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const tail = length & ~3;
  const rest = length & 3;
  if (rest === 3) h ^= data[tail + 2]! << 16;
  if (rest >= 2) h ^= data[tail + 1]! << 8;
  if (rest >= 1) h = Math.imul(h ^ data[tail]!, M);
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition kafkajs's DefaultPartitioner picks for a key among `partitions` partitions. */
export function partitionForKey(key: Uint8Array, partitions: number): number {
  return (murmur2(key) & 0x7fffffff) % partitions;
}

/** A drop-in for Partitioners.DefaultPartitioner: same partition for every record, less work per keyed one. */
export const KeyedPartitioner: ICustomPartitioner = () => {
  const fallback = Partitioners.DefaultPartitioner();
  return (args) => {
    const { message, partitionMetadata } = args;
    if ((message.partition === null || message.partition === undefined) && Buffer.isBuffer(message.key) && partitionMetadata.length > 0) {
      return partitionForKey(message.key, partitionMetadata.length);
    }
    return fallback(args);
  };
};
