import type { TensorInfo } from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { type ConvInfo, forEachTap } from "./conv";
import { view, zeros } from "./heap";

/** Adds one tap's contribution for channels 0..C-1, each with M filters (the depth multiplier). */
type DepthwiseTap = (
  out: Float32Array,
  a: Float32Array,
  dy: Float32Array,
  tap: { xo: number; fo: number; go: number; C: number; M: number },
) => void;

/**
 * Both depthwise gradients are one pass over the taps into a zeroed output: `a` is what dy is
 * multiplied with (x for the filter's gradient, the filter for the input's). The offsets given
 * are of channel 0: the input pixel `xo`, the tap's filter values `fo`, the output pixel's `go`.
 */
export function depthwiseBackprop(
  backend: BackendWasm,
  ci: ConvInfo,
  outShape: number[],
  a: TensorInfo,
  dy: TensorInfo,
  add: DepthwiseTap,
): TensorInfo {
  const C = ci.inChannels;
  const M = ci.outChannels / C;
  const out = zeros(backend, outShape);
  const [o, av, g] = [out, a, dy].map((t) => view(backend, t));
  forEachTap(ci, (xo, tap, n) => add(o, av, g, { xo, fo: tap * C * M, go: n * C * M, C, M }));
  return out;
}
