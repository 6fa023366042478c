// Replacement kernels for @tensorflow/tfjs-backend-wasm 4.22 (see trainer/README.md, Backends),
// one per file as tfjs writes its own:
//  - Conv2DBackpropFilter, DepthwiseConv2dNativeBackprop{Filter,Input}: missing on wasm.
//  - MaxPoolGrad: wasm's drops the gradient of windows whose maximum is negative (wrong).
//  - Conv2DBackpropInput: correct but 10–15× slower than an im2col + XNNPACK matmul.
//  - Conv2D, FusedConv2D (linear): our SIMD convolution where channels come in fours.
//  - BatchMatMul with a transposed operand: naive loop on wasm; transpose first, then XNNPACK.
//  - BatchMatMul, _FusedMatMul (linear) of single matrices: our SIMD matmul (no repacking).
//  - Sum over leading axes and Identity: copies wasm makes and the cpu backend doesn't.
//  - Tanh: libm's scalar tanh per element on wasm; ours is SIMD.
// Plus kernels of our own: the fused Conv2D+MaxPool and its gradient, and a one-pass Adam update.
//
// Each keeps a gradient to one or two kernel dispatches instead of dozens of tfjs ops.
import * as tf from "@tensorflow/tfjs";
import { ADAM_UPDATE, adamUpdateConfig } from "./Adam";
import { batchMatMulConfig } from "./BatchMatMul";
import { conv2DConfig, fusedConv2DConfig } from "./Conv2D";
import { conv2DBackpropFilterConfig } from "./Conv2DBackpropFilter";
import { conv2DBackpropInputConfig } from "./Conv2DBackpropInput";
import { CONV_POOL, conv2DMaxPoolConfig } from "./Conv2DMaxPool";
import { CONV_POOL_GRAD, conv2DMaxPoolGradConfig } from "./Conv2DMaxPoolGrad";
import { depthwiseConv2dNativeBackpropFilterConfig } from "./DepthwiseConv2dNativeBackpropFilter";
import { depthwiseConv2dNativeBackpropInputConfig } from "./DepthwiseConv2dNativeBackpropInput";
import { fusedMatMulConfig } from "./FusedMatMul";
import { identityConfig } from "./Identity";
import { maxPoolGradConfig } from "./MaxPoolGrad";
import { sumConfig } from "./Sum";
import { tanhConfig } from "./Tanh";
import type { StockKernels } from "./wasm";

export { ADAM_UPDATE, type AdamUpdateAttrs, type AdamUpdateInputs } from "./Adam";
export { CONV_POOL, type ConvPoolAttrs, type ConvPoolInputs, convPoolForwardAvailable } from "./Conv2DMaxPool";
export { CONV_POOL_GRAD, type ConvPoolGradAttrs, type ConvPoolGradInputs, convPoolGrad } from "./Conv2DMaxPoolGrad";

const REPLACEMENTS = [
  identityConfig,
  sumConfig,
  tanhConfig,
  batchMatMulConfig,
  fusedMatMulConfig,
  conv2DConfig,
  fusedConv2DConfig,
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  maxPoolGradConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
] as const;

/** The kernels that run on our SIMD module when it loaded (what selectBackend records as simdKernels). */
export const SIMD_KERNELS = [
  CONV_POOL,
  CONV_POOL_GRAD,
  ADAM_UPDATE,
  conv2DConfig.kernelName,
  fusedConv2DConfig.kernelName,
  conv2DBackpropFilterConfig.kernelName,
  conv2DBackpropInputConfig.kernelName,
  batchMatMulConfig.kernelName,
  fusedMatMulConfig.kernelName,
  tanhConfig.kernelName,
];

/** wasm's kernels that these replace (what selectBackend records as patchedKernels). */
export const REPLACED_KERNELS = REPLACEMENTS.map((k) => k.kernelName);

function stockKernel(name: string): tf.KernelFunc {
  const k = tf.getKernel(name, "wasm");
  if (!k) throw new Error("wasm backend not registered");
  return k.kernelFunc;
}

/**
 * Registers the replacements and the fused kernel on the 'wasm' backend. Call after the wasm
 * backend is initialised (the stock BatchMatMul's setup must have run: the replacements delegate
 * to it). Once per thread: whether it ran is read from tfjs's registry, which holds the fused
 * kernel only after an install.
 */
export function installWasmKernels(): void {
  if (tf.getKernel(CONV_POOL_GRAD, "wasm")) return;
  // tfjs types kernels as returning one tensor or several; these return one.
  const stock = {
    batchMatMul: stockKernel("BatchMatMul"),
    sum: stockKernel("Sum"),
    conv2D: stockKernel("Conv2D"),
    fusedConv2D: stockKernel("FusedConv2D"),
    fusedMatMul: stockKernel("_FusedMatMul"),
    tanh: stockKernel("Tanh"),
  } as unknown as StockKernels;
  for (const kernel of REPLACEMENTS) {
    if (tf.getKernel(kernel.kernelName, "wasm")) tf.unregisterKernel(kernel.kernelName, "wasm");
    tf.registerKernel(kernel.bind(stock));
  }
  tf.registerKernel(conv2DMaxPoolGradConfig.bind(stock));
  tf.registerKernel(conv2DMaxPoolConfig.bind(stock));
  tf.registerKernel(adamUpdateConfig.bind(stock));
}
