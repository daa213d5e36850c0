import { z } from 'zod';
import { EXPORT_FORMATS, type FileOut, type ReportFormat } from '../lib/domain/files';
import type { Right } from './roles';

// A check without a message of its own still answers in Chinese (our users' language), wherever the contract is loaded.
z.config(z.locales.zhCN());

/** Declares an operation: its input schema, the right it needs, whether it writes, then (as a type) its output. */
export function op<I extends z.ZodType>(input: I, right: Right, writes = false) {
  return { returns: <O>() => ({ input, right, writes, output: undefined as unknown as O }) };
}

export const none = z.object({}).strict();

const inWords = (formats: readonly string[]) => (formats.length > 1 ? `${formats.slice(0, -1).join('、')} 或 ${formats[formats.length - 1]}` : formats[0]);

/**
 * An export: its input, plus the format the user chose among `formats` (.xlsx or CSV unless the operation
 * offers more, as the 盘点报告 its PDF). The formats are kept beside the schema for the export button to offer.
 */
export function exportOp<Shape extends z.ZodRawShape, Config extends z.core.$ZodObjectConfig, const F extends readonly [ReportFormat, ...ReportFormat[]] = typeof EXPORT_FORMATS>(
  input: z.ZodObject<Shape, Config>, right: Right, formats: F = EXPORT_FORMATS as unknown as F,
) {
  return { ...op(input.extend({ format: z.enum(formats, { error: `导出格式应为 ${inWords(formats)}` }).optional() }), right).returns<FileOut>(), formats };
}

/** A file sent with an operation, as base64. */
export const UPLOAD = z.object({ fileName: z.string().min(1).max(255), base64: z.string().max(300 * 1024 * 1024) });

/** A budget or score year. */
export const year = z.number().int().min(2000, '年度应在 2000–2100 之间').max(2100, '年度应在 2000–2100 之间');
/** The rule set to measure against; the default one when absent. */
export const ruleSetId = z.string().max(50).optional();
