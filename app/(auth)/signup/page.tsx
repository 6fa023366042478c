import type { Metadata } from "next";
import { SignUpForm } from "@/components/auth-forms";
import { Card } from "@/components/ui";
import { signUpAction } from "../actions";

export const metadata: Metadata = { title: "Sign up" };

export default async function SignUpPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  return (
    <div className="mx-auto max-w-sm">
      <h1 className="mb-6 text-center text-2xl font-bold tracking-tight">Create your account</h1>
      <Card>
        <SignUpForm action={signUpAction} next={next} />
      </Card>
    </div>
  );
}
