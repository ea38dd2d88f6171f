import { statSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { Gauge, Histogram, Registry } from 'prom-client';
import type { Counter } from 'prom-client';
import type { ReadSide } from '../runner/read-side.js';
import type { EventStore } from '../store/port.js';
import { SqliteEventStore } from '../store/sqlite/sqlite-store.js';

export interface MetricsDeps {
  store: EventStore;
  read: ReadSide;
}

/** Records one route's requests: plain numbers, read out by the registry at a scrape (no label hashing per request). */
export interface RouteRecorder {
  observe(status: number, seconds: number): void;
}

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** One route's counts by status and its latency histogram, as plain numbers. */
class RouteStats implements RouteRecorder {
  readonly byStatus = new Map<number, number>();
  readonly buckets = new Float64Array(LATENCY_BUCKETS.length);
  count = 0;
  sum = 0;

  constructor(
    readonly method: string,
    readonly route: string,
  ) {}

  observe(status: number, seconds: number): void {
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
    this.count++;
    this.sum += seconds;
    for (let i = 0; i < LATENCY_BUCKETS.length; i++) {
      if (seconds <= LATENCY_BUCKETS[i]!) {
        this.buckets[i]!++;
        break;
      }
    }
  }
}

/**
 * The service's Prometheus metrics, in a registry of the app's own (tests build many apps): request
 * counts and latencies by route pattern (never the raw URL, which may hold anything), the read
 * side's lag behind the store, group-commit sizes of the embedded store, its size on disk, and the
 * process's memory. Not prom-client's default metrics (a GC observer and an event-loop sampler):
 * background work in the process whose public route is held to a ratio of hello-world, for figures
 * an operator gets from the host.
 */
export class AppMetrics {
  readonly registry = new Registry();
  private readonly routes: RouteStats[] = [];

  constructor(deps: MetricsDeps) {
    const registers = [this.registry];
    new Gauge({
      name: 'process_resident_memory_bytes',
      help: 'Resident memory size in bytes',
      registers,
      collect() {
        this.set(process.memoryUsage.rss());
      },
    });
    const routes = this.routes;
    // Metric objects as prom-client's registry reads them (name, help, type, get), filled from the routes' plain counts.
    const asMetric = (name: string, help: string, type: 'counter' | 'histogram', values: () => { metricName?: string; labels: Record<string, string | number>; value: number }[]) =>
      ({ name, help, type, aggregator: 'sum', get: () => ({ name, help, type, aggregator: 'sum', values: values() }), reset: () => undefined }) as unknown as Counter;
    this.registry.registerMetric(
      asMetric('ledger_http_requests_total', 'HTTP requests answered, by route pattern and status', 'counter', () =>
        routes.flatMap((r) => [...r.byStatus].map(([status, value]) => ({ labels: { method: r.method, route: r.route, status }, value }))),
      ),
    );
    const latencyName = 'ledger_http_request_duration_seconds';
    this.registry.registerMetric(
      asMetric(latencyName, 'Time to answer, by route pattern', 'histogram', () =>
        routes.flatMap((r) => {
          const labels = { method: r.method, route: r.route };
          let cumulative = 0;
          const buckets = LATENCY_BUCKETS.map((le, i) => ({ metricName: `${latencyName}_bucket`, labels: { ...labels, le }, value: (cumulative += r.buckets[i]!) }));
          return [
            ...buckets,
            { metricName: `${latencyName}_bucket`, labels: { ...labels, le: '+Inf' }, value: r.count },
            { metricName: `${latencyName}_sum`, labels, value: r.sum },
            { metricName: `${latencyName}_count`, labels, value: r.count },
          ];
        }),
      ),
    );
    new Gauge({
      name: 'ledger_projection_lag_events',
      help: 'Positions the read models are behind the event store',
      registers,
      async collect() {
        const head = await deps.store.headPosition();
        const lag = head - deps.read.runner.position;
        this.set(Number(lag > 0n ? lag : 0n));
      },
    });
    new Gauge({
      name: 'ledger_projection_position',
      help: 'Last global position the read models have folded',
      registers,
      collect() {
        this.set(Number(deps.read.runner.position));
      },
    });
    const store = deps.store;
    if (store instanceof SqliteEventStore) {
      const commits = new Histogram({ name: 'ledger_store_group_commit_appends', help: 'Appends written per transaction (group commit) of the embedded store', buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024], registers });
      store.onGroupCommit = (appends) => commits.observe(appends);
      new Gauge({
        name: 'ledger_store_size_bytes',
        help: 'Size of the embedded event store on disk (database and write-ahead log)',
        registers,
        collect() {
          let bytes = 0;
          for (const f of [store.file, `${store.file}-wal`]) {
            try {
              bytes += statSync(f).size;
            } catch {
              // a write-ahead log checkpointed away, or no store file yet
            }
          }
          this.set(bytes);
        },
      });
    }
  }

  route(method: string, route: string): RouteRecorder {
    const stats = new RouteStats(method, route);
    this.routes.push(stats);
    return stats;
  }

  /** onResponse hook of a scope: each request under its route pattern. */
  instrument(scope: FastifyInstance): void {
    const recorders = new Map<string, RouteRecorder>();
    scope.addHook('onResponse', (req, reply, done) => {
      const key = `${req.method} ${req.routeOptions.url ?? '(no route)'}`;
      let r = recorders.get(key);
      if (r === undefined) {
        r = this.route(req.method, req.routeOptions.url ?? '(no route)');
        recorders.set(key, r);
      }
      r.observe(reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
  }
}

/** `GET /metrics`, Prometheus text format. Unauthenticated, as scrapers expect: keep it off the public side (deploy/nginx.conf refuses it). */
export function metricsRoute(app: FastifyInstance, metrics: AppMetrics): void {
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
}
