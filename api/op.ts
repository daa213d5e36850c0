import { z } from 'zod';
import { EXPORT_FORMATS, type FileOut } from '../lib/domain/files';
import type { Right } from './roles';

/** Declares an operation: its input schema, the right it needs, whether it writes, then (as a type) its output. */
export function op<I extends z.ZodType>(input: I, right: Right, writes = false) {
  return { returns: <O>() => ({ input, right, writes, output: undefined as unknown as O }) };
}

export const none = z.object({}).strict();

/** An export: its input, plus the format the user chose. */
export function exportOp<Shape extends z.ZodRawShape, Config extends z.core.$ZodObjectConfig>(input: z.ZodObject<Shape, Config>, right: Right) {
  return op(input.extend({ format: z.enum(EXPORT_FORMATS, { error: '导出格式应为 xlsx 或 csv' }).optional() }), right).returns<FileOut>();
}

/** A file sent with an operation, as base64. */
export const UPLOAD = z.object({ fileName: z.string().min(1).max(255), base64: z.string().max(300 * 1024 * 1024) });

/** A budget or score year. */
export const year = z.number().int().min(2000, '年度应在 2000–2100 之间').max(2100, '年度应在 2000–2100 之间');
/** The rule set to measure against; the default one when absent. */
export const ruleSetId = z.string().max(50).optional();
