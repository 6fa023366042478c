import type { ClassDetail, ClassSummary } from "@/lib/server/services/classes";
import type { LeaderboardRow } from "@/lib/server/services/leaderboard";
import type { Quota, ResultView, SubmissionView } from "@/lib/server/services/submissions";
import type { PublicUser } from "@/lib/server/services/users";
import { builder } from "./builder";

export const RoleEnum = builder.enumType("Role", { values: ["STUDENT", "GRADER", "OWNER"] as const });

export const SubmissionStatusEnum = builder.enumType("SubmissionStatus", {
  values: ["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"] as const,
});

export const UserType = builder.objectRef<PublicUser>("User").implement({
  description: "The signed-in user.",
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    email: t.exposeString("email"),
  }),
});

export const PersonType = builder.objectRef<{ id: string; name: string }>("Person").implement({
  description: "Another member of a class, as other members see them.",
  fields: (t) => ({ id: t.exposeID("id"), name: t.exposeString("name") }),
});

export const ClassType = builder.objectRef<ClassSummary & Partial<ClassDetail>>("Class").implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    slug: t.exposeString("slug"),
    myRole: t.field({ type: RoleEnum, resolve: (c) => c.role }),
    memberCount: t.exposeInt("memberCount"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    joinCode: t.string({
      nullable: true,
      description: "Only graders and owners see the join code.",
      resolve: (c) => c.joinCode ?? null,
    }),
    dailyQuota: t.int({ nullable: true, resolve: (c) => c.dailyQuota ?? null }),
    deadline: t.field({ type: "DateTime", nullable: true, resolve: (c) => c.deadline ?? null }),
    privateRevealed: t.boolean({ nullable: true, resolve: (c) => c.privateRevealed ?? null }),
  }),
});

export const ResultType = builder.objectRef<ResultView>("Result").implement({
  fields: (t) => ({
    testAccuracy: t.exposeFloat("testAccuracy"),
    testLoss: t.exposeFloat("testLoss"),
    publicAccuracy: t.exposeFloat("publicAccuracy", { nullable: true }),
    privateAccuracy: t.exposeFloat("privateAccuracy", { nullable: true }),
    confusionMatrix: t.field({
      type: t.listRef(t.listRef("Int")),
      description: "10x10 counts; rows are true classes, columns predicted classes.",
      resolve: (r) => r.confusionMatrix,
    }),
    history: t.expose("history", { type: "JSON" }),
    paramCount: t.exposeInt("paramCount"),
    epochs: t.exposeInt("epochs"),
    backend: t.exposeString("backend"),
    trainDurationMs: t.exposeInt("trainDurationMs"),
    evalDurationMs: t.exposeInt("evalDurationMs"),
  }),
});

interface EpochShape {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss: number | null;
  valAccuracy: number | null;
  samplesPerSec: number;
  durationMs: number;
}

export const EpochMetricsType = builder.objectRef<EpochShape>("EpochMetrics").implement({
  description: "One epoch of training, as Keras prints it.",
  fields: (t) => ({
    epoch: t.exposeInt("epoch"),
    loss: t.exposeFloat("loss"),
    accuracy: t.exposeFloat("accuracy"),
    valLoss: t.exposeFloat("valLoss", { nullable: true }),
    valAccuracy: t.exposeFloat("valAccuracy", { nullable: true }),
    samplesPerSec: t.exposeFloat("samplesPerSec"),
    durationMs: t.exposeFloat("durationMs"),
  }),
});

interface ProgressShape {
  phase?: string;
  epoch?: number;
  maxEpochs?: number | null;
  batch?: number;
  batches?: number;
  samplesPerSec?: number;
  etaMs?: number;
  loss?: number;
  history?: EpochShape[];
  updatedAt?: string;
  reason?: string;
}

export const ProgressType = builder.objectRef<ProgressShape>("TrainingProgress").implement({
  description: "Live progress, written by the worker at least once a second while training.",
  fields: (t) => ({
    phase: t.string({ resolve: (p) => p.phase ?? "starting" }),
    epoch: t.int({ nullable: true, resolve: (p) => p.epoch ?? null }),
    maxEpochs: t.int({ nullable: true, resolve: (p) => p.maxEpochs ?? null }),
    batch: t.int({ nullable: true, resolve: (p) => p.batch ?? null }),
    batches: t.int({ nullable: true, resolve: (p) => p.batches ?? null }),
    samplesPerSec: t.float({ nullable: true, resolve: (p) => p.samplesPerSec ?? null }),
    etaMs: t.float({ nullable: true, description: "Upper bound: remaining epochs up to maxEpochs.", resolve: (p) => p.etaMs ?? null }),
    loss: t.float({ nullable: true, resolve: (p) => p.loss ?? null }),
    history: t.field({ type: [EpochMetricsType], resolve: (p) => p.history ?? [] }),
    updatedAt: t.field({ type: "DateTime", nullable: true, resolve: (p) => (p.updatedAt ? new Date(p.updatedAt) : null) }),
  }),
});

export const QuotaType = builder.objectRef<Quota>("Quota").implement({
  description: "Today's submissions for one student in one class. Failed and cancelled runs don't count.",
  fields: (t) => ({
    limit: t.exposeInt("limit"),
    used: t.exposeInt("used"),
    remaining: t.exposeInt("remaining"),
    resetsAt: t.expose("resetsAt", { type: "DateTime" }),
    unlimited: t.exposeBoolean("unlimited", { description: "Graders are not limited." }),
  }),
});

export const SubmissionType = builder.objectRef<SubmissionView>("Submission").implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    status: t.field({ type: SubmissionStatusEnum, resolve: (s) => s.status }),
    failureReason: t.exposeString("failureReason", { nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    startedAt: t.expose("startedAt", { type: "DateTime", nullable: true }),
    finishedAt: t.expose("finishedAt", { type: "DateTime", nullable: true }),
    author: t.field({ type: PersonType, resolve: (s) => s.author }),
    classSlug: t.exposeString("classSlug"),
    architecture: t.expose("architecture", { type: "JSON" }),
    training: t.expose("training", { type: "JSON" }),
    progress: t.field({ type: ProgressType, nullable: true, resolve: (s) => (s.progress as ProgressShape | null) ?? null }),
    attempts: t.exposeInt("attempts", { description: "Training attempts started; more than one means a worker died." }),
    cancelRequested: t.exposeBoolean("cancelRequested"),
    result: t.field({ type: ResultType, nullable: true, resolve: (s) => s.result }),
  }),
});

export const LeaderboardRowType = builder.objectRef<LeaderboardRow>("LeaderboardRow").implement({
  fields: (t) => ({
    rank: t.exposeInt("rank"),
    submissionId: t.exposeID("submissionId"),
    submissionName: t.exposeString("submissionName"),
    student: t.field({ type: PersonType, resolve: (r) => r.student }),
    publicAccuracy: t.exposeFloat("publicAccuracy"),
    privateAccuracy: t.exposeFloat("privateAccuracy", {
      nullable: true,
      description: "Null for students until the grader reveals the private leaderboard.",
    }),
    paramCount: t.exposeInt("paramCount"),
    epochs: t.exposeInt("epochs"),
    trainDurationMs: t.exposeInt("trainDurationMs"),
    submittedAt: t.expose("submittedAt", { type: "DateTime" }),
  }),
});
