import { statSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ReadSide } from '../runner/read-side.js';
import type { EventStore } from '../store/port.js';
import { SqliteEventStore } from '../store/sqlite/sqlite-store.js';

export interface MetricsDeps {
  store: EventStore;
  read: ReadSide;
}

/** Records one route's requests with its label children bound once, so the hot path does no label lookup. */
export interface RouteRecorder {
  observe(status: number, seconds: number): void;
}

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

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
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly latency: Histogram<'method' | 'route'>;

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
    this.requests = new Counter({ name: 'ledger_http_requests_total', help: 'HTTP requests answered, by route pattern and status', labelNames: ['method', 'route', 'status'], registers });
    this.latency = new Histogram({ name: 'ledger_http_request_duration_seconds', help: 'Time to answer, by route pattern', labelNames: ['method', 'route'], buckets: LATENCY_BUCKETS, registers });
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
    const latency = this.latency.labels(method, route);
    const byStatus = new Map<number, Counter.Internal>();
    return {
      observe: (status, seconds) => {
        let counter = byStatus.get(status);
        if (counter === undefined) {
          counter = this.requests.labels(method, route, String(status));
          byStatus.set(status, counter);
        }
        counter.inc();
        latency.observe(seconds);
      },
    };
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
