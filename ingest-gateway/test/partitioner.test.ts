import { createRequire } from 'node:module';
import t from 'tap';
import { Partitioners, type PartitionerArgs } from 'kafkajs';
import { KeyedPartitioner, murmur2, partitionForKey } from '../src/partitioner.js';

// kafkajs's own murmur2 (64-bit Long arithmetic), the reference the fast one must equal.
const kafkajsMurmur2 = createRequire(import.meta.url)('kafkajs/src/producer/partitioners/default/murmur2.js') as (key: Buffer) => number;

function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const metadata = (n: number, leader = 0): PartitionerArgs['partitionMetadata'] =>
  Array.from({ length: n }, (_, partitionId) => ({ partitionId, leader, partitionErrorCode: 0, replicas: [0], isr: [0] }));

t.test('murmur2 equals kafkajs for every key length and random bytes', async (t) => {
  const rand = prng(7);
  let mismatches = 0;
  for (let length = 0; length < 70; length++) {
    for (let n = 0; n < 200; n++) {
      const key = Buffer.alloc(length);
      for (let i = 0; i < length; i++) key[i] = Math.floor(rand() * 256);
      if (murmur2(key) !== kafkajsMurmur2(key)) mismatches++;
    }
  }
  t.equal(mismatches, 0);
  // Known values of Kafka's murmur2 (Java client tests): the partition a Java producer picks.
  t.equal(murmur2(Buffer.from('21')), -973932308);
  t.equal(murmur2(Buffer.from('foobar')), -790332482);
  t.equal(murmur2(Buffer.from('a-little-bit-long-string')), -985981536);
});

t.test('the partitioner picks what kafkajs DefaultPartitioner picks', async (t) => {
  const ours = KeyedPartitioner();
  const theirs = Partitioners.DefaultPartitioner();
  let mismatches = 0;
  for (let i = 0; i < 2000; i++) {
    const key = Buffer.from(i % 3 === 0 ? `server-${i}` : `svc-é-${i}-${'x'.repeat(i % 11)}`);
    const partitionMetadata = metadata(1 + (i % 12));
    const args = { topic: 'logs', partitionMetadata, message: { key, value: key } };
    if (ours(args) !== theirs(args)) mismatches++;
    if (partitionForKey(key, partitionMetadata.length) !== theirs(args)) mismatches++;
  }
  t.equal(mismatches, 0);
  // A partition without a leader changes nothing for a keyed record (as in kafkajs).
  const key = Buffer.from('server-1');
  t.equal(ours({ topic: 'logs', partitionMetadata: metadata(6, -1), message: { key, value: key } }), partitionForKey(key, 6));
});

t.test('an explicit partition or a record without a key is left to kafkajs', async (t) => {
  const ours = KeyedPartitioner();
  t.equal(ours({ topic: 'logs', partitionMetadata: metadata(6), message: { key: Buffer.from('a'), value: 'v', partition: 4 } }), 4);
  const partition = ours({ topic: 'logs', partitionMetadata: metadata(6), message: { value: 'v' } });
  t.ok(partition >= 0 && partition < 6);
});
