import { createContext, useContext } from 'react';
import { refusal, type ExportFormat, type OpName } from '../../api/contract';
import type { SessionUser } from '../../api/roles';

export const SessionContext = createContext<SessionUser | null>(null);

/** Whether a user may call an operation: the very check the server enforces. */
export function may(user: SessionUser | null, op: OpName): boolean {
  return !!user && refusal(user, op) === null;
}

/**
 * Whether the signed-in user may call an operation. The backend enforces it; the renderer uses this, and only this,
 * to hide what would be refused, so a control is shown exactly when the operation behind it would be accepted.
 */
export function useMay(op: OpName): boolean {
  return may(useContext(SessionContext), op);
}

const exportFormatKey = (user: SessionUser) => `eql:export-format:${user.id}`;

/** The format this user last exported in; kept until they sign out, so the next user of the machine starts from .xlsx. */
export function lastExportFormat(user: SessionUser): ExportFormat {
  return localStorage.getItem(exportFormatKey(user)) === 'csv' ? 'csv' : 'xlsx';
}

export function rememberExportFormat(user: SessionUser, format: ExportFormat): void {
  localStorage.setItem(exportFormatKey(user), format);
}

export function forgetExportFormat(user: SessionUser): void {
  localStorage.removeItem(exportFormatKey(user));
}
