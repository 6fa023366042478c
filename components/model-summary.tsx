import { formatFlops, type Summary } from "@/trainer/arch";
import { formatCount, formatDuration, TableHead } from "./ui";

const shape = (s: (number | null)[]) => `(${s.map((d) => (d === null ? "None" : d)).join(", ")})`;

const COLUMNS = [
  { label: "Layer (type)" },
  { label: "Output shape" },
  { label: "Param #", className: "text-right" },
  { label: "FLOPs", className: "text-right" },
];
// Graph models (branches, merges) also get Keras's "Connected to": each layer's inputs.
const GRAPH_COLUMNS = [...COLUMNS, { label: "Connected to" }];

/** Keras's `model.summary()` as a table (works in server and client components). */
export function ModelSummaryTable({
  summary,
  secondsPerEpoch,
  estimateBasis,
  highlightIndex,
}: {
  summary: Summary;
  secondsPerEpoch?: number | null;
  estimateBasis?: string;
  highlightIndex?: number | null;
}) {
  const graph = summary.rows.some((r) => r.connectedTo);
  return (
    <div>
      <div className="-mx-1 overflow-x-auto">
        <table className="min-w-full text-left text-xs">
          <caption className="sr-only">
            Model summary: layers, output shapes, parameters and FLOPs{graph ? ", and the layers each one takes" : ""}
          </caption>
          <TableHead
            columns={graph ? GRAPH_COLUMNS : COLUMNS}
            className="border-b border-slate-300 text-xs text-slate-500"
            cellClassName="px-1 py-1.5 font-medium"
          />
          <tbody className="divide-y divide-slate-100 font-mono">
            {summary.rows.map((r) => (
              <tr key={r.name} className={highlightIndex === r.index ? "bg-rose-50" : undefined}>
                <td className="px-1 py-1">
                  {r.name} <span className="block text-xs text-slate-500">{r.className}</span>
                </td>
                <td className="px-1 py-1 whitespace-nowrap">{shape(r.outputShape)}</td>
                <td className="px-1 py-1 text-right tabular-nums">{formatCount(r.params)}</td>
                <td className="px-1 py-1 text-right tabular-nums whitespace-nowrap text-slate-600">
                  {formatFlops(r.flops)}
                </td>
                {graph && (
                  <td className="px-1 py-1 text-slate-600" data-testid="connected-to">
                    {r.connectedTo?.length ? r.connectedTo.join(", ") : "-"}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <dl className="mt-3 grid grid-cols-2 gap-x-4 gap-y-1 text-sm">
        <dt className="text-slate-500">Total params</dt>
        <dd className="font-mono font-semibold tabular-nums" data-testid="total-params">
          {formatCount(summary.totalParams)}
        </dd>
        <dt className="text-slate-500">Trainable / non-trainable</dt>
        <dd className="font-mono tabular-nums">
          {formatCount(summary.trainableParams)} / {formatCount(summary.nonTrainableParams)}
        </dd>
        <dt className="text-slate-500">FLOPs per image (forward)</dt>
        <dd className="font-mono tabular-nums">{formatFlops(summary.flopsPerSample)}</dd>
        {secondsPerEpoch != null && (
          <>
            <dt className="text-slate-500">Estimated time per epoch</dt>
            <dd className="tabular-nums" title={estimateBasis}>
              ≈ {formatDuration(Math.round(secondsPerEpoch * 1000))}
              {estimateBasis && <span className="block text-xs text-slate-500">{estimateBasis}</span>}
            </dd>
          </>
        )}
      </dl>
    </div>
  );
}
