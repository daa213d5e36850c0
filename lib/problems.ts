/**
 * A problem a user can cause (bad file, bad value, conflict): where it is and what is wrong, in Chinese.
 */
export interface Problem {
  file?: string;
  sheet?: string;
  /** 1-based row number as Excel shows it. */
  row?: number;
  /** Column letter as Excel shows it, e.g. "C". */
  column?: string;
  /** Field or header name, e.g. "层级". */
  field?: string;
  message: string;
  /** Set when the caller must sign in (again), or is signed in but lacks the right. */
  code?: 'unauthenticated' | 'forbidden';
}

export function formatProblem(p: Problem): string {
  const where: string[] = [];
  if (p.file) where.push(`文件「${p.file}」`);
  if (p.sheet) where.push(`工作表「${p.sheet}」`);
  if (p.row !== undefined) where.push(`第 ${p.row} 行`);
  if (p.column) where.push(`${p.column} 列${p.field ? `(${p.field})` : ''}`);
  else if (p.field) where.push(`字段「${p.field}」`);
  return where.length ? `${where.join(' ')}:${p.message}` : p.message;
}

/** Thrown when an operation is refused for reasons the user can fix; nothing has been written. */
export class UserError extends Error {
  constructor(public readonly problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'UserError';
  }
}

export function columnLetter(index: number): string {
  let s = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}
