// The summary table a student sees after pasting a Functional graph (submit page, JSON tab):
// Keras's "Connected to" column, rendered by the real component; chains keep their four columns.
import { readFileSync } from "node:fs";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { fromNormalized, newLayer, rowFor, toBuilderModel } from "@/components/builder/model";
import { ModelSummaryTable } from "@/components/model-summary";
import { ModelDownloads } from "@/components/submission/model-downloads";
import { getPreset, parseArchitecture, summarize } from "@/trainer/arch";

const pasted = readFileSync(new URL("../../trainer/test/keras/keras3-residual.json", import.meta.url), "utf8");
const text = (html: string) => html.replace(/<[^>]+>/g, "|").replace(/\|+/g, "|");

describe("a pasted graph model's summary", () => {
  it("shows Keras's Connected to column, the InputLayer and the merge's two inputs", () => {
    const r = parseArchitecture(pasted);
    if (!r.ok) throw new Error(r.errors[0].message);
    const html = renderToStaticMarkup(createElement(ModelSummaryTable, { summary: summarize(r.model) }));
    const t = text(html);
    expect(t).toContain("|Connected to|");
    expect(t).toContain("|conv2d[0][0], conv2d_1[0][0]|");
    expect(t).toMatch(/\|input_layer \|InputLayer\|\(None, 28, 28, 1\)\|0\|[^|]*\|-\|/);
    expect(t).toContain("33,850");
    // A graph can't be edited as a list of layers: it stays in the JSON tab.
    expect(fromNormalized(r.model)).toBeNull();
  });

  it("leaves a chain's table as it was (no Connected to)", () => {
    const r = parseArchitecture(getPreset("report-cnn")!.architecture);
    if (!r.ok) throw new Error(r.errors[0].message);
    const html = renderToStaticMarkup(createElement(ModelSummaryTable, { summary: summarize(r.model) }));
    expect(html).not.toContain("Connected to");
    expect(html).not.toContain("InputLayer");
  });
});

describe("the builder's blocks", () => {
  it("a residual and a branch-and-concatenate block: one row each, with all their layers' parameters", () => {
    const conv = newLayer("Conv2D");
    conv.values = { filters: "8", kernelSize: "3", strides: "1", padding: "same", activation: "relu" };
    const residual = newLayer("ResidualBlock");
    residual.values.filters = "8";
    const branches = newLayer("BranchConcatBlock");
    branches.values.filters = "4";
    const items = [conv, residual, branches, newLayer("Flatten"), newLayer("Dense")];
    items[4].values = { units: "10", activation: "softmax" };
    const r = parseArchitecture(toBuilderModel(items, [28, 28, 1]));
    if (!r.ok) throw new Error(r.errors[0].message);
    const s = summarize(r.model);
    // By hand: residual 2·(3·3·8·8+8); branches 1·1·8·4+4 + 3·3·8·4+4 → 4+4+8 = 16 channels.
    expect(rowFor(s, 1)).toMatchObject({ className: "Activation", outputShape: [null, 28, 28, 8], params: 1_168 });
    expect(rowFor(s, 2)).toMatchObject({ className: "Concatenate", outputShape: [null, 28, 28, 16], params: 36 + 292 });
    expect(rowFor(s, 4)).toMatchObject({ className: "Dense", params: 28 * 28 * 16 * 10 + 10 });
    // The rendered summary shows the expanded graph with its wiring.
    const html = renderToStaticMarkup(createElement(ModelSummaryTable, { summary: s }));
    expect(text(html)).toContain("|Connected to|");
    expect(text(html)).toContain("|conv2d_3[0][0], conv2d_4[0][0], max_pooling2d[0][0]|");
  });
});

describe("the downloads of a graph model", () => {
  it("say why Keras and ONNX are missing when only TensorFlow.js is offered", () => {
    const render = (formats: ("tfjs" | "keras" | "onnx")[]) =>
      text(
        renderToStaticMarkup(
          createElement(ModelDownloads, {
            submissionId: "s1",
            name: "residual",
            model: { sizeBytes: 1000, sha256: "0".repeat(64), formats },
          }),
        ),
      );
    expect(render(["tfjs"])).toMatch(/Keras and ONNX are not offered: .*a graph model with branches and merges/);
    expect(render(["tfjs", "keras"])).toMatch(/ONNX is not offered/);
    expect(render(["tfjs", "keras", "onnx"])).not.toMatch(/not offered/);
  });
});
