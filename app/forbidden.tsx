import Link from "next/link";

export default function Forbidden() {
  return (
    <div className="mx-auto max-w-md py-16 text-center">
      <p className="text-sm font-semibold text-brand-600">403</p>
      <h1 className="mt-2 text-2xl font-bold tracking-tight">You don&apos;t have access to this</h1>
      <p className="mt-2 text-slate-600">It belongs to a class you are not a member of, or to another student.</p>
      <Link href="/classes" className="mt-6 inline-block font-semibold text-brand-600 hover:text-brand-700">
        Back to my classes
      </Link>
    </div>
  );
}
