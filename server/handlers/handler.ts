import type { Api, OpName, Output, ParsedInput } from '../../api/contract';
import type { Context } from '../context';

export type Handler<N extends OpName> = (ctx: Context, input: ParsedInput<N>) => Output<N> | Promise<Output<N>>;

/** The handlers of a domain: exactly the operations its api/<domain>.ts declares, each typed by its schema. */
export type HandlersFor<Ops> = { [N in keyof Ops & OpName]: Handler<N> };

export type Handlers = HandlersFor<Api>;
