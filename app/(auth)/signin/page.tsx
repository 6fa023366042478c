import type { Metadata } from "next";
import { SignInForm } from "@/components/auth-forms";
import { Card } from "@/components/ui";
import { signInAction } from "../actions";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  return (
    <div className="mx-auto max-w-sm">
      <h1 className="mb-6 text-center text-2xl font-bold tracking-tight">Sign in to Catwalk</h1>
      <Card>
        <SignInForm action={signInAction} next={next} />
      </Card>
    </div>
  );
}
