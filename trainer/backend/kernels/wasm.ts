// What every replacement kernel is: a typed kernel function, registered on the 'wasm' backend
// together with wasm's own kernels it hands plain work to (XNNPACK's matmul, the stock Sum and
// convolutions).
import type {
  _FusedMatMulAttrs,
  _FusedMatMulInputs,
  BatchMatMulAttrs,
  BatchMatMulInputs,
  Conv2DAttrs,
  Conv2DInputs,
  FusedConv2DAttrs,
  FusedConv2DInputs,
  KernelConfig,
  KernelFunc,
  SumAttrs,
  SumInputs,
  TanhInputs,
  TensorInfo,
} from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

/** tfjs's input types allow a missing tensor; the engine always passes the ones a kernel declares. */
type Present<I> = { [K in keyof I]-?: NonNullable<I[K]> };

export interface WasmKernelArgs<I, A> {
  inputs: Present<I>;
  backend: BackendWasm;
  attrs: A;
}

/**
 * wasm's own kernels, taken from tfjs's registry before the replacements take their names: one
 * object per install, handed to every kernel, so no module keeps the originals in a global.
 */
export interface StockKernels {
  batchMatMul(args: WasmKernelArgs<BatchMatMulInputs, BatchMatMulAttrs>): TensorInfo;
  sum(args: WasmKernelArgs<SumInputs, SumAttrs>): TensorInfo;
  conv2D(args: WasmKernelArgs<Conv2DInputs, Conv2DAttrs>): TensorInfo;
  fusedConv2D(args: WasmKernelArgs<FusedConv2DInputs, FusedConv2DAttrs>): TensorInfo;
  fusedMatMul(args: WasmKernelArgs<_FusedMatMulInputs, _FusedMatMulAttrs>): TensorInfo;
  tanh(args: WasmKernelArgs<TanhInputs, unknown>): TensorInfo;
}

type WasmKernelFunc<I, A> = (args: WasmKernelArgs<I, A>, stock: StockKernels) => TensorInfo | TensorInfo[];

interface WasmKernelConfig<N extends string = string> {
  kernelName: N;
  /** The config tfjs registers, bound to one install's stock kernels. */
  bind(stock: StockKernels): KernelConfig;
}

export function wasmKernel<N extends string, I, A>(
  kernelName: N,
  kernelFunc: WasmKernelFunc<I, A>,
): WasmKernelConfig<N> {
  return {
    kernelName,
    bind: (stock) => ({
      kernelName,
      backendName: "wasm",
      // tfjs types every kernel's arguments as loose maps; each kernel file states its own.
      kernelFunc: ((args: WasmKernelArgs<I, A>) => kernelFunc(args, stock)) as unknown as KernelFunc,
    }),
  };
}

/** Plain (non-transposed) XNNPACK matmul of [m,k] × [k,n] → [m,n]. */
export function matmul(stock: StockKernels, backend: BackendWasm, a: TensorInfo, b: TensorInfo): TensorInfo {
  return stock.batchMatMul({ inputs: { a, b }, backend, attrs: { transposeA: false, transposeB: false } });
}
