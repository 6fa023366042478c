import type { DiffLayer, LayerDiffKind, LayerDiffRow } from "@/lib/compare/diff";
import { shapeText, valueText } from "@/lib/compare/diff";
import { formatFlops } from "@/trainer/arch";
import { cx, formatCount } from "../ui";

// The layer-by-layer diff of one submission against the base: aligned rows, each saying in words
// what it is (same, changed, added, removed), the changed fields marked on both sides and listed
// with both values.

const KIND: Record<LayerDiffKind, { label: string; symbol: string; row: string }> = {
  same: { label: "same", symbol: "=", row: "" },
  changed: { label: "changed", symbol: "≠", row: "bg-amber-50" },
  added: { label: "added", symbol: "+", row: "bg-sky-50" },
  removed: { label: "removed", symbol: "−", row: "bg-orange-50" },
};

function Layer({ layer, changed }: { layer: DiffLayer | null; changed: Set<string> }) {
  if (!layer) return <span className="text-slate-400">—</span>;
  const fields = Object.entries(layer.config);
  const mark = (field: string) => changed.has(field) && "rounded bg-amber-200 px-0.5 font-semibold text-slate-900";
  return (
    <div>
      <div className="font-mono font-medium">{layer.className}</div>
      {fields.length > 0 && (
        <div className="mt-0.5 flex flex-wrap gap-x-2 font-mono text-xs text-slate-600">
          {fields.map(([k, v]) => (
            <span key={k} className={cx(mark(k))}>
              {k}: {valueText(v)}
              {changed.has(k) && <span className="sr-only"> (changed)</span>}
            </span>
          ))}
        </div>
      )}
      <div className="mt-0.5 flex flex-wrap gap-x-2 font-mono text-xs text-slate-500">
        <span className={cx(mark("output shape"))}>{shapeText(layer.outputShape)}</span>
        <span className={cx(mark("params"))}>{formatCount(layer.params)} params</span>
        <span className={cx(mark("FLOPs"))}>{formatFlops(layer.flops)}</span>
      </div>
    </div>
  );
}

const changeValue = (field: string, value: string | null) => {
  if (value === null) return "default";
  if (field === "params") return formatCount(Number(value));
  if (field === "FLOPs") return formatFlops(Number(value));
  return value;
};

export function ArchitectureDiff({
  rows,
  baseName,
  otherName,
  testId,
}: {
  rows: LayerDiffRow[];
  baseName: string;
  otherName: string;
  testId: string;
}) {
  const counts = rows.reduce<Record<LayerDiffKind, number>>(
    (acc, r) => {
      acc[r.kind] += 1;
      return acc;
    },
    { same: 0, changed: 0, added: 0, removed: 0 },
  );
  return (
    <div>
      <p className="mb-2 text-xs text-slate-600" data-testid={`${testId}-summary`}>
        {counts.changed} changed, {counts.added} added, {counts.removed} removed, {counts.same} the same.
      </p>
      <div className="relative -mx-5 overflow-x-auto sm:-mx-6">
        <table className="min-w-full text-left text-sm" data-testid={testId}>
          <caption className="sr-only">
            Layers of {otherName} against {baseName}, aligned; changed fields are marked and listed with both values.
          </caption>
          <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th scope="col" className="py-2 pl-5 pr-2 font-medium sm:pl-6">
                Row
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                {baseName}
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                {otherName}
              </th>
              <th scope="col" className="py-2 pl-3 pr-5 font-medium sm:pr-6">
                What changed
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((row, i) => {
              const changed = new Set(row.changes.map((c) => c.field));
              const kind = KIND[row.kind];
              return (
                // biome-ignore lint/suspicious/noArrayIndexKey: rows are positions in one fixed alignment
                <tr key={i} className={kind.row} data-testid="layer-diff-row" data-kind={row.kind}>
                  <th scope="row" className="whitespace-nowrap py-2 pl-5 pr-2 align-top font-normal sm:pl-6">
                    <span aria-hidden className="mr-1 font-mono font-bold">
                      {kind.symbol}
                    </span>
                    {kind.label}
                  </th>
                  <td className="px-3 py-2 align-top">
                    <Layer layer={row.base} changed={changed} />
                  </td>
                  <td className="px-3 py-2 align-top">
                    <Layer layer={row.other} changed={changed} />
                  </td>
                  <td className="py-2 pl-3 pr-5 align-top sm:pr-6">
                    {row.changes.length > 0 ? (
                      <ul className="space-y-0.5 text-xs">
                        {row.changes.map((c) => (
                          <li key={c.field} data-testid="layer-change" className="font-mono">
                            <span className="font-sans font-medium">{c.field}</span>{" "}
                            <span className="rounded bg-slate-100 px-1">{changeValue(c.field, c.before)}</span>
                            <span aria-hidden> → </span>
                            <span className="sr-only"> changed to </span>
                            <span className="rounded bg-amber-200 px-1 font-semibold">
                              {changeValue(c.field, c.after)}
                            </span>
                          </li>
                        ))}
                      </ul>
                    ) : row.kind === "added" ? (
                      <span className="text-xs text-slate-600">only in {otherName}</span>
                    ) : row.kind === "removed" ? (
                      <span className="text-xs text-slate-600">only in {baseName}</span>
                    ) : (
                      <span className="text-xs text-slate-400">nothing</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
