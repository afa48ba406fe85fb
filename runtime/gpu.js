/**
 * `// @tskern gpu` kernels at run time: `kernel.gpu(n, ...)` on WebGPU and
 * `kernel.cpu(n, ...)`, the same kernel as a wasm loop over [0, n).
 *
 * The GPU side asks for a device once (lazily, on first use), compiles each
 * kernel's WGSL into a pipeline once per device, and per call uploads the
 * plain arrays, dispatches ceil(n / 64) workgroups (two-dimensional past the
 * 65535 limit of one dimension), and copies written arrays back into the
 * caller's arrays. Device-resident arrays (`gpuAlloc`, `toGPU`) bind as they
 * are, so a chain of kernels moves no data until `toHost`.
 *
 * Without WebGPU (Node, or a browser without an adapter) `.gpu` runs `.cpu`
 * after one console warning, and GPU arrays live on the host, so code
 * written for the GPU runs unchanged.
 */
import { codedError } from "./errors.js";

const KEY = Symbol.for("tskern.gpu.v1");
const BRAND = Symbol.for("tskern.GPUArray");
const WORKGROUP = 64;
// WebGPU's numeric flags, so nothing depends on the GPUBufferUsage globals.
const MAP_READ = 1, COPY_SRC = 4, COPY_DST = 8, UNIFORM = 64, STORAGE = 128, COMPUTE = 4;

/** @type {Record<string, Int32ArrayConstructor | Uint32ArrayConstructor | Float32ArrayConstructor>} */
const GPU_CTORS = { Float32Array, Int32Array, Uint32Array };

/**
 * @typedef {object} GpuState  shared by every copy of the runtime in a realm
 * @property {Promise<any> | null} device      the GPUDevice, or null without WebGPU
 * @property {WeakMap<object, Map<string, any>>} pipelines  device -> "build:kernel" -> { pipeline, layout }
 * @property {{ gpu?: any, device?: any, fallback: boolean }} options
 * @property {boolean} warned
 */

/** @returns {GpuState} */
function gpuState() {
  const g = /** @type {any} */ (globalThis);
  return (g[KEY] ??= { device: null, pipelines: new WeakMap(), options: { fallback: true }, warned: false });
}

/**
 * Chooses the WebGPU implementation (`gpu`: an object like `navigator.gpu`,
 * e.g. from a Node WebGPU package; `device`: a GPUDevice to use as is), and
 * whether `.gpu` falls back to `.cpu` without WebGPU (default true; false
 * makes `.gpu` reject instead). Takes effect from the next `.gpu` call.
 * @param {{ gpu?: any, device?: any, fallback?: boolean }} options
 */
export function configureGPU(options) {
  const state = gpuState();
  state.options = { ...state.options, ...options };
  if ("gpu" in options || "device" in options) state.device = null;
}

/**
 * The GPUDevice tskern uses, or null when WebGPU is unavailable.
 * @returns {Promise<any>}
 */
export function gpuDevice() {
  const state = gpuState();
  state.device ??= requestDevice(state).catch(() => null);
  return state.device;
}

/** True when `.gpu` runs on WebGPU here. */
export async function gpuAvailable() {
  return (await gpuDevice()) !== null;
}

/** @param {GpuState} state */
async function requestDevice(state) {
  if (state.options.device) return state.options.device;
  const gpu = state.options.gpu ?? /** @type {any} */ (globalThis).navigator?.gpu;
  if (!gpu) return null;
  const adapter = await gpu.requestAdapter();
  if (!adapter) return null;
  // Ask for the adapter's buffer limits: the defaults stop at 128 MiB per array.
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  });
  device.lost?.then(() => {
    if (state.device && !state.options.device) state.device = null; // the next call asks for a new one
  });
  return device;
}

// ---- device-resident arrays ---------------------------------------------

/**
 * An array that lives on the GPU (or, without WebGPU, on the host). Pass it
 * to `kernel.gpu(...)` in place of a typed array: it binds without a copy.
 */
export class GPUArray {
  /**
   * @param {Float32ArrayConstructor | Int32ArrayConstructor | Uint32ArrayConstructor} type
   * @param {number} length
   * @param {any} device   null: host-backed
   * @param {any} buffer   GPUBuffer, or null
   * @param {Float32Array | Int32Array | Uint32Array | null} host
   */
  constructor(type, length, device, buffer, host) {
    /** element type: Float32Array, Int32Array or Uint32Array */
    this.type = type;
    this.length = length;
    this.byteLength = length * 4;
    this.device = device;
    this.buffer = buffer;
    this.host = host;
    this.freed = false;
  }

  /** Releases the GPU memory now (the GC would, later). */
  free() {
    if (this.freed) throw codedError(Error, "TSK203", "GPUArray.free: this GPU array was already freed");
    this.freed = true;
    this.buffer?.destroy();
    this.buffer = null;
    this.host = null;
  }
}
Object.defineProperty(GPUArray.prototype, BRAND, { value: true });

/** @param {unknown} v @returns {v is GPUArray} */
export function isGPUArray(v) {
  return typeof v === "object" && v !== null && /** @type {any} */ (v)[BRAND] === true;
}

/**
 * A zero-filled array on the GPU.
 * @param {Float32ArrayConstructor | Int32ArrayConstructor | Uint32ArrayConstructor} type
 * @param {number} length
 * @returns {Promise<GPUArray>}
 */
export async function gpuAlloc(type, length) {
  checkType(type, "gpuAlloc");
  if (!Number.isSafeInteger(length) || length < 0) throw codedError(TypeError, "TSK209", `gpuAlloc: length must be a non-negative integer, got ${String(length)}`);
  const device = await gpuDevice();
  if (!device) return new GPUArray(type, length, null, null, new type(length));
  return new GPUArray(type, length, device, createBuffer(device, length * 4, STORAGE | COPY_SRC | COPY_DST, "gpuAlloc"), null);
}

/**
 * Copies a typed array (Float32Array, Int32Array, Uint32Array) to the GPU.
 * @param {Float32Array | Int32Array | Uint32Array} array
 * @returns {Promise<GPUArray>}
 */
export async function toGPU(array) {
  const type = ArrayBuffer.isView(array) ? /** @type {any} */ (array).constructor : null;
  if (!type || GPU_CTORS[type.name] !== type) {
    throw codedError(TypeError, "TSK209", `toGPU: expects a Float32Array, Int32Array or Uint32Array, got ${describe(array)}`);
  }
  const g = await gpuAlloc(type, array.length);
  if (g.host) g.host.set(array);
  else upload(g.device, g.buffer, array);
  return g;
}

/**
 * Copies a GPU array back to the host: into `out` when given (of its type and
 * at least its length), else into a new typed array.
 * @template {Float32Array | Int32Array | Uint32Array} T
 * @param {GPUArray} g
 * @param {T} [out]
 * @returns {Promise<T>}
 */
export async function toHost(g, out) {
  if (!isGPUArray(g)) throw codedError(TypeError, "TSK209", `toHost: expects a GPUArray (from gpuAlloc or toGPU), got ${describe(g)}`);
  if (g.freed) throw codedError(Error, "TSK202", "toHost: this GPU array was already freed");
  const target = /** @type {any} */ (out ?? new g.type(g.length));
  if (!(target instanceof g.type) || target.length < g.length) {
    throw codedError(TypeError, "TSK209", `toHost: 'out' must be a ${g.type.name} of length >= ${g.length}, got ${describe(out)}`);
  }
  if (g.host) target.set(g.host);
  else {
    const [data] = await readBack(g.device, [{ buffer: g.buffer, bytes: g.byteLength }]);
    target.set(new g.type(data, 0, g.length));
  }
  return /** @type {T} */ (target);
}

// ---- kernel.cpu ----------------------------------------------------------

/**
 * `kernel.cpu(n, ...rest)`: the wasm loop export running the kernel for
 * every i in [0, n). GPU arrays are accepted when host-backed.
 * @param {any} build  KernelBuild
 * @param {number} k   kernel index
 * @param {number} n
 * @param {unknown[]} rest
 */
export function runCpu(build, k, n, rest) {
  const kernel = build.meta.kernels[k];
  checkCall(kernel, "cpu", n, rest);
  const params = kernel.params;
  const args = [n];
  try {
    for (let p = 1; p < params.length; p++) {
      let v = /** @type {any} */ (rest[p - 1]);
      const Ctor = GPU_CTORS[params[p].type];
      if (Ctor) {
        if (isGPUArray(v)) {
          if (!v.host) {
            throw codedError(TypeError, "TSK209", `${kernel.name}.cpu: parameter '${params[p].name}' is an array on the GPU; copy it to the host with toHost() first, or call ${kernel.name}.gpu`);
          }
          v = v.host;
        }
        let ptr = v instanceof Ctor ? v[build.S] : 0;
        if (!(ptr > 0)) ptr = build.arg(k, p, v);
        args.push(ptr);
      } else {
        checkScalar(build, k, p, params[p].type, v);
        args.push(v);
      }
    }
    build.exports[kernel.gpu.cpu](...args);
  } catch (e) {
    throw build.fail(k, e);
  } finally {
    if (build.tempCount !== 0) build.release();
  }
}

// ---- kernel.gpu ----------------------------------------------------------

/**
 * `kernel.gpu(n, ...rest)`: runs the kernel for every i in [0, n) on WebGPU;
 * written plain arrays receive the results; GPU arrays stay on the GPU.
 * @param {any} build  KernelBuild
 * @param {number} k
 * @param {number} n
 * @param {unknown[]} rest
 * @returns {Promise<void>}
 */
export async function runGpu(build, k, n, rest) {
  const kernel = build.meta.kernels[k];
  checkCall(kernel, "gpu", n, rest);
  const device = await gpuDevice();
  if (!device) return fallback(build, k, kernel, n, rest);
  const gpu = kernel.gpu;
  /** @type {Array<{ param: number, word: number, binding?: number, written?: boolean, type: string }>} */
  const slots = gpu.slots;
  const uniforms = new DataView(new ArrayBuffer(gpu.words * 4));
  const groups = Math.ceil(n / WORKGROUP);
  const maxDim = device.limits?.maxComputeWorkgroupsPerDimension ?? 65535;
  const gy = Math.max(1, Math.ceil(groups / maxDim));
  const gx = Math.ceil(groups / gy);
  uniforms.setUint32(0, n, true);
  uniforms.setUint32(4, gx * WORKGROUP, true);
  /** @type {any[]} */
  const entries = [];
  /** @type {Array<{ buffer: any, bytes: number, target: any }>} */
  const readbacks = [];
  /** @type {any[]} */
  const temps = [];
  const seen = new Map();
  try {
    for (const s of slots) {
      const name = kernel.params[s.param].name;
      const v = /** @type {any} */ (rest[s.param - 1]);
      if (s.binding === undefined) {
        checkScalar(build, k, s.param, s.type, v);
        if (s.type === "f32") uniforms.setFloat32(s.word * 4, v, true);
        else if (s.type === "u32") uniforms.setUint32(s.word * 4, v, true);
        else uniforms.setInt32(s.word * 4, v, true);
        continue;
      }
      const Ctor = GPU_CTORS[s.type];
      const other = seen.get(v);
      if (other && (other.written || s.written)) {
        throw codedError(TypeError, "TSK209", `${kernel.name}.gpu: the same array is passed as '${other.name}' and '${name}', and the kernel writes one of them; WebGPU cannot bind one buffer twice when it is written. Pass a copy`);
      }
      seen.set(v, { name, written: s.written });
      let buffer;
      if (isGPUArray(v)) {
        if (v.type !== Ctor) throw codedError(TypeError, "TSK209", `${kernel.name}.gpu: parameter '${name}' expects a ${Ctor.name} (or a GPUArray of one), got a GPUArray of ${v.type.name}`);
        if (v.freed) throw codedError(Error, "TSK202", `${kernel.name}.gpu: parameter '${name}' is a GPU array that was already freed`);
        if (v.device !== device) throw codedError(Error, "TSK209", `${kernel.name}.gpu: parameter '${name}' is a GPU array of another (or a lost) GPU device; create it again with toGPU()`);
        buffer = v.buffer;
        uniforms.setUint32(s.word * 4, v.length, true);
      } else {
        if (!(v instanceof Ctor)) throw codedError(TypeError, "TSK209", `${kernel.name}.gpu: parameter '${name}' expects a ${Ctor.name} or a GPUArray, got ${describe(v)}`);
        buffer = createBuffer(device, v.byteLength, STORAGE | COPY_SRC | COPY_DST, `${kernel.name}.gpu: parameter '${name}'`);
        temps.push(buffer);
        upload(device, buffer, v);
        uniforms.setUint32(s.word * 4, v.length, true);
        if (s.written) readbacks.push({ buffer, bytes: v.byteLength, target: v });
      }
      entries.push({ binding: s.binding, resource: { buffer } });
    }
    if (n === 0) return;
    if (gy > maxDim) throw codedError(RangeError, "TSK209", `${kernel.name}.gpu: n = ${n} needs more workgroups than this GPU dispatches at once`);
    const { pipeline, layout } = await pipelineFor(device, build, k, kernel);
    const ubuf = createBuffer(device, uniforms.byteLength, UNIFORM | COPY_DST, `${kernel.name}.gpu`);
    temps.push(ubuf);
    device.queue.writeBuffer(ubuf, 0, uniforms.buffer);
    entries.push({ binding: 0, resource: { buffer: ubuf } });
    device.pushErrorScope("validation");
    const bindGroup = device.createBindGroup({ layout, entries });
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(gx, gy);
    pass.end();
    device.queue.submit([encoder.finish()]);
    const error = await device.popErrorScope();
    if (error) throw new Error(`${kernel.name}.gpu: WebGPU rejected the dispatch: ${error.message}`, { cause: error });
    const data = await readBack(device, readbacks);
    readbacks.forEach((r, j) => r.target.set(new r.target.constructor(data[j], 0, r.target.length)));
  } finally {
    for (const b of temps) b.destroy();
  }
}

/**
 * No WebGPU: run `.cpu` (once warned), with GPU arrays' host copies.
 * @param {any} build @param {number} k @param {any} kernel @param {number} n @param {unknown[]} rest
 */
function fallback(build, k, kernel, n, rest) {
  const state = gpuState();
  if (!state.options.fallback) {
    throw new Error(`${kernel.name}.gpu: WebGPU is not available here (no GPU adapter), and configureGPU({ fallback: false }) forbids running ${kernel.name}.cpu instead`);
  }
  if (!state.warned) {
    state.warned = true;
    console.warn(`tskern: WebGPU is not available here (no navigator.gpu adapter); kernel.gpu(...) runs the same kernel as a wasm loop (kernel.cpu) instead. This warning is shown once.`);
  }
  runCpu(build, k, n, rest);
}

/**
 * The compute pipeline of a kernel on a device, compiled once.
 * @param {any} device @param {any} build @param {number} k @param {any} kernel
 */
async function pipelineFor(device, build, k, kernel) {
  const state = gpuState();
  let cache = state.pipelines.get(device);
  if (!cache) state.pipelines.set(device, (cache = new Map()));
  const key = `${build.id}:${k}`;
  let entry = cache.get(key);
  if (!entry) {
    entry = compilePipeline(device, kernel);
    cache.set(key, entry);
    entry.catch(() => cache?.delete(key));
  }
  return entry;
}

/** @param {any} device @param {any} kernel */
async function compilePipeline(device, kernel) {
  device.pushErrorScope("validation");
  const module = device.createShaderModule({ code: kernel.gpu.wgsl, label: kernel.name });
  /** @type {any[]} */
  const layoutEntries = [{ binding: 0, visibility: COMPUTE, buffer: { type: "uniform" } }];
  for (const s of kernel.gpu.slots) {
    if (s.binding !== undefined) layoutEntries.push({ binding: s.binding, visibility: COMPUTE, buffer: { type: s.written ? "storage" : "read-only-storage" } });
  }
  const layout = device.createBindGroupLayout({ entries: layoutEntries });
  const pipeline = device.createComputePipeline({
    layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }),
    compute: { module, entryPoint: "main" },
  });
  const error = await device.popErrorScope();
  if (error) {
    const info = await module.getCompilationInfo?.();
    const messages = info ? info.messages.map((/** @type {any} */ m) => `${m.lineNum}:${m.linePos}: ${m.message}`).join("; ") : "";
    throw new Error(`${kernel.name}.gpu: WebGPU rejected the generated shader of ${kernel.file}:${kernel.line}:${kernel.column} (a tskern bug; please report it with the kernel): ${error.message}${messages ? ` [${messages}]` : ""}`, { cause: error });
  }
  return { pipeline, layout };
}

// ---- helpers ---------------------------------------------------------------

/** @param {any} device @param {number} bytes @param {number} usage @param {string} what */
function createBuffer(device, bytes, usage, what) {
  const limit = device.limits?.maxStorageBufferBindingSize ?? Infinity;
  if ((usage & STORAGE) && bytes > limit) {
    throw codedError(RangeError, "TSK207", `${what}: ${bytes} bytes exceed this GPU's largest storage buffer (${limit} bytes); split the work into smaller arrays`);
  }
  // Bindings cannot be empty: a zero-length array still gets 4 bytes.
  return device.createBuffer({ size: Math.max(4, Math.ceil(bytes / 4) * 4), usage });
}

/** @param {any} device @param {any} buffer @param {ArrayBufferView} array */
function upload(device, buffer, array) {
  if (!array.byteLength) return;
  try {
    device.queue.writeBuffer(buffer, 0, array.buffer, array.byteOffset, array.byteLength);
  } catch (error) {
    // An implementation that refuses views of shared memory (kernel memory): copy first.
    if (!(error instanceof TypeError)) throw error;
    const copy = new Uint8Array(array.byteLength);
    copy.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    device.queue.writeBuffer(buffer, 0, copy.buffer);
  }
}

/**
 * Copies buffers into mappable staging buffers and reads them.
 * @param {any} device @param {Array<{ buffer: any, bytes: number }>} list
 * @returns {Promise<ArrayBuffer[]>}
 */
async function readBack(device, list) {
  if (!list.length) return [];
  const encoder = device.createCommandEncoder();
  const staging = list.map((r) => {
    const size = Math.max(4, r.bytes);
    const s = device.createBuffer({ size, usage: MAP_READ | COPY_DST });
    encoder.copyBufferToBuffer(r.buffer, 0, s, 0, size);
    return s;
  });
  device.queue.submit([encoder.finish()]);
  try {
    await Promise.all(staging.map((s) => s.mapAsync(1 /* GPUMapMode.READ */)));
    return staging.map((s, j) => s.getMappedRange(0, Math.max(4, list[j].bytes)).slice(0));
  } finally {
    for (const s of staging) s.destroy();
  }
}

/** @param {any} kernel @param {string} method @param {unknown} n @param {unknown[]} rest */
function checkCall(kernel, method, n, rest) {
  const want = kernel.params.length - 1;
  if (rest.length !== want) {
    const sig = ["n", ...kernel.params.slice(1).map((/** @type {any} */ p) => p.name)].join(", ");
    throw codedError(TypeError, "TSK208", `${kernel.name}.${method}(${sig}) takes ${want + 1} argument${want ? "s" : ""}, got ${rest.length + 1}`);
  }
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > 0x7fffffff) {
    throw codedError(TypeError, "TSK209", `${kernel.name}.${method}: n (the number of indices to run) must be an integer in [0, 2^31), got ${describe(n)}`);
  }
}

/** @param {any} build @param {number} k @param {number} p @param {string} type @param {unknown} v */
function checkScalar(build, k, p, type, v) {
  if (type === "f32" ? typeof v === "number" : type === "i32" ? typeof v === "number" && (v | 0) === v : typeof v === "number" && (v >>> 0) === v) return;
  build.bad(k, p, v, type === "f32" ? "a number (f32)" : type === "i32" ? "an integer in [-2^31, 2^31) (i32)" : "an integer in [0, 2^32) (u32)");
}

/** @param {unknown} type @param {string} what */
function checkType(type, what) {
  if (typeof type !== "function" || GPU_CTORS[type.name] !== type) {
    throw codedError(TypeError, "TSK209", `${what}: the element type must be Float32Array, Int32Array or Uint32Array, got ${describe(type)}`);
  }
}

/** @param {unknown} value */
function describe(value) {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (isGPUArray(value)) return `a GPUArray of ${value.type.name}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (typeof value === "function") return value.name || "a function";
  if (typeof value === "number") return `the number ${value}`;
  if (typeof value === "object") return `an object (${value.constructor?.name ?? "Object"})`;
  return typeof value === "string" ? "a string" : String(value);
}
