import type { ClassDetail, ClassSummary } from "@/lib/server/services/classes";
import type { LeaderboardRow } from "@/lib/server/services/leaderboard";
import type { ResultView, SubmissionView } from "@/lib/server/services/submissions";
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
    progress: t.expose("progress", { type: "JSON", nullable: true }),
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
