// The layer classes Catwalk trains, by family, with Keras's aliases for them and the ones it
// knows but can't train. Pure TypeScript: shared by the trainer and the browser's layer builder.
import { ACTIVATION_LAYERS } from "./activations";
import { CONVOLUTION_LAYERS } from "./convolution";
import { CORE_LAYERS } from "./core";
import { MERGING_LAYERS } from "./merging";
import { NORMALIZATION_LAYERS } from "./normalization";
import { POOLING_LAYERS } from "./pooling";
import { RESHAPING_LAYERS } from "./reshaping";
import type { LayerSpec } from "./types";

export { ACTIVATIONS } from "./activations";
export { MERGE_CLASSES } from "./merging";

export const LAYERS: Record<string, LayerSpec> = {
  ...CORE_LAYERS,
  ...CONVOLUTION_LAYERS,
  ...POOLING_LAYERS,
  ...RESHAPING_LAYERS,
  ...ACTIVATION_LAYERS,
  ...NORMALIZATION_LAYERS,
  ...MERGING_LAYERS,
};

/** Keras spellings that mean the same class (old Keras 2 aliases). */
export const CLASS_ALIASES: Record<string, string> = {
  Convolution1D: "Conv1D",
  Convolution2D: "Conv2D",
  Conv2DTranspose: "Conv2DTranspose",
  Deconvolution2D: "Conv2DTranspose",
  SeparableConvolution2D: "SeparableConv2D",
  MaxPool1D: "MaxPooling1D",
  MaxPool2D: "MaxPooling2D",
  AvgPool1D: "AveragePooling1D",
  AvgPool2D: "AveragePooling2D",
  GlobalAvgPool1D: "GlobalAveragePooling1D",
  GlobalAvgPool2D: "GlobalAveragePooling2D",
  GlobalMaxPool1D: "GlobalMaxPooling1D",
  GlobalMaxPool2D: "GlobalMaxPooling2D",
};

export const SUPPORTED_LAYERS = Object.keys(LAYERS).sort();

/** Layers Keras has but tfjs-layers does not, with the reason said to the student. */
export const KNOWN_UNSUPPORTED: Record<string, string> = {
  Lambda: "Lambda layers hold Python code, which cannot run outside Python",
  SpatialDropout2D: "tfjs-layers has no SpatialDropout2D; use Dropout",
  GroupNormalization: "tfjs-layers has no GroupNormalization; use BatchNormalization or LayerNormalization",
  RandomFlip: "preprocessing/augmentation layers are not supported",
  RandomRotation: "preprocessing/augmentation layers are not supported",
  Rescaling: "pixels are already scaled to [0, 1]; remove the Rescaling layer",
  // tf.keras 2 writes a TensorFlow op applied to Keras tensors (`x + y`, `tf.concat`) as these.
  TFOpLambda:
    "it is a TensorFlow op applied directly (x + y, tf.concat…): use the Keras layers Add, Concatenate… instead",
  SlicingOpLambda: "it is a tensor slice (x[:, 1:]), which has no layer here: use Cropping2D or Reshape",
  Dot: "Dot is not supported yet: use Multiply (then a Dense layer to sum)",
};
