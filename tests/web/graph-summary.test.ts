// The summary table a student sees after pasting a Functional graph (submit page, JSON tab):
// Keras's "Connected to" column, rendered by the real component; chains keep their four columns.
import { readFileSync } from "node:fs";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { fromNormalized } from "@/components/builder/model";
import { ModelSummaryTable } from "@/components/model-summary";
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
