/**
 * Bundled in place of `@smithy/node-http-handler` (see scripts/build.ts): the same exports, but
 * the module — and Node's http, https and http2 behind it — is loaded only when something
 * really uses it (IMDS, the ECS credentials endpoint). The publisher's own requests go through
 * `fetch`, so most runs never load it, which saves start-up time and memory.
 */
import type * as Real from "@smithy/node-http-handler";

let real: typeof Real | undefined;
// A require inside a function: the bundler keeps the module, the runtime loads it on first use.
const load = (): typeof Real => {
  real ??= require("@smithy/node-http-handler/dist-cjs/index.js") as typeof Real;
  return real;
};

type Handler = { handle: unknown };
const isHandler = (x: unknown): x is Handler => typeof (x as Handler | undefined)?.handle === "function";

export const NodeHttpHandler = new Proxy(
  function NodeHttpHandler() {} as unknown as typeof Real.NodeHttpHandler,
  {
    construct: (_target, args) => {
      const Handler = load().NodeHttpHandler as unknown as new (...a: unknown[]) => object;
      return new Handler(...args);
    },
    get: (_target, property) => {
      // The SDK calls create() for every client, with the handler it was given: pass that through.
      if (property === "create") {
        return (options: unknown) =>
          isHandler(options) ? options : load().NodeHttpHandler.create(options as never);
      }
      return Reflect.get(load().NodeHttpHandler, property);
    },
  },
);

export const streamCollector: typeof Real.streamCollector = (stream) => load().streamCollector(stream);
