// Window geometry shared by the convolution and pooling gradients.
import { backend_util, type Conv2DAttrs } from "@tensorflow/tfjs";

export type ConvInfo = ReturnType<typeof backend_util.computeConv2DInfo>;

/** The attributes every conv-like kernel has (depthwise ones have no dataFormat, tfjs's conv2d grads no dilations). */
export type ConvAttrs = Pick<Conv2DAttrs, "strides" | "pad" | "dimRoundingMode"> &
  Partial<Pick<Conv2DAttrs, "dataFormat" | "dilations">>;

export function convInfoFor(xShape: number[], filterShape: number[], attrs: ConvAttrs, depthwise = false): ConvInfo {
  const dataFormat = attrs.dataFormat === "NCHW" ? "channelsFirst" : "channelsLast";
  if (dataFormat !== "channelsLast") throw new Error("only NHWC is supported");
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    depthwise,
  );
}

/**
 * A conv or pool's geometry in the short names the kernels' loops use: batch B, input H×W×C,
 * output OH×OW×CO, filter FH×FW, strides SH/SW, dilations DH/DW, top and left padding pt/pl.
 */
export function windows(ci: ConvInfo) {
  return {
    B: ci.batchSize,
    H: ci.inHeight,
    W: ci.inWidth,
    C: ci.inChannels,
    OH: ci.outHeight,
    OW: ci.outWidth,
    CO: ci.outChannels,
    FH: ci.filterHeight,
    FW: ci.filterWidth,
    SH: ci.strideHeight,
    SW: ci.strideWidth,
    DH: ci.dilationHeight,
    DW: ci.dilationWidth,
    pt: ci.padInfo.top,
    pl: ci.padInfo.left,
  };
}

/**
 * A convolution's geometry in the order the SIMD module's conv kernels take it after their three
 * tensor offsets (convForward, convInputGrad, convFilterGrad in simd/kernels.wat): one place for
 * the fifteen positional arguments, so the three calls cannot drift from the module or each other.
 */
export type ConvGeometry = [
  B: number,
  inH: number,
  inW: number,
  C: number,
  outH: number,
  outW: number,
  CO: number,
  FH: number,
  FW: number,
  SH: number,
  SW: number,
  DH: number,
  DW: number,
  padTop: number,
  padLeft: number,
];

export function convGeometry(ci: ConvInfo): ConvGeometry {
  const { B, H, W, C, OH, OW, CO, FH, FW, SH, SW, DH, DW, pt, pl } = windows(ci);
  return [B, H, W, C, OH, OW, CO, FH, FW, SH, SW, DH, DW, pt, pl];
}

/**
 * Visits every (input pixel, filter tap, output pixel) triple of a convolution whose tap lies
 * inside the image: `xo` is the input pixel's offset (its first channel), `tap` = kh·FW + kw, `n`
 * the output pixel's index. Gradients that are sums over these taps are written on it.
 */
export function forEachTap(ci: ConvInfo, visit: (xo: number, tap: number, n: number) => void): void {
  const { B, H, W, C, OH, OW, FH, FW, SH, SW, DH, DW, pt, pl } = windows(ci);
  let n = 0;
  for (let b = 0; b < B; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++, n++) {
        for (let kh = 0; kh < FH; kh++) {
          const ih = oh * SH - pt + kh * DH;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < FW; kw++) {
            const iw = ow * SW - pl + kw * DW;
            if (iw < 0 || iw >= W) continue;
            visit(((b * H + ih) * W + iw) * C, kh * FW + kw, n);
          }
        }
      }
    }
  }
}
