// Kafka's own producer benchmark (org.apache.kafka.tools.ProducerPerformance, from the same Maven
// artifacts as the broker): the ceiling for anything that produces to this broker.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

export interface KafkaPerfOptions {
  /** Folder holding the broker's jars (the stack's `lib/kafka`). */
  libDir: string;
  brokers: string;
  topic: string;
  records: number;
  recordBytes: number;
}

export interface KafkaPerfResult {
  recordsPerSecond: number;
  mbPerSecond: number;
  avgLatencyMs: number;
  line: string;
}

export async function runProducerPerformance(options: KafkaPerfOptions): Promise<KafkaPerfResult> {
  if (!existsSync(options.libDir)) throw new Error(`Kafka jars not found in ${options.libDir}; run \`npm run up\` first`);
  const { stdout } = await promisify(execFile)(
    'java',
    [
      '-Xmx256m',
      '-cp',
      path.join(options.libDir, '*'),
      'org.apache.kafka.tools.ProducerPerformance',
      '--topic',
      options.topic,
      '--num-records',
      String(options.records),
      '--record-size',
      String(options.recordBytes),
      '--throughput',
      '-1',
      // Same delivery guarantee as the gateway; the client's other settings stay at Kafka's defaults.
      '--producer-props',
      `bootstrap.servers=${options.brokers}`,
      'acks=all',
    ],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  // The last line sums up the run: "N records sent, X records/sec (Y MB/sec), Z ms avg latency, ...".
  const line = stdout.trim().split('\n').filter((l) => l.includes('records sent')).pop() ?? '';
  const match = line.match(/([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency/);
  if (!match) throw new Error(`could not read ProducerPerformance's summary from:\n${stdout.slice(-2000)}`);
  return { recordsPerSecond: Number(match[1]), mbPerSecond: Number(match[2]), avgLatencyMs: Number(match[3]), line };
}
