// The architectures the queue and fault tests submit, in the trainer's builder format. Their
// speeds are what the tests rely on, measured on the committed subset (1,800 training images):
// TINY trains an epoch in about a tenth of a second; SLOW takes about half a second an epoch,
// long enough to be caught, stopped or restarted under mid-training.

/** Flatten → Dense 10 softmax (7,850 parameters). */
export const TINY = {
  layers: [
    { type: "Flatten", inputShape: [28, 28, 1] },
    { type: "Dense", units: 10, activation: "softmax" },
  ],
};

/** One epoch of TINY, in large batches: a run that is over in well under a second. */
export const TINY_TRAINING = { maxEpochs: 1, batchSize: 128, earlyStopping: null };

/** Flatten → Dense 512 relu → Dense 512 relu → Dense 10 softmax (669,706 parameters). */
export const SLOW = {
  layers: [
    { type: "Flatten", inputShape: [28, 28, 1] },
    { type: "Dense", units: 512, activation: "relu" },
    { type: "Dense", units: 512, activation: "relu" },
    { type: "Dense", units: 10, activation: "softmax" },
  ],
};
