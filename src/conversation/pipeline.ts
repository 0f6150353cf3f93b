/**
 * The inbound message pipeline: small middlewares (flood throttle, reviewer actions, answers to
 * "please add information") run before the conversation engine, each either answering a message
 * or passing it on — like grammY's composer, without knowing the platform.
 */
import type { InboundMessage, Reply } from "../channels/types.js";

export type Next = () => Promise<Reply[]>;
export type Middleware = (msg: InboundMessage, next: Next) => Promise<Reply[]>;

/** @example const handle = compose([throttle, reviewerActions], (msg) => engine.handle(msg)) */
export function compose(
  middlewares: Middleware[],
  final: (msg: InboundMessage) => Promise<Reply[]>,
): (msg: InboundMessage) => Promise<Reply[]> {
  return (msg) => {
    const run = (i: number): Promise<Reply[]> =>
      i < middlewares.length ? middlewares[i]!(msg, () => run(i + 1)) : final(msg);
    return run(0);
  };
}
