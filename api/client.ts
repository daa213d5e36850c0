import type { Envelope, Input, OpName, Output } from './contract';
import type { Problem } from '../lib/problems';

/** Carries one operation to the backend: IPC in Electron, HTTP in a browser. */
export type Transport = (name: OpName, input: unknown) => Promise<Envelope<unknown>>;

export class ApiError extends Error {
  constructor(public readonly problems: Problem[]) {
    super(problems.map((p) => p.message).join('\n'));
    this.name = 'ApiError';
  }
}

export interface Client {
  call<N extends OpName>(name: N, input: Input<N>): Promise<Output<N>>;
}

export function createClient(transport: Transport): Client {
  return {
    async call(name, input) {
      const result = await transport(name, input);
      if (!result.ok) throw new ApiError(result.problems);
      return result.value as never;
    },
  };
}

export function httpTransport(base = ''): Transport {
  return async (name, input) => {
    let res: Response;
    try {
      res = await fetch(`${base}/api/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) });
    } catch {
      return { ok: false, problems: [{ message: '无法连接台账服务,请确认程序仍在运行' }] };
    }
    try {
      return (await res.json()) as Envelope<unknown>;
    } catch {
      return { ok: false, problems: [{ message: `台账服务返回了无法识别的响应(HTTP ${res.status})` }] };
    }
  };
}
