import Link from "next/link";
import { layoutUser } from "@/lib/server/page";

const references = [
  { name: "One hidden layer", detail: "512 sigmoid units", accuracy: "73.56 %" },
  { name: "MLP", detail: "128 tanh → 64 sigmoid · 109,386 params", accuracy: "88.07 %" },
  { name: "Small CNN", detail: "Conv 64 → Pool → Conv 16 → Pool → Dense 128 · 106,202 params", accuracy: "91.24 %" },
];

export default async function HomePage() {
  // The server-side session, not just the cookie: a signed-out-everywhere cookie is nobody.
  const user = await layoutUser();
  return (
    <div className="mx-auto max-w-3xl py-8">
      <h1 className="text-4xl font-bold tracking-tight text-slate-900 sm:text-5xl">
        Train a network. <span className="text-brand-600">Climb the board.</span>
      </h1>
      <p className="mt-4 text-lg text-slate-600">
        Catwalk trains your Fashion-MNIST models on 60,000 images, scores them on the 10,000 held-out test images, and
        ranks them on your class leaderboard — with learning curves and the confusion matrix for every run.
      </p>
      <div className="mt-8 flex flex-wrap gap-3">
        {user ? (
          <Link
            href="/classes"
            className="rounded-md bg-brand-600 px-4 py-2.5 font-semibold text-white hover:bg-brand-700"
          >
            Go to my classes
          </Link>
        ) : (
          <>
            <Link
              href="/signup"
              className="rounded-md bg-brand-600 px-4 py-2.5 font-semibold text-white hover:bg-brand-700"
            >
              Create an account
            </Link>
            <Link
              href="/signin"
              className="rounded-md px-4 py-2.5 font-semibold text-slate-700 ring-1 ring-slate-300 hover:bg-white"
            >
              Sign in
            </Link>
          </>
        )}
      </div>
      <h2 className="mt-12 text-sm font-semibold uppercase tracking-wide text-slate-500">Reference models to beat</h2>
      <ul className="mt-3 divide-y divide-slate-200 rounded-xl bg-white ring-1 ring-slate-200">
        {references.map((r) => (
          <li key={r.name} className="flex items-center justify-between gap-4 px-4 py-3">
            <div>
              <p className="font-medium">{r.name}</p>
              <p className="text-sm text-slate-500">{r.detail}</p>
            </div>
            <p className="font-mono text-lg font-semibold tabular-nums">{r.accuracy}</p>
          </li>
        ))}
      </ul>
    </div>
  );
}
