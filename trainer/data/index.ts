// The trainer's data layer for code outside it (the web server reads the test set through this):
// Fashion-MNIST's files and where they are, IDX parsing, the leaderboard's public/private split
// of the test set and the scoring metrics. No tfjs. The loader (loadFashionMnist) is the Node
// trainer's (`@/trainer`): it also locates the committed fixture relative to its own file, which
// a bundler would try to resolve as an asset.
export type { IdxArray } from "./idx";
export { parseIdx } from "./idx";
export { DEBIAN_DIR, FILES, findDataDir } from "./paths";
export type { ClassMetrics } from "./scoring";
export { accuracyOn, confusionMatrix, perClassMetrics, publicPrivateSplit } from "./scoring";
