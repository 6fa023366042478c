// The ten Fashion-MNIST classes in label order (same as trainer/data/fashionMnist.ts, which reads
// files with node:fs and so cannot be imported into client components).
export const CLASS_NAMES = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
] as const;
