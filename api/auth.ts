import { z } from 'zod';
import { ROLES, type SessionUser, type UserRow } from '../lib/domain/users';
import { none, op } from './op';

export * from '../lib/domain/users';

const username = z.string().trim().min(1, '用户名必填').max(50, '用户名最多 50 字').regex(/^[^\s]+$/, '用户名不能含空格');
const password = z.string().min(8, '密码至少 8 位').max(200, '密码过长');
const ROLE = z.enum(ROLES);

export const NEW_USER = z.object({
  username,
  displayName: z.string().trim().min(1, '姓名必填').max(50),
  role: ROLE,
  /** The agency whose subtree the user works in; null: the whole ledger. */
  agencyCode: z.string().trim().min(1).max(50).nullable(),
  password,
});

export const USER_CHANGE = NEW_USER.omit({ username: true, password: true }).extend({
  id: z.number().int().positive(),
  active: z.boolean(),
  /** A new password set by the administrator; null keeps the current one. */
  password: password.nullable(),
});

/** Signing in, one's own password, and the accounts. */
export const authOps = {
  'auth/status': op(none, 'public').returns<{ hasUsers: boolean; user: SessionUser | null }>(),
  'auth/setup': op(NEW_USER.omit({ role: true, agencyCode: true }), 'public', true).returns<SessionUser>(),
  'auth/login': op(z.object({ username: z.string().trim().max(50), password: z.string().max(200) }), 'public').returns<SessionUser>(),
  'auth/logout': op(none, 'public').returns<null>(),
  'auth/changePassword': op(z.object({ current: z.string().max(200), next: password }), 'self', true).returns<null>(),
  'users/list': op(none, 'admin').returns<UserRow[]>(),
  'users/create': op(NEW_USER, 'admin', true).returns<UserRow>(),
  'users/update': op(USER_CHANGE, 'admin', true).returns<UserRow>(),
} as const;
