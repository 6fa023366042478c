// Forward Conv2D and FusedConv2D (conv + bias) with the SIMD kernel, for four-channel groups of
// output channels, at least 4 input channels and a linear activation (what the training graph uses: activations
// are applied after pooling, see trainer/train/model.ts). XNNPACK's convolution on wasm took
// ~1.8 ms for the report CNN's conv2 at batch 32, the largest kernel of the step; everything
// else (other activations, PReLU weights, odd channel counts) goes to wasm's own kernels.
import {
  Conv2D,
  type Conv2DAttrs,
  type Conv2DInputs,
  FusedConv2D,
  type FusedConv2DAttrs,
  type FusedConv2DInputs,
  type TensorInfo,
} from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { heapOffset, simdKernels } from "../simd";
import { convGeometry, convInfoFor, windows } from "./conv";
import { alloc, view } from "./heap";
import { type StockKernels, type WasmKernelArgs, wasmKernel } from "./wasm";

/** y = conv(x, filter) (+ bias), or null where the SIMD kernel does not apply. */
function simdConv(
  backend: BackendWasm,
  x: TensorInfo,
  filter: TensorInfo,
  bias: TensorInfo | undefined,
  attrs: Conv2DAttrs,
): TensorInfo | null {
  const simd = simdKernels();
  if (!simd || attrs.dataFormat === "NCHW" || x.dtype !== "float32") return null;
  const ci = convInfoFor(x.shape, filter.shape, attrs);
  const { B, C, OH, OW, CO } = windows(ci);
  // Four output channels per vector; a few input channels (C < 4: a first layer on raw images)
  // make the per-pixel passes too many for it to pay.
  if (CO % 4 !== 0 || C < 4) return null;
  if (bias && bias.shape.reduce((a, d) => a * d, 1) !== CO) return null;
  const y = alloc(backend, [B, OH, OW, CO]);
  const out = view(backend, y);
  if (bias) {
    const b = view(backend, bias).slice(0, CO);
    for (let o = 0; o < out.length; o += CO) out.set(b, o);
  } else out.fill(0);
  const at = (t: TensorInfo) => heapOffset(backend, t.dataId);
  simd.convForward(at(x), at(filter), at(y), ...convGeometry(ci));
  return y;
}

/**
 * wasm's own convolutions are wrong for 'same' padding that needs no padding at all because the
 * stride is larger than the filter (a 2×2 filter at stride 3 on 9 pixels: XNNPACK, told "same",
 * seems to compute a negative padding): the same convolution as 'valid' (same output size, no
 * padding either way) is right, so they get that.
 */
function forStock<A extends Conv2DAttrs>(x: TensorInfo, filter: TensorInfo, attrs: A): A {
  if (attrs.pad !== "same" || attrs.dataFormat === "NCHW") return attrs;
  const p = convInfoFor(x.shape, filter.shape, attrs).padInfo;
  return p.top === 0 && p.bottom === 0 && p.left === 0 && p.right === 0 ? { ...attrs, pad: "valid" } : attrs;
}

function conv2D(args: WasmKernelArgs<Conv2DInputs, Conv2DAttrs>, stock: StockKernels): TensorInfo {
  const { inputs, backend, attrs } = args;
  return (
    simdConv(backend, inputs.x, inputs.filter, undefined, attrs) ??
    stock.conv2D({ ...args, attrs: forStock(inputs.x, inputs.filter, attrs) })
  );
}

function fusedConv2D(args: WasmKernelArgs<FusedConv2DInputs, FusedConv2DAttrs>, stock: StockKernels): TensorInfo {
  const { inputs, backend, attrs } = args;
  const plain = (attrs.activation ?? "linear") === "linear" && !inputs.preluActivationWeights;
  return (
    (plain && simdConv(backend, inputs.x, inputs.filter, inputs.bias, attrs)) ||
    stock.fusedConv2D({ ...args, attrs: forStock(inputs.x, inputs.filter, attrs) })
  );
}

export const conv2DConfig = wasmKernel(Conv2D, conv2D);
export const fusedConv2DConfig = wasmKernel(FusedConv2D, fusedConv2D);
