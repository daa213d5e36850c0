import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { OpName } from '../../api/contract';
import { can, ROLES, type Role } from '../../api/roles';
import { api } from '../../api/contract';
import { Sessions } from '../../server/auth/sessions';
import { callContext, IPC_REMOTE, type Context, type Remote } from '../../server/context';
import { dispatch } from '../../server/dispatch';
import { as, count, ENGINE, ledgerWith, otherProcess, rows, seededLedger, snapshotOf, value, type TestLedger } from '../fixtures/engine';
import { agency, asset, templateBuffer } from '../fixtures/factories';

/** A province with two counties, one vehicle each, and a pending disposal in county K1. */
async function ledger() {
  const l = await seededLedger(templateBuffer(
    [agency({ code: 'P', level: 'province' }), agency({ code: 'K1', parentCode: 'P' }), agency({ code: 'K2', parentCode: 'P' })],
    [asset({ assetTag: 'V1', itemCode: 'S01', agencyCode: 'K1' }), asset({ assetTag: 'V2', itemCode: 'S01', agencyCode: 'K2' })],
  ));
  const id = (tag: string) => value(l, sql<{ n: number }>`select id as n from assets where asset_tag = ${tag}`);
  return { l, v1: await id('V1'), v2: await id('V2') };
}

async function run(context: Context | Promise<Context>, name: OpName, input: unknown) {
  const ctx = await context;
  return dispatch(ctx, name, input);
}

/** One valid input per write operation, on county K1's data. */
function writes(v1: number): [OpName, unknown][] {
  return [
    ['assets/update', { id: v1, fields: { assetTag: 'V1', itemCode: 'S01', agencyCode: 'K1', model: 'x', serialNumber: null, purchaseDate: null, priceFen: null, fundingSource: null, status: 'idle', custodian: null, location: null, plateNumber: null, odometerKm: null, calibrationValidUntil: null, notes: null } }],
    ['assets/bulkUpdate', { ids: [v1], change: { custodian: '赵六' } }],
    ['maintenance/create', { assetId: v1, date: '2026-11-20', kind: 'repair', description: '换胎', costFen: null, vendor: null, odometerKm: null, nextDueDate: null, setStatus: null }],
    ['agencies/update', { code: 'K1', fields: { name: 'K1', staff: 30, authorizedPosts: null, offices: 1, longitude: null, latitude: null } }],
    ['disposals/request', { assetId: v1, reason: '老旧' }],
  ];
}

describe('roles, enforced by the api whatever the UI shows', () => {
  it('refuses every operation to a caller who is not signed in, except signing in', async () => {
    const { l } = await ledger();
    const anon = callContext(l.ledger, undefined, () => undefined, IPC_REMOTE);
    const before = await snapshotOf(l);
    for (const name of Object.keys(api) as OpName[]) {
      const r = await run(anon, name, {});
      if (api[name].right === 'public') continue;
      expect(r.ok, name).toBe(false);
      if (!r.ok) expect(r.problems[0].code, name).toBe('unauthenticated');
    }
    expect(await snapshotOf(l)).toEqual(before);
  });

  it.each(ROLES.filter((r) => !can(r, 'edit')))('refuses ledger edits to %s and stores nothing', async (role: Role) => {
    const { l, v1 } = await ledger();
    const ctx = as(l, role);
    const before = await snapshotOf(l);
    for (const [name, input] of writes(v1)) {
      const r = await run(ctx, name, input);
      expect(r.ok, `${role} ${name}`).toBe(false);
      if (!r.ok) expect(r.problems[0]).toMatchObject({ code: 'forbidden' });
    }
    expect(await snapshotOf(l)).toEqual(before);
  });

  it('lets a manager edit but not approve disposals, and a bureau head approve but not edit', async () => {
    const { l, v1 } = await ledger();
    const manager = as(l, 'manager');
    const head = as(l, 'head');
    const req = await run(manager, 'disposals/request', { assetId: v1, reason: '老旧' });
    expect(req.ok).toBe(true);
    const id = (req as { value: { id: number } }).value.id;
    expect((await run(manager, 'disposals/approve', { id, approvalRef: '环执〔2026〕1号' })).ok).toBe(false);
    const approved = await run(head, 'disposals/approve', { id, approvalRef: '环执〔2026〕1号' });
    expect(approved.ok && (approved.value as { approvedBy: string }).approvedBy).toBe('test-head');
    expect((await run(head, 'assets/bulkUpdate', { ids: [v1], change: { custodian: 'x' } })).ok).toBe(false);
  });

  it('keeps users, backups and restore to the administrator, and the audit log to administrators and heads', async () => {
    const { l } = await ledger();
    for (const role of ROLES) {
      const ctx = as(l, role);
      expect((await run(ctx, 'users/list', {})).ok, role).toBe(role === 'admin');
      // The provincial database has no file to back up: its backups are the database administrator's (pg_dump).
      const backups = await run(ctx, 'backups/list', {});
      expect(backups.ok, role).toBe(role === 'admin' && ENGINE === 'sqlite');
      if (role === 'admin' && ENGINE === 'postgres' && !backups.ok) expect(backups.problems[0].message).toContain('pg_dump');
      expect((await run(ctx, 'audit/list', { query: {}, startRow: 0, endRow: 10 })).ok, role).toBe(role === 'admin' || role === 'head');
    }
  });
});

describe('agency scopes', () => {
  it('shows a county manager only its own county, and refuses to touch the neighbour’s assets', async () => {
    const { l, v1, v2 } = await ledger();
    const k1 = as(l, 'manager', { agencyCode: 'K1' });
    const list = await run(k1, 'assets/list', { query: {}, startRow: 0, endRow: 100 });
    expect(list.ok && (list.value as { rows: { assetTag: string }[] }).rows.map((r) => r.assetTag)).toEqual(['V1']);
    const agencies = await run(k1, 'agencies/list', {});
    expect(agencies.ok && (agencies.value as { code: string }[]).map((a) => a.code)).toEqual(['K1']);
    const before = await snapshotOf(l);
    for (const [name, input] of writes(v2).map(([n, i]) => [n, JSON.parse(JSON.stringify(i).replace(/"K1"/g, '"K2"'))] as [OpName, unknown])) {
      const r = await run(k1, name, input);
      expect(r.ok, name).toBe(false);
    }
    expect((await run(k1, 'assets/list', { query: { agency: 'P' }, startRow: 0, endRow: 10 })).ok).toBe(false);
    expect((await run(k1, 'assets/count', { query: { agency: 'P' } })).ok).toBe(false);
    expect(await run(k1, 'assets/count', { query: {} })).toMatchObject({ ok: true, value: { total: 1 } });
    expect((await run(k1, 'assets/bulkUpdate', { ids: [v1], change: { agencyCode: 'K2' } })).ok).toBe(false);
    expect(await snapshotOf(l)).toEqual(before);
    expect((await run(k1, 'assets/bulkUpdate', { ids: [v1], change: { custodian: '赵六' } })).ok).toBe(true);
  });

  it('refuses a county manager’s workbook that reaches into another county, naming the row', async () => {
    const { l } = await ledger();
    const k1 = as(l, 'manager', { agencyCode: 'K1' });
    const buf = templateBuffer([], [asset({ assetTag: 'N1', itemCode: 'S09', agencyCode: 'K1' }), asset({ assetTag: 'N2', itemCode: 'S09', agencyCode: 'K2' })]);
    const before = await snapshotOf(l);
    const r = await run(k1, 'imports/template', { fileName: 'k1.xlsx', base64: Buffer.from(buf).toString('base64') });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toEqual([expect.objectContaining({ file: 'k1.xlsx', sheet: '装备', row: 3, message: expect.stringContaining('K2') })]);
    expect(await snapshotOf(l)).toEqual(before);
  });
});

describe('signing in', () => {
  async function signedLedger() {
    const { l: t } = await ledger();
    let now = 0;
    const base = t.ledger;
    const l = ledgerWith(base, { sessions: new Sessions(() => base.store, { idleMs: 30 * 60_000, maxMs: 12 * 3_600_000 }, () => now) });
    let token: string | undefined;
    const ctx = (remote: Remote = IPC_REMOTE) => callContext(l, token, (t) => (token = t ?? undefined), remote);
    return { t, ctx, advance: (ms: number) => (now += ms), token: () => token, setToken: (t: string | undefined) => (token = t) };
  }

  it('creates the first administrator once, then only signs in with the right password', async () => {
    const { ctx } = await signedLedger();
    expect(await run(ctx(), 'auth/status', {})).toMatchObject({ ok: true, value: { hasUsers: false, user: null } });
    expect((await run(ctx(), 'auth/setup', { username: 'admin', displayName: '管理员', password: 'short' })).ok).toBe(false);
    expect((await run(ctx(), 'auth/setup', { username: 'admin', displayName: '管理员', password: 'correct horse' })).ok).toBe(true);
    expect((await run(ctx(), 'users/list', {})).ok).toBe(true);
    expect((await run(ctx(), 'auth/setup', { username: 'evil', displayName: 'x', password: 'another pass' })).ok).toBe(false);
    await run(ctx(), 'auth/logout', {});
    expect((await run(ctx(), 'users/list', {})).ok).toBe(false);
    expect((await run(ctx(), 'auth/login', { username: 'admin', password: 'wrong password' })).ok).toBe(false);
    expect((await run(ctx(), 'auth/login', { username: 'admin', password: 'correct horse' })).ok).toBe(true);
  });

  it('stores passwords only as salted scrypt hashes', async () => {
    const { t, ctx } = await signedLedger();
    await run(ctx(), 'auth/setup', { username: 'admin', displayName: '管理员', password: 'correct horse' });
    const users = await rows(t, sql<{ hash: string }>`select password_hash as hash from users`);
    expect(users).toHaveLength(1);
    const stored = users[0].hash;
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(stored).not.toContain('correct horse');
    expect(JSON.stringify(await rows(t, sql`select * from audit_log where entity = ${'user'}`))).not.toContain('scrypt');
  });

  it('keeps a session across a restart and for another server process on the same database, storing only a hash of its token', async () => {
    const { t, ctx, token } = await signedLedger();
    await run(ctx(), 'auth/setup', { username: 'admin', displayName: '管理员', password: 'correct horse' });
    const issued = token()!;
    const stored = JSON.stringify(await snapshotOf(t));
    expect(stored).not.toContain(issued);
    expect(await count(t, 'sessions')).toBe(1);
    // A process started afresh knows the session from the database alone.
    const other = await otherProcess(t);
    const restarted = ledgerWith(other, { sessions: new Sessions(() => other.store, undefined, () => 60_000) });
    expect((await callContext(restarted, issued, () => undefined, IPC_REMOTE)).user?.username).toBe('admin');
    // Signed out in one process, the session is gone for the other too.
    await run(ctx(), 'auth/logout', {});
    expect((await callContext(restarted, issued, () => undefined, IPC_REMOTE)).user).toBeNull();
    expect(await count(t, 'sessions')).toBe(0);
  });

  it('ends a session after 30 idle minutes, and locks a name after five wrong passwords', async () => {
    const { ctx, advance } = await signedLedger();
    await run(ctx(), 'auth/setup', { username: 'admin', displayName: '管理员', password: 'correct horse' });
    advance(29 * 60_000);
    expect((await run(ctx(), 'users/list', {})).ok).toBe(true);
    advance(31 * 60_000);
    const r = await run(ctx(), 'users/list', {});
    expect(!r.ok && r.problems[0].code).toBe('unauthenticated');
    for (let i = 0; i < 5; i++) await run(ctx(), 'auth/login', { username: 'admin', password: `wrong ${i}` });
    const locked = await run(ctx(), 'auth/login', { username: 'admin', password: 'correct horse' });
    expect(!locked.ok && locked.problems[0].message).toContain('15 分钟');
  });

  const LAN_PEER: Remote = { address: '192.168.1.20', loopback: false };
  const signInAudit = async (t: TestLedger) =>
    (await rows(t, sql<{ actor: string; name: string; after: string; agencies: number }>`select actor, entity_key as name, after,
      (select count(*) from audit_agencies g where g.audit_id = l.id) as agencies from audit_log l where entity = 'sign_in' order by id`))
      .map(({ after, ...e }) => {
        const { outcome, address } = JSON.parse(after) as { outcome: string; address: string };
        return { ...e, outcome, address };
      });

  it('creates the first administrator only from this machine, never from another computer on the LAN', async () => {
    const { t, ctx } = await signedLedger();
    const before = await snapshotOf(t);
    const remote = await run(ctx(LAN_PEER), 'auth/setup', { username: 'stranger', displayName: '路人', password: 'correct horse' });
    expect(!remote.ok && remote.problems[0].message).toContain('只能在运行台账的本机上创建');
    expect(await snapshotOf(t)).toEqual(before);
    const local = await run(ctx({ address: '127.0.0.1', loopback: true }), 'auth/setup', { username: 'admin', displayName: '管理员', password: 'correct horse' });
    expect(local.ok).toBe(true);
  });

  it('checks at most five of twenty wrong passwords sent at once, and then refuses even the right one', async () => {
    const { ctx } = await signedLedger();
    await run(ctx(), 'auth/setup', { username: 'admin', displayName: '管理员', password: 'correct horse' });
    await run(ctx(), 'auth/logout', {});
    const guesses = await Promise.all(Array.from({ length: 20 }, (_, i) => run(ctx(LAN_PEER), 'auth/login', { username: 'admin', password: `guess ${i}` })));
    const messages = guesses.map((g) => (!g.ok ? g.problems[0].message : 'signed in'));
    expect(messages.filter((m) => m === '用户名或密码不正确').length).toBeLessThanOrEqual(5);
    expect(messages.filter((m) => m.includes('15 分钟')).length).toBeGreaterThanOrEqual(15);
    const right = await run(ctx({ address: '192.168.1.21', loopback: false }), 'auth/login', { username: 'admin', password: 'correct horse' });
    expect(!right.ok && right.problems[0].message).toContain('15 分钟');
  });

  it('slows down one address guessing many names, twice as long after each failure, while other addresses sign in', async () => {
    const { ctx, advance } = await signedLedger();
    await run(ctx(), 'auth/setup', { username: 'admin', displayName: '管理员', password: 'correct horse' });
    await run(ctx(), 'auth/logout', {});
    const guess = (name: string) => run(ctx(LAN_PEER), 'auth/login', { username: name, password: 'summer 2026' });
    const message = (r: Awaited<ReturnType<typeof guess>>) => (!r.ok ? r.problems[0].message : 'signed in');
    for (let i = 0; i < 5; i++) expect(message(await guess(`user${i}`))).toBe('用户名或密码不正确');
    expect(message(await guess('user5'))).toBe('本机登录尝试过于频繁,请 1 秒后再试');
    advance(1_000);
    expect(message(await guess('user5'))).toBe('用户名或密码不正确');
    expect(message(await guess('user6'))).toBe('本机登录尝试过于频繁,请 2 秒后再试');
    advance(2_000);
    expect(message(await guess('user6'))).toBe('用户名或密码不正确');
    expect(message(await guess('user7'))).toBe('本机登录尝试过于频繁,请 4 秒后再试');
    const elsewhere = await run(ctx({ address: '192.168.1.30', loopback: false }), 'auth/login', { username: 'admin', password: 'correct horse' });
    expect(elsewhere.ok).toBe(true);
  });

  it('audits sign-ins, failed ones and the lockout, as entries of the whole ledger', async () => {
    const { t, ctx } = await signedLedger();
    await run(ctx(), 'auth/setup', { username: 'admin', displayName: '管理员', password: 'correct horse' });
    await run(ctx(), 'auth/logout', {});
    expect((await run(ctx(LAN_PEER), 'auth/login', { username: 'admin', password: 'correct horse' })).ok).toBe(true);
    await run(ctx(), 'auth/logout', {});
    for (let i = 0; i < 5; i++) await run(ctx(LAN_PEER), 'auth/login', { username: 'admin', password: `wrong ${i}` });
    await run(ctx(LAN_PEER), 'auth/login', { username: 'admin', password: 'correct horse' });
    const entries = await signInAudit(t);
    expect(entries[0]).toEqual({ actor: 'admin', name: 'admin', outcome: '登录成功', address: '192.168.1.20', agencies: 0 });
    expect(entries.filter((e) => e.outcome === '用户名或密码不正确')).toHaveLength(5);
    expect(entries.filter((e) => e.outcome === '连续登录失败,账号锁定 15 分钟')).toEqual([
      { actor: '(未登录)', name: 'admin', outcome: '连续登录失败,账号锁定 15 分钟', address: '192.168.1.20', agencies: 0 },
    ]);
    expect(entries.every((e) => e.agencies === 0)).toBe(true);
  });

  it('ends the other sessions of a user who changes their password, and keeps the one that changed it', async () => {
    const { ctx, token, setToken } = await signedLedger();
    await run(ctx(), 'auth/setup', { username: 'admin', displayName: '管理员', password: 'correct horse' });
    await run(ctx(), 'users/create', { username: 'k1', displayName: '县管理员', role: 'manager', agencyCode: 'K1', password: 'k1 password' });
    await run(ctx(), 'auth/logout', {});
    await run(ctx(), 'auth/login', { username: 'k1', password: 'k1 password' });
    const stolen = token();
    setToken(undefined);
    await run(ctx(), 'auth/login', { username: 'k1', password: 'k1 password' });
    expect(token()).not.toBe(stolen);
    expect((await run(ctx(), 'auth/changePassword', { current: 'k1 password', next: 'a new k1 password' })).ok).toBe(true);
    const list = { query: {}, startRow: 0, endRow: 10 };
    expect((await run(ctx(), 'assets/list', list)).ok).toBe(true);
    const mine = token();
    setToken(stolen);
    const thief = await run(ctx(), 'assets/list', list);
    expect(!thief.ok && thief.problems[0].code).toBe('unauthenticated');
    setToken(mine);
    expect((await run(ctx(), 'assets/list', list)).ok).toBe(true);
  });

  it('signs a user out when the administrator deactivates them, and never leaves the ledger without an administrator', async () => {
    const { ctx, token } = await signedLedger();
    await run(ctx(), 'auth/setup', { username: 'admin', displayName: '管理员', password: 'correct horse' });
    const adminToken = token();
    const created = await run(ctx(), 'users/create', { username: 'k1', displayName: '县管理员', role: 'manager', agencyCode: 'K1', password: 'k1 password' });
    expect(created.ok).toBe(true);
    const k1Id = (created as { value: { id: number } }).value.id;
    await run(ctx(), 'auth/logout', {});
    await run(ctx(), 'auth/login', { username: 'k1', password: 'k1 password' });
    expect((await run(ctx(), 'assets/list', { query: {}, startRow: 0, endRow: 10 })).ok).toBe(true);
    const k1Token = token();
    expect(k1Token).not.toBe(adminToken);
    await run(ctx(), 'auth/logout', {});
    await run(ctx(), 'auth/login', { username: 'admin', password: 'correct horse' });
    const me = (await run(ctx(), 'auth/status', {})) as { value: { user: { id: number } } };
    expect((await run(ctx(), 'users/update', { id: me.value.user.id, displayName: 'x', role: 'manager', agencyCode: null, active: true, password: null })).ok).toBe(false);
    expect((await run(ctx(), 'users/update', { id: k1Id, displayName: '县管理员', role: 'manager', agencyCode: 'K1', active: false, password: null })).ok).toBe(true);
    expect((await run(ctx(), 'auth/login', { username: 'k1', password: 'k1 password' })).ok).toBe(false);
  });
});
