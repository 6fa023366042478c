import type { Metadata } from "next";
import { SignInForm } from "@/components/auth-forms";
import { Card } from "@/components/ui";
import { signInAction } from "../actions";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ next?: string; signedOut?: string }>;
}) {
  const { next, signedOut } = await searchParams;
  return (
    <div className="mx-auto max-w-sm">
      <h1 className="mb-6 text-center text-2xl font-bold tracking-tight">Sign in to Catwalk</h1>
      {signedOut === "everywhere" && (
        <p
          role="status"
          className="mb-4 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800 ring-1 ring-emerald-200"
        >
          You are signed out on every browser.
        </p>
      )}
      <Card>
        <SignInForm action={signInAction} next={next} />
      </Card>
    </div>
  );
}
