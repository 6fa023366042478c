import { cx } from "../ui";

/**
 * The ten class probabilities as horizontal bars, in class order (bars stay put while one
 * draws; only their lengths move), the most likely class highlighted.
 */
export function ProbabilityChart({
  probabilities,
  classNames,
  dimmed = false,
}: {
  probabilities: number[] | null;
  classNames: readonly string[];
  dimmed?: boolean;
}) {
  const top = probabilities ? probabilities.indexOf(Math.max(...probabilities)) : -1;
  return (
    <ol
      aria-label="Class probabilities"
      data-testid="probabilities"
      data-top={top >= 0 ? classNames[top] : undefined}
      className={cx("space-y-1 text-sm", dimmed && "opacity-40")}
    >
      {classNames.map((name, i) => {
        const p = probabilities?.[i] ?? 0;
        const isTop = i === top;
        return (
          <li
            key={name}
            data-testid={`probability-${i}`}
            data-value={p.toFixed(6)}
            aria-current={isTop ? "true" : undefined}
            className="grid grid-cols-[7rem_minmax(0,1fr)_4rem] items-center gap-2"
          >
            <span className={cx("truncate", isTop ? "font-semibold text-slate-900" : "text-slate-600")}>{name}</span>
            <span className="h-3 overflow-hidden rounded-sm bg-slate-100" aria-hidden>
              <span
                className={cx(
                  "block h-full rounded-sm transition-[width] duration-75",
                  isTop ? "bg-brand-600" : "bg-slate-400",
                )}
                style={{ width: `${(p * 100).toFixed(2)}%` }}
              />
            </span>
            <span className={cx("text-right font-mono tabular-nums", isTop ? "font-semibold" : "text-slate-600")}>
              {(p * 100).toFixed(1)} %
            </span>
          </li>
        );
      })}
    </ol>
  );
}
