import Link from "next/link";

export default function NotFound() {
  return (
    <div className="mx-auto max-w-md py-16 text-center">
      <p className="text-sm font-semibold text-brand-600">404</p>
      <h1 className="mt-2 text-2xl font-bold tracking-tight">Nothing here</h1>
      <p className="mt-2 text-slate-600">The page or item you asked for does not exist.</p>
      <Link href="/" className="mt-6 inline-block font-semibold text-brand-600 hover:text-brand-700">
        Go home
      </Link>
    </div>
  );
}
