import { api } from './contract';

/**
 * Operations whose input carries a file (a `base64` field): the only ones the HTTP host lets send large
 * bodies, and receives a few at a time.
 */
export function takesFile(name: string): boolean {
  if (!Object.prototype.hasOwnProperty.call(api, name)) return false;
  const shape = (api[name as keyof typeof api].input as { shape?: Record<string, unknown> }).shape;
  return !!shape && Object.prototype.hasOwnProperty.call(shape, 'base64');
}
