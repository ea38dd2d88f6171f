import t from 'tap';
import { testApp } from '../support/app.js';

interface Operation {
  operationId?: string;
  security?: { bearer: string[] }[];
  responses: Record<string, { description: string; content?: Record<string, { schema: { properties?: Record<string, unknown>; required?: string[] } }> }>;
}

t.test('the OpenAPI document is complete: operation ids, real success statuses with bodies, error bodies, the bearer scheme on each operation that needs it', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  const doc = (await app.app.inject({ url: '/openapi.json' })).json() as { openapi: string; paths: Record<string, Record<string, Operation>>; components: { securitySchemes: Record<string, unknown> } };
  t.match(doc.openapi, /^3\./);
  t.same(doc.components.securitySchemes.bearer, { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  const ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
  t.ok(ops.length >= 25, `${ops.length} operations`);
  const ids = ops.map((o) => o.op.operationId);
  t.equal(new Set(ids).size, ops.length, 'every operation has its own id');
  const publicPaths = ['/health', '/v1/keys', '/v1/verify', '/v1/verify/{no}'];
  for (const { path, method, op } of ops) {
    const name = `${method.toUpperCase()} ${path}`;
    t.ok(op.operationId, `${name}: an operation id`);
    if (publicPaths.includes(path)) t.notOk(op.security, `${name}: public`);
    else t.same(op.security, [{ bearer: [] }], `${name}: the bearer scheme`);
    const statuses = Object.keys(op.responses);
    const success = method === 'post' ? (path.endsWith('/batch') ? '200' : '201') : '200';
    t.ok(statuses.includes(success), `${name}: ${success}`);
    t.notOk(method === 'post' && statuses.includes('200') && !path.endsWith('/batch'), `${name}: a write answers 201, not 200`);
    t.ok(op.responses[success]!.content?.['application/json']?.schema, `${name}: the body of ${success}`);
    t.ok(statuses.includes('400'), `${name}: 400`);
    for (const s of statuses.filter((s) => Number(s) >= 400)) {
      t.same(op.responses[s]!.content?.['application/json']?.schema.required, ['error'], `${name} ${s}: the error body`);
    }
  }
  const write = doc.paths['/v1/institutions']!.post!;
  t.same(Object.keys(write.responses).sort(), ['201', '400', '401', '403', '409', '412', '422', '500', '503']);
  t.same(write.responses['201']!.content!['application/json']!.schema.required, ['streamId', 'revision', 'position']);
  t.equal(write.operationId, 'postInstitutions');
  for (const path of ['/v1/completions', '/v1/enrolments']) {
    const toPerson = doc.paths[path]!.post!;
    t.notOk(toPerson.responses['412'], `${path}: no 412, as If-Match is not taken`);
    t.same(toPerson.responses['201']!.content!['application/json']!.schema.required, ['streamId', 'position'], `${path}: the person's stream revision is not told`);
    t.notOk('revision' in (toPerson.responses['201']!.content!['application/json']!.schema.properties ?? {}), `${path}: nor described`);
  }
  t.equal(doc.paths['/v1/persons/{id}/transfer']!.post!.operationId, 'postPersonsByIdTransfer');
  const verify = doc.paths['/v1/verify/{no}']!.get!;
  t.ok(verify.responses['429'], 'verification documents its limit');
  t.same(verify.responses['200']!.content!['application/json']!.schema.required, ['verdict', 'certificateNumber']);
  t.ok(doc.paths['/v1/persons/{id}/years/{year}']!.get!.responses['504'], 'a read with ?minPosition= documents its timeout');
});

t.test('a browsable reference is served locally at /docs (Swagger UI, no CDN)', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  const page = await app.app.inject({ url: '/docs' });
  t.equal(page.statusCode, 200);
  t.match(page.headers['content-type'], /text\/html/);
  const scripts = [...page.body.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]!);
  t.ok(scripts.length > 0);
  t.notOk(/https?:\/\//.test(scripts.join(' ')), 'its scripts come from this server');
  const bundle = await app.app.inject({ url: scripts.find((s) => s.includes('swagger-ui-bundle'))! });
  t.equal(bundle.statusCode, 200);
  t.ok(bundle.body.length > 100_000, 'the Swagger UI bundle itself');
  t.equal((await app.app.inject({ url: '/docs/json' })).json().openapi, (await app.app.inject({ url: '/openapi.json' })).json().openapi);
});
