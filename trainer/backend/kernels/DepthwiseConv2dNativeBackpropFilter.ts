import type {
  DepthwiseConv2dNativeBackpropFilterAttrs as Attrs,
  DepthwiseConv2dNativeBackpropFilterInputs as Inputs,
} from "@tensorflow/tfjs";
import { DepthwiseConv2dNativeBackpropFilter, type TensorInfo } from "@tensorflow/tfjs";
import { convInfoFor } from "./conv";
import { depthwiseBackprop } from "./depthwise";
import { type WasmKernelArgs, wasmKernel } from "./wasm";

type Args = WasmKernelArgs<Inputs, Attrs>;

/** Missing on wasm. */
function depthwiseBackpropFilter({ inputs, backend, attrs }: Args): TensorInfo {
  const ci = convInfoFor(inputs.x.shape, attrs.filterShape, attrs, true);
  return depthwiseBackprop(backend, ci, attrs.filterShape, inputs.x, inputs.dy, (dw, x, dy, { xo, fo, go, C, M }) => {
    for (let c = 0; c < C; c++) {
      const xv = x[xo + c];
      for (let m = 0; m < M; m++) dw[fo + c * M + m] += xv * dy[go + c * M + m];
    }
  });
}

export const depthwiseConv2dNativeBackpropFilterConfig = wasmKernel(
  DepthwiseConv2dNativeBackpropFilter,
  depthwiseBackpropFilter,
);
