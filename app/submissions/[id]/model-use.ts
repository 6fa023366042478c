import type { SubmissionView } from "@/lib/server/services/submissions/view";

/**
 * Whether the submission pages offer the stored model to this viewer (Try it, the model page),
 * and why not. The decision itself is the view's `viewerCan` (access.ts); this only words it.
 */
export function modelUse(
  submission: SubmissionView,
): { available: true; testImages: boolean } | { available: false; reason: string } {
  const can = submission.viewerCan as SubmissionView["viewerCan"] & { useModel?: boolean };
  if (can.useModel) return { available: true, testImages: true };
  if (submission.status !== "SUCCEEDED")
    return { available: false, reason: "This submission has no trained model (yet)." };
  return { available: false, reason: "No trained model is stored for this submission, or you may not use it." };
}
