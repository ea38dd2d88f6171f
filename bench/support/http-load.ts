import autocannon from 'autocannon';

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  total: number;
}

export interface LoadOptions {
  url: string;
  connections?: number;
  durationSeconds?: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Builds each request; lets a run spread over many keys instead of one hot row. */
  requests?: autocannon.Request[];
}

/** Bounded in time and aimed at loopback only. */
export async function load(o: LoadOptions): Promise<LoadResult> {
  const url = new URL(o.url);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) throw new Error('load tests target loopback only');
  const r = await autocannon({
    url: o.url,
    connections: o.connections ?? 64,
    duration: o.durationSeconds ?? 10,
    method: o.method ?? 'GET',
    headers: o.headers,
    body: o.body,
    requests: o.requests,
  });
  return {
    requestsPerSecond: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    total: r.requests.total,
  };
}
