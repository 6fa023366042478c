import { cx } from "../ui";

/** One column head per compared run, the base marked: the compare tables' shared header cells. */
export function RunColumnHeads({
  names,
  baseIndex,
  numeric = false,
}: {
  names: string[];
  baseIndex: number;
  /** Right-aligned, over columns of numbers. */
  numeric?: boolean;
}) {
  return names.map((name, i) => (
    <th
      key={name}
      scope="col"
      className={cx("px-3 py-2 font-medium", numeric && "text-right", i === names.length - 1 && "pr-5 sm:pr-6")}
    >
      {name}
      {i === baseIndex && <span className="ml-1 normal-case text-slate-400">(base)</span>}
    </th>
  ));
}
