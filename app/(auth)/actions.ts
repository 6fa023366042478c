"use server";
import { headers } from "next/headers";
import { AuthError, CredentialsSignin } from "next-auth";
import { type RateLimitedSignIn, signIn, signOut } from "@/lib/auth";
import { type FormState, formStateFromError, formValues } from "@/lib/server/action-state";
import { clientIp } from "@/lib/server/client-address";
import { registerUser } from "@/lib/server/services/users";

function safeNext(value: FormDataEntryValue | null): string {
  // Only same-site paths: an open redirect after sign-in is a phishing aid.
  return typeof value === "string" && value.startsWith("/") && !value.startsWith("//") ? value : "/classes";
}

export async function signInAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const values = formValues(formData, ["email"]);
  try {
    await signIn("credentials", {
      email: formData.get("email"),
      password: formData.get("password"),
      redirectTo: safeNext(formData.get("next")),
    });
  } catch (error) {
    // signIn throws Next's redirect on success: only Auth.js errors are failures.
    if (error instanceof CredentialsSignin && error.code === "rate_limited") {
      return { error: (error as RateLimitedSignIn).userMessage, values };
    }
    if (error instanceof AuthError) return { error: "Wrong email or password.", values };
    throw error;
  }
  return { values };
}

export async function signUpAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const values = formValues(formData, ["email", "name"]);
  try {
    await registerUser(
      { email: values.email, name: values.name, password: formData.get("password") },
      { ip: clientIp(await headers()) },
    );
  } catch (error) {
    return formStateFromError(error, values);
  }
  await signIn("credentials", {
    email: values.email,
    password: formData.get("password"),
    redirectTo: safeNext(formData.get("next")),
  });
  return { values };
}

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/" });
}
