import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { expect, type Page, test } from "@playwright/test";
import { encode } from "fast-png";
import { fromGrayscaleBytes, preprocess } from "../components/model/preprocess";
import { createClass, joinClass, signUp as signUpAs } from "./helpers";

// Try it and See what it learned, in a real browser on a model a real worker trained and the
// platform stored: draw on the canvas and watch the probabilities move, upload a test-set trouser
// and see Trouser on top, then the model page's test images, filters and activation maps.

const unique = `${Date.now().toString(36)}t`;
const FIXTURE = join(import.meta.dirname, "../trainer/fixtures/fashion-mnist");
/** Like the other specs' screenshots; the README's copies in docs/screenshots are picked from here. */
const SCREENSHOTS = join(import.meta.dirname, "artifacts");

/** The course report's CNN (trainer/arch/presets.ts "report-cnn") as Keras JSON. */
const REPORT_CNN = {
  class_name: "Sequential",
  config: {
    name: "report_cnn",
    layers: [
      {
        class_name: "Conv2D",
        config: {
          filters: 64,
          kernel_size: [2, 2],
          padding: "same",
          activation: "relu",
          batch_input_shape: [null, 28, 28, 1],
        },
      },
      { class_name: "MaxPooling2D", config: { pool_size: [2, 2] } },
      { class_name: "Conv2D", config: { filters: 16, kernel_size: [2, 2], padding: "same", activation: "tanh" } },
      { class_name: "MaxPooling2D", config: { pool_size: [2, 2] } },
      { class_name: "Flatten", config: {} },
      { class_name: "Dense", config: { units: 128, activation: "relu" } },
      { class_name: "Dense", config: { units: 10, activation: "softmax" } },
    ],
  },
};

/** Test image `index` of the committed subset (IDX: 16-byte header, then 28×28 bytes per image). */
function fixtureImage(index: number): Uint8Array {
  const idx = gunzipSync(readFileSync(join(FIXTURE, "t10k-images-idx3-ubyte.gz")));
  return idx.subarray(16 + index * 784, 16 + (index + 1) * 784);
}

const probabilities = (page: Page) =>
  page
    .getByTestId("probabilities")
    .first()
    .locator("li")
    .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute("data-value"))));

/** A stroke from (x0, y0) to (x1, y1), in canvas pixels (the canvas is 280×280 on screen). */
async function stroke(page: Page, from: [number, number], to: [number, number]) {
  const box = (await page.getByTestId("drawing-canvas").boundingBox())!;
  await page.mouse.move(box.x + from[0], box.y + from[1]);
  await page.mouse.down();
  await page.mouse.move(box.x + to[0], box.y + to[1], { steps: 12 });
  await page.mouse.up();
}

test("a student draws, uploads a trouser and looks inside the trained model", async ({ browser }) => {
  test.setTimeout(240_000);
  const owner = await signUpAs(browser, "Tess Teacher", unique);
  const { classUrl, joinCode } = await createClass(owner, `Try it ${unique}`);
  const student = await signUpAs(browser, "Tom Tryer", unique);
  await joinClass(student, joinCode, classUrl);

  // The report CNN, a few epochs on the committed subset (seconds on the e2e worker).
  await student.getByRole("link", { name: "New submission" }).click();
  await student.getByRole("tab", { name: "Paste Keras JSON" }).click();
  await student.getByLabel("Architecture (Keras model JSON)").fill(JSON.stringify(REPORT_CNN));
  await expect(student.getByTestId("total-params")).toHaveText("106,202");
  await student.getByLabel("Submission name").fill("CNN to try");
  await student.getByLabel("Early stopping").uncheck();
  await student.getByLabel("Max epochs").fill("4");
  await student.getByRole("button", { name: "Submit for training" }).click();
  await expect(student).toHaveURL(/\/submissions\/\w+$/);
  const submissionUrl = student.url();
  await expect(student.getByRole("heading", { name: "Where it goes wrong" })).toBeVisible({ timeout: 150_000 });

  // Try it on the submission page: the model loads in the browser (wasm: headless Chromium's
  // WebGL is software-rendered), and an empty canvas asks for a drawing.
  const tryIt = student.getByRole("region", { name: "Try it" });
  await expect(tryIt.getByTestId("inference-info")).toHaveText(/Runs in your browser on wasm/, { timeout: 30_000 });
  await expect(tryIt.getByTestId("draw-something")).toBeVisible();
  expect(await probabilities(student)).toEqual(Array(10).fill(0));

  // A drawing: the probabilities appear, sum to 1, and change as the drawing grows.
  await stroke(student, [140, 40], [140, 240]);
  await expect(tryIt.getByTestId("draw-something")).toBeHidden();
  await expect.poll(async () => (await probabilities(student)).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
  const first = await probabilities(student);
  await stroke(student, [60, 60], [220, 60]);
  await stroke(student, [60, 60], [60, 230]);
  await stroke(student, [220, 60], [220, 230]);
  await expect.poll(async () => (await probabilities(student)).join()).not.toBe(first.join());
  await expect(tryIt.getByTestId("inference-info")).toHaveText(/\d+\.\d ms per prediction/);

  // A trouser the model got right (the gallery's Trouser → Trouser cell, public half), whose
  // preprocessing leaves it as it is, uploaded as a PNG: Trouser on top.
  await student.getByTestId("cm-cell-1-1").click();
  const gallery = student.getByTestId("gallery");
  await expect(gallery.getByRole("heading")).toHaveText("Trouser predicted correctly");
  await expect(gallery.getByRole("img").first()).toBeVisible();
  const sources = await gallery
    .getByRole("img")
    .evaluateAll((imgs) => imgs.map((img) => (img as HTMLImageElement).src));
  const trousers = sources.map((src) => Number(/test-images\/(\d+)/.exec(src)![1]));
  const index = trousers.find((i) => {
    const bytes = fixtureImage(i);
    const data = new Uint8ClampedArray(784 * 4).map((_, k) => (k % 4 === 3 ? 255 : bytes[k >> 2]!));
    const seen = preprocess({ width: 28, height: 28, data }).pixels;
    const original = fromGrayscaleBytes(bytes);
    return seen.every((v, k) => Math.abs(v - original[k]!) < 1e-6);
  });
  expect(index, `a trouser among ${trousers.join(", ")}`).toBeDefined();
  mkdirSync(SCREENSHOTS, { recursive: true });
  const png = join(SCREENSHOTS, `trouser-${index}.png`);
  writeFileSync(png, encode({ width: 28, height: 28, data: fixtureImage(index!), depth: 8, channels: 1 }));
  await tryIt.getByLabel("Upload a picture").setInputFiles(png);
  await expect(tryIt.getByTestId("probabilities")).toHaveAttribute("data-top", "Trouser");
  await expect(tryIt.getByText(`trouser-${index}.png`)).toBeVisible();
  await tryIt.screenshot({ path: join(SCREENSHOTS, "try-it.png") });

  // The same trouser as a "photo": dark on white paper, 8× larger, off-centre, dropped on the
  // pad. The page negates it, trims the paper, scales it back to 28 rows: Trouser again.
  const [width, height] = [360, 300];
  const photo = new Uint8Array(width * height).fill(250);
  const trouser = fixtureImage(index!);
  for (let y = 0; y < 224; y++) {
    for (let x = 0; x < 224; x++) photo[(y + 40) * width + x + 20] = 250 - trouser[(y >> 3) * 28 + (x >> 3)]!;
  }
  const photoPng = Buffer.from(encode({ width, height, data: photo, depth: 8, channels: 1 })).toString("base64");
  await student.getByTestId("drawing-canvas").evaluate((canvas, base64) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], "photo.png", { type: "image/png" }));
    canvas.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, photoPng);
  await expect(tryIt.getByText("photo.png, negated (its background was light)")).toBeVisible();
  await expect(tryIt.getByTestId("probabilities")).toHaveAttribute("data-top", "Trouser");

  // The model's own page: test images with true and predicted classes, the first convolution's
  // 64 filters, the activation maps of every spatial layer and the 128 hidden units.
  await tryIt.getByRole("link", { name: /Open the model page/ }).click();
  await expect(student).toHaveURL(`${submissionUrl}/model`);
  await expect(student.getByTestId("inference-info")).toHaveText(/Runs in your browser on wasm/, { timeout: 30_000 });
  await expect(student.getByTestId("filters")).toHaveAttribute("data-maps", "64");
  await expect(student.getByText("Draw something to see each layer's response.")).toBeVisible();
  await stroke(student, [70, 50], [210, 50]);
  await stroke(student, [70, 50], [70, 240]);
  await stroke(student, [210, 50], [210, 240]);
  const layers = student.getByTestId("activation-layer");
  // conv2d, max_pooling2d, conv2d, max_pooling2d (each with spatial output), then dense (hidden).
  await expect(layers).toHaveCount(5);
  await expect(student.locator('[data-testid="activation-layer"][data-kind="maps"]')).toHaveCount(4);
  await expect(student.getByTestId("penultimate-units")).toHaveAttribute("data-units", "128");
  await expect(layers.first().getByRole("img")).toHaveAttribute("data-maps", "64");

  await student.getByRole("button", { name: "Show random test images" }).click();
  const tried = student.getByTestId("test-image");
  await expect(tried).toHaveCount(8);
  await expect(student.getByText("From the public half of the test set.")).toBeVisible();
  const labels = await tried.evaluateAll((cards) => cards.map((c) => [c.dataset.true, c.dataset.predicted]));
  for (const [truth, predicted] of labels) {
    expect(truth).toBeTruthy();
    expect(predicted).toBeTruthy();
  }
  // One of them, looked inside: it becomes the input the activations are shown for.
  await tried
    .first()
    .getByRole("button", { name: /Try test image/ })
    .click();
  await expect(student.getByText(/^Test image #\d+ \(/)).toBeVisible();
  await student.screenshot({ path: join(SCREENSHOTS, "model-page.png"), fullPage: true });
  await student
    .getByRole("region", { name: "See what it learned" })
    .screenshot({ path: join(SCREENSHOTS, "what-it-learned.png") });
});
