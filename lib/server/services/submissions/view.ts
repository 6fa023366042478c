import "server-only";
import type { Prisma } from "@/generated/prisma/client";
import type { FailureKind, SubmissionStatus } from "@/generated/prisma/enums";
import type { ModelFormat } from "@/lib/model-formats";
import type { ClassMetrics } from "@/trainer/data";
import type { SubmissionCapabilities } from "../../access";

// What a submission looks like to a viewer, and the one select every read of it goes through;
// lib/server/redaction.ts turns rows into these views for the viewer's visibility.

export type ResultScope = "FULL_TEST_SET" | "PUBLIC_HALF";

export interface ResultView {
  /**
   * Which part of the test set `testAccuracy`, `confusionMatrix` and `perClass` describe. Students
   * see the public half until the grader reveals the private leaderboard: the full-set numbers
   * would give the private half's accuracy away.
   */
  scope: ResultScope;
  testAccuracy: number;
  /** Loss over the full test set; null while it would leak the private half. */
  testLoss: number | null;
  publicAccuracy: number | null;
  privateAccuracy: number | null;
  /** 10x10 counts over `scope`; null when the public half cannot be scored (no stored predictions). */
  confusionMatrix: number[][] | null;
  perClass: ClassMetrics[] | null;
  history: unknown;
  paramCount: number;
  epochs: number;
  backend: string;
  /** The GPU it trained on (webgpu: "vendor architecture (description)"); null on the CPU backends. */
  gpu: string | null;
  trainDurationMs: number;
  evalDurationMs: number;
  /** When the stored model was last scored (training, or a re-evaluation since). */
  evaluatedAt: Date;
  /** A re-evaluation is queued or running. */
  reevaluating: boolean;
  /** The stored trained model; null when there is none or the viewer may not use it. */
  model: ModelView | null;
}

export interface ModelView {
  sizeBytes: number;
  /** Content hash of the stored model (lower-case hex SHA-256). */
  sha256: string;
  /** The formats it downloads in (a layer ONNX can't express leaves ONNX out). */
  formats: ModelFormat[];
}

export interface SubmissionView {
  id: string;
  name: string;
  status: SubmissionStatus;
  failureReason: string | null;
  /** With FAILED: the model's fault or the platform's (neither counts against the quota). */
  failureKind: FailureKind | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  author: { id: string; name: string };
  classSlug: string;
  architecture: unknown;
  training: unknown;
  progress: unknown;
  attempts: number;
  cancelRequested: boolean;
  /** Its author marked it final: the private board ranks the author's best final submission. */
  isFinal: boolean;
  result: ResultView | null;
  /** What the viewer may do with it (pages show controls from this; services check again). */
  viewerCan: SubmissionCapabilities;
}

export const submissionSelect = {
  id: true,
  name: true,
  status: true,
  failureReason: true,
  failureKind: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
  architecture: true,
  training: true,
  progress: true,
  attempts: true,
  cancelRequestedAt: true,
  finalSelectedAt: true,
  classId: true,
  author: { select: { id: true, name: true } },
  class: { select: { slug: true, privateRevealed: true, showArchitectures: true, shareModels: true } },
  artifacts: { where: { kind: "MODEL" }, select: { sizeBytes: true, sha256: true, formats: true } },
  result: {
    select: {
      testAccuracy: true,
      testLoss: true,
      publicAccuracy: true,
      privateAccuracy: true,
      confusionMatrix: true,
      perClass: true,
      history: true,
      paramCount: true,
      epochs: true,
      backend: true,
      adapter: true,
      trainDurationMs: true,
      evalDurationMs: true,
      evaluatedAt: true,
      reevaluationRequestedAt: true,
    },
  },
} as const satisfies Prisma.SubmissionSelect;

export type SubmissionRow = Prisma.SubmissionGetPayload<{ select: typeof submissionSelect }>;
