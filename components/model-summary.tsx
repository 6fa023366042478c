import { formatFlops, type Summary } from "@/trainer/arch";
import { formatDuration } from "./ui";

const shape = (s: (number | null)[]) => `(${s.map((d) => (d === null ? "None" : d)).join(", ")})`;
const n = (x: number) => x.toLocaleString("en-US");

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
  return (
    <div>
      <div className="-mx-1 overflow-x-auto">
        <table className="min-w-full text-left text-xs">
          <caption className="sr-only">Model summary: layers, output shapes, parameters and FLOPs</caption>
          <thead className="border-b border-slate-300 text-xs text-slate-500">
            <tr>
              <th scope="col" className="px-1 py-1.5 font-medium">
                Layer (type)
              </th>
              <th scope="col" className="px-1 py-1.5 font-medium">
                Output shape
              </th>
              <th scope="col" className="px-1 py-1.5 text-right font-medium">
                Param #
              </th>
              <th scope="col" className="px-1 py-1.5 text-right font-medium">
                FLOPs
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 font-mono">
            {summary.rows.map((r) => (
              <tr key={r.name} className={highlightIndex === r.index ? "bg-rose-50" : undefined}>
                <td className="px-1 py-1">
                  {r.name} <span className="block text-xs text-slate-500">{r.className}</span>
                </td>
                <td className="px-1 py-1 whitespace-nowrap">{shape(r.outputShape)}</td>
                <td className="px-1 py-1 text-right tabular-nums">{n(r.params)}</td>
                <td className="px-1 py-1 text-right tabular-nums whitespace-nowrap text-slate-600">
                  {formatFlops(r.flops)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <dl className="mt-3 grid grid-cols-2 gap-x-4 gap-y-1 text-sm">
        <dt className="text-slate-500">Total params</dt>
        <dd className="font-mono font-semibold tabular-nums" data-testid="total-params">
          {n(summary.totalParams)}
        </dd>
        <dt className="text-slate-500">Trainable / non-trainable</dt>
        <dd className="font-mono tabular-nums">
          {n(summary.trainableParams)} / {n(summary.nonTrainableParams)}
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
