import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { api, type OpName } from '../../api/contract';
import { openApiDocument, openApiJson, OPENAPI_PATH } from '../../api/openapi';
import { takesFile } from '../../api/uploads';

const doc = openApiDocument();
const names = Object.keys(api) as OpName[];

interface Operation {
  operationId: string;
  tags?: string[];
  summary?: string;
  description?: string;
  security?: Record<string, string[]>[];
  requestBody?: { required: boolean; content: Record<string, { schema: object }> };
  responses: Record<string, object>;
  'x-eql-right'?: string;
}
const paths = doc.paths as Record<string, Record<string, Operation>>;
const operations = Object.entries(paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op })));
const post = (name: OpName) => paths[`/api/${name}`].post;

/** Every `$ref` anywhere under a node. */
function refsIn(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(refsIn);
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([k, v]) => (k === '$ref' ? [v as string] : refsIn(v)));
}

function resolve(ref: string): unknown {
  expect(ref.startsWith('#/')).toBe(true);
  return ref.slice(2).split('/').reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], doc);
}

const asResponse = (r: object) => ('$ref' in r ? resolve(r.$ref as string) : r) as { description?: string; content?: Record<string, { schema: object }> };

/** What the document says of a request body: the JSON Schema it gives, read back as a validator. */
const documented = (name: OpName) => z.fromJSONSchema(post(name).requestBody!.content['application/json'].schema as z.core.JSONSchema.JSONSchema);

/** Whether the document and the dispatcher's own schema each accept an input. */
const verdicts = (name: OpName, input: unknown) => ({ document: documented(name).safeParse(input).success, contract: api[name].input.safeParse(input).success });

const ASSET = {
  assetTag: 'HZ-2026-001', itemCode: 'S01', agencyCode: '330106', model: '比亚迪 唐', serialNumber: null, purchaseDate: '2022-03-01',
  priceFen: 25_000_000, fundingSource: null, status: 'in_service', custodian: '王五', location: null, plateNumber: '浙A12345',
  odometerKm: 42_000, calibrationValidUntil: null, notes: null,
};
const TASK = {
  code: null, name: '夏季臭氧专项', type: 'special', leadAgency: '3301', locationAgency: null, latitude: null, longitude: null,
  startDate: '2026-06-01', endDate: '2026-06-30', priority: 4, teamSize: 12, notes: null, demand: [{ item: 'S01', quantity: 3 }],
};

describe('the OpenAPI document generated from the contract', () => {
  it('has the structure of OpenAPI 3.1: version, info, operations with described responses, declared tags and schemes, and refs that resolve', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info.title).toBeTruthy();
    expect(doc.info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(JSON.parse(openApiJson())).toEqual(doc);
    const tags = doc.tags.map((t) => t.name);
    expect(new Set(tags).size).toBe(tags.length);
    const schemes = Object.keys(doc.components.securitySchemes);
    for (const key of [...Object.keys(doc.components.schemas), ...Object.keys(doc.components.responses), ...schemes]) expect(key).toMatch(/^[a-zA-Z0-9._-]+$/);
    for (const s of Object.values(doc.components.securitySchemes)) expect(s).toMatchObject({ type: 'apiKey', in: 'cookie', name: expect.any(String) });
    for (const { path, method, op } of operations) {
      expect(path.startsWith('/')).toBe(true);
      expect(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']).toContain(method);
      expect(Object.keys(op.responses).length).toBeGreaterThan(0);
      for (const [status, r] of Object.entries(op.responses)) {
        expect(status).toMatch(/^[1-5]\d\d$/);
        expect(asResponse(r).description).toEqual(expect.any(String));
      }
      for (const tag of op.tags ?? []) expect(tags).toContain(tag);
      for (const requirement of op.security ?? []) for (const name of Object.keys(requirement)) expect(schemes).toContain(name);
      if (op.requestBody) expect(Object.keys(op.requestBody.content)).toEqual(['application/json']);
    }
    const ids = operations.map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    // Every tag names a domain that has operations.
    expect(new Set(operations.flatMap((o) => o.op.tags ?? []))).toEqual(new Set(tags));
    const refs = refsIn(doc);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(resolve(ref), ref).toBeDefined();
  });

  it('has every operation of the contract exactly once, as POST /api/<name>, and nothing else but itself', () => {
    expect(Object.keys(paths).filter((p) => p !== OPENAPI_PATH).map((p) => p.slice('/api/'.length)).sort()).toEqual([...names].sort());
    for (const name of names) expect(Object.keys(paths[`/api/${name}`])).toEqual(['post']);
    expect(operations).toHaveLength(names.length + 1);
    expect(Object.keys(paths[OPENAPI_PATH])).toEqual(['get']);
  });

  it('tells each operation’s domain, Chinese summary, right and session rule as the dispatcher applies them', () => {
    for (const name of names) {
      const op = post(name);
      expect(op.tags).toEqual([name.split('/')[0]]);
      expect(op.summary).toMatch(/\p{Script=Han}/u);
      expect(op['x-eql-right']).toBe(api[name].right);
      // Public operations take a session when there is one; all others need one.
      expect(op.security!.some((r) => Object.keys(r).length === 0)).toBe(api[name].right === 'public');
      expect('503' in op.responses).toBe(takesFile(name));
    }
    expect(post('users/create').description).toContain('角色:系统管理员;且账号须管辖全部机构');
    expect(post('budget/saveTerms').description).toContain('角色:系统管理员、装备管理员、局领导;且账号须管辖全部机构');
    expect(post('assets/create').description).toMatch(/^需登录,角色:系统管理员、装备管理员。/);
    expect(post('auth/login').description).toMatch(/^无需登录/);
  });

  it('describes the answers the contract fixes: the failure envelope with Chinese problems, files from exports, nothing from a delete', () => {
    const answer = (name: OpName) => asResponse(post(name).responses[200]).content!['application/json'].schema as { oneOf: { properties?: { value: object } }[] };
    expect(answer('assets/export').oneOf[0].properties!.value).toEqual({ $ref: '#/components/schemas/FileOut' });
    expect(answer('backups/download').oneOf[0].properties!.value).toEqual({ $ref: '#/components/schemas/FileOut' });
    expect(answer('tasks/delete').oneOf[0].properties!.value).toEqual({ type: 'null' });
    expect(answer('assets/list').oneOf[1]).toEqual({ $ref: '#/components/schemas/Failure' });
    const failure = z.fromJSONSchema({ ...doc.components.schemas.Failure, properties: { ...doc.components.schemas.Failure.properties as object, problems: { type: 'array', minItems: 1, items: doc.components.schemas.Problem } } } as z.core.JSONSchema.JSONSchema);
    expect(failure.safeParse({ ok: false, problems: [{ field: 'fields.assetTag', message: '资产编号必填' }] }).success).toBe(true);
    expect(failure.safeParse({ ok: false, problems: [{ code: 'forbidden', message: '当前角色(只读)无权执行此操作' }] }).success).toBe(true);
    expect(failure.safeParse({ ok: false, problems: [] }).success).toBe(false);
  });

  it('is read back as a validator for every operation’s request', () => {
    for (const name of names) expect(() => documented(name), name).not.toThrow();
  });

  it('accepts what the dispatcher’s schema accepts and refuses what it refuses, operation by operation', () => {
    const cases: [OpName, unknown, boolean][] = [
      ['assets/create', ASSET, true],
      ['assets/create', { ...ASSET, itemCode: '01X' }, false],
      ['assets/create', { ...ASSET, assetTag: '' }, false],
      ['assets/create', { ...ASSET, priceFen: 1.5 }, false],
      ['assets/create', { ...ASSET, status: 'lost' }, false],
      ['assets/create', { ...ASSET, purchaseDate: '2022/03/01' }, false],
      ['assets/create', { ...ASSET, notes: undefined }, false],
      ['assets/list', { query: { filters: { model: { filterType: 'text', type: 'contains', filter: '唐' } } }, startRow: 0, endRow: 100 }, true],
      ['assets/list', { query: { filters: { secret: { filterType: 'text', type: 'contains' } } }, startRow: 0, endRow: 100 }, false],
      ['assets/list', { query: { statuses: ['in_service', 'idle', 'scrapped', 'under_repair', 'idle'] }, startRow: 0, endRow: 100 }, false],
      ['tasks/save', { id: null, fields: TASK }, true],
      ['tasks/save', { id: null, fields: { ...TASK, priority: 6 } }, false],
      ['tasks/save', { id: 0, fields: TASK }, false],
      ['tasks/save', { id: null, fields: { ...TASK, demand: [{ item: '9Z', quantity: 1 }] } }, false],
      ['imports/analyse', { token: 't', mapping: { headerRow: 2, items: { 执法车: 'S01' } } }, true],
      ['imports/analyse', { token: 't', mapping: { headerRow: 2, sheetName: '台账' } }, false],
      ['auth/status', {}, true],
      ['auth/status', { user: 'admin' }, false],
      ['dispatch/saveSettings', { reserveRatio: 0.5, optionalReserve: { O01: 2 } }, true],
      ['dispatch/saveSettings', { reserveRatio: 1.5, optionalReserve: {} }, false],
      ['assets/export', { query: {}, format: 'csv' }, true],
      ['assets/export', { query: {}, format: 'pdf' }, false],
      ['disposals/list', { status: 'requested' }, true],
      ['disposals/list', { status: 'lost' }, false],
      ['disposals/complete', { id: 1, disposedDate: '2024-02-29', residualValueFen: null }, true],
      ['disposals/complete', { id: 1, disposedDate: '2026-02-30', residualValueFen: null }, false],
    ];
    for (const [name, input, valid] of cases) expect(verdicts(name, input), `${name} ${JSON.stringify(input)}`).toEqual({ document: valid, contract: valid });
  });

  it('leaves to the dispatcher the rules JSON Schema cannot state: one field against another', () => {
    expect(verdicts('assets/list', { query: {}, startRow: 100, endRow: 50 })).toEqual({ document: true, contract: false });
    expect(verdicts('tasks/save', { id: null, fields: { ...TASK, endDate: '2026-05-01' } })).toEqual({ document: true, contract: false });
  });

  it('differs from the dispatcher only where it tidies text before checking: spaced or lower-case codes it takes, a value of spaces only it refuses', () => {
    expect(verdicts('imports/analyse', { token: 't', mapping: { items: { 执法车: 's01' } } })).toEqual({ document: false, contract: true });
    expect(verdicts('assets/create', { ...ASSET, itemCode: ' S01 ' })).toEqual({ document: false, contract: true });
    // Blank after trimming: the one place the tidying makes the dispatcher the stricter.
    expect(verdicts('assets/create', { ...ASSET, assetTag: '   ' })).toEqual({ document: true, contract: false });
  });
});
