/**
 * The part of the WebAssembly JavaScript API the kernels use (wasm.ts). Node has it as a global,
 * but @types/node does not declare it and TypeScript declares it only in its DOM and WebWorker
 * libraries, which the engine's type check leaves out (tsconfig.json: lib ES2022 only) so that
 * nothing here can use a browser's `document` or `fetch`. The signatures are those of the
 * WebAssembly JS API (https://webassembly.github.io/spec/js-api/), as TypeScript's lib.dom has them.
 */
declare namespace WebAssembly {
  class Module {
    constructor(bytes: BufferSource);
  }
  class Instance {
    constructor(module: Module, importObject?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
  class Memory {
    readonly buffer: ArrayBuffer;
    grow(delta: number): number;
  }
  function validate(bytes: BufferSource): boolean;
}

type BufferSource = ArrayBufferView | ArrayBuffer;
