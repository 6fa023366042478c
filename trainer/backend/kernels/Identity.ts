import { Identity, type IdentityInputs, type TensorInfo } from "@tensorflow/tfjs";
import { type WasmKernelArgs, wasmKernel } from "./wasm";

/** wasm's Identity copies the buffer; sharing it by reference count is what the cpu backend does. */
function identity({ inputs, backend }: WasmKernelArgs<IdentityInputs, unknown>): TensorInfo {
  const { x } = inputs;
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export const identityConfig = wasmKernel(Identity, identity);
