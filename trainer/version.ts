/**
 * The trainer's version, written into every saved model's metadata. Bump it when training
 * semantics or the saved model's layout change, so a stored model says which trainer made it.
 */
export const TRAINER_VERSION = "0.2.0";
