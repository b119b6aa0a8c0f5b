// A small closed-loop HTTP load generator: `concurrency` workers, each sending the next body as soon as
// its previous request was answered, over keep-alive connections. Bodies are prepared up front so the
// generator spends its CPU on sockets, and it reports that CPU so a saturated generator is visible.
import http from 'node:http';

export interface LoadOptions {
  url: string;
  contentType: string;
  bodies: Buffer[];
  eventsPerBody: number;
  concurrency: number;
  durationMs: number;
}

export interface LoadResult {
  requests: number;
  acceptedEvents: number;
  /** Non-202 answers by status. */
  failures: Record<string, number>;
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Generator CPU (user + system) as a share of one core over the run. */
  generatorCpu: number;
}

function post(agent: http.Agent, url: URL, contentType: string, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': contentType, 'content-length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const url = new URL(options.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  let requests = 0;
  let accepted = 0;
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + options.durationMs;

  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const body = options.bodies[next++ % options.bodies.length] as Buffer;
      const t0 = performance.now();
      let status: number;
      try {
        status = await post(agent, url, options.contentType, body);
      } catch (err) {
        status = 0;
        failures[(err as NodeJS.ErrnoException).code ?? 'error'] = (failures[(err as NodeJS.ErrnoException).code ?? 'error'] ?? 0) + 1;
      }
      latencies.push(performance.now() - t0);
      requests++;
      if (status === 202) accepted += options.eventsPerBody;
      else if (status !== 0) failures[status] = (failures[status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requests,
    acceptedEvents: accepted,
    failures,
    eventsPerSecond: (accepted * 1000) / elapsedMs,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    generatorCpu: (cpu.user + cpu.system) / 1000 / elapsedMs,
  };
}
