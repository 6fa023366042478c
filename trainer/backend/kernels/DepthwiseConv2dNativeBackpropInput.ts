import type {
  DepthwiseConv2dNativeBackpropInputAttrs as Attrs,
  DepthwiseConv2dNativeBackpropInputInputs as Inputs,
} from "@tensorflow/tfjs";
import { DepthwiseConv2dNativeBackpropInput, type TensorInfo } from "@tensorflow/tfjs";
import { convInfoFor } from "./conv";
import { depthwiseBackprop } from "./depthwise";
import { type WasmKernelArgs, wasmKernel } from "./wasm";

type Args = WasmKernelArgs<Inputs, Attrs>;

/** Missing on wasm. */
function depthwiseBackpropInput({ inputs, backend, attrs }: Args): TensorInfo {
  const ci = convInfoFor(attrs.inputShape, inputs.filter.shape, attrs, true);
  return depthwiseBackprop(
    backend,
    ci,
    attrs.inputShape,
    inputs.filter,
    inputs.dy,
    (dx, f, dy, { xo, fo, go, C, M }) => {
      for (let c = 0; c < C; c++) {
        let acc = 0;
        for (let m = 0; m < M; m++) acc += f[fo + c * M + m] * dy[go + c * M + m];
        dx[xo + c] += acc;
      }
    },
  );
}

export const depthwiseConv2dNativeBackpropInputConfig = wasmKernel(
  DepthwiseConv2dNativeBackpropInput,
  depthwiseBackpropInput,
);
