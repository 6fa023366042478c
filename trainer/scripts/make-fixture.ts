// Rebuilds trainer/fixtures/fashion-mnist from the official files: the first 2,000 training and
// first 1,000 test images (the official files are already shuffled, so the head is class-mixed).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { FIXTURE_DIR, loadFashionMnist } from "../data/fashionMnist";
import { encodeIdx } from "../data/idx";
import { FILES } from "../data/paths";

const data = await loadFashionMnist({ subset: { train: 2000, test: 1000 } });
mkdirSync(FIXTURE_DIR, { recursive: true });
const write = (name: string, shape: number[], bytes: Uint8Array) =>
  writeFileSync(join(FIXTURE_DIR, name), gzipSync(encodeIdx(shape, bytes), { level: 9 }));
write(FILES.trainImages, [data.train.count, 28, 28], data.train.images);
write(FILES.trainLabels, [data.train.count], data.train.labels);
write(FILES.testImages, [data.test.count, 28, 28], data.test.images);
write(FILES.testLabels, [data.test.count], data.test.labels);
console.log(`fixture from ${data.source}: ${data.train.count} train, ${data.test.count} test → ${FIXTURE_DIR}`);
