import { Role, SubmissionStatus, TokenScope } from "@/generated/prisma/enums";
import "server-only";
import type { DiffLayer, FieldChange, LayerDiffRow, TrainingFieldRow } from "@/lib/compare/diff";
import { modelDownloadUrl } from "@/lib/model-formats";
import type { EpochRecord, TrainingProgress } from "@/lib/progress";
import { type AnalyticsDay, analyticsByDay } from "@/lib/server/services/analytics/by-day";
import {
  analyticsConfusedPairs,
  type ConfusedPair,
  type ConfusedPairs,
} from "@/lib/server/services/analytics/confused-pairs";
import type { ClassAnalytics } from "@/lib/server/services/analytics/open";
import { analyticsParetoFront } from "@/lib/server/services/analytics/pareto-front";
import { type AnalyticsPoint, analyticsPoints } from "@/lib/server/services/analytics/points";
import type { ClassDetail, ClassSummary } from "@/lib/server/services/classes";
import type { ComparedSubmission, Comparison, ComparisonPair } from "@/lib/server/services/compare/compare-submissions";
import type { PredictionExamples } from "@/lib/server/services/grading/prediction-examples";
import type { RemovedMember } from "@/lib/server/services/grading/removed-members";
import type { RosterMember } from "@/lib/server/services/grading/roster";
import type { SubmissionPage } from "@/lib/server/services/grading/search-submissions";
import type { LeaderboardRow } from "@/lib/server/services/leaderboard";
import type { Notice, NoticeList } from "@/lib/server/services/notices/list-notices";
import { queueEntryOf, queueForRequest } from "@/lib/server/services/queue";
import type { Quota } from "@/lib/server/services/submissions/quota";
import type { ModelView, ResultView, SubmissionView } from "@/lib/server/services/submissions/view";
import type { CreatedToken, TokenSummary } from "@/lib/server/services/tokens";
import type { Trainer } from "@/lib/server/services/trainers";
import type { PublicUser } from "@/lib/server/services/users";
import type { ClassMetrics } from "@/trainer/data";
import { builder } from "./builder";

export const RoleEnum = builder.enumType("Role", { values: Object.values(Role) });

export const SubmissionStatusEnum = builder.enumType("SubmissionStatus", { values: Object.values(SubmissionStatus) });

export const UserType = builder.objectRef<PublicUser>("User").implement({
  description: "The signed-in user.",
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    email: t.exposeString("email"),
  }),
});

const PersonType = builder.objectRef<{ id: string; name: string }>("Person").implement({
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
    joinCodeExpiresAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "When the join code stops admitting new members; null if never (or not a grader).",
      resolve: (c) => c.joinCodeExpiresAt ?? null,
    }),
    dailyQuota: t.int({ nullable: true, resolve: (c) => c.dailyQuota ?? null }),
    finalSelectionsMax: t.int({
      nullable: true,
      description:
        "How many succeeded submissions each student may mark final before the deadline; the private board ranks each student's best final one, or their best overall when none is marked.",
      resolve: (c) => c.finalSelectionsMax ?? null,
    }),
    deadline: t.field({ type: "DateTime", nullable: true, resolve: (c) => c.deadline ?? null }),
    privateRevealed: t.boolean({ nullable: true, resolve: (c) => c.privateRevealed ?? null }),
    showArchitectures: t.boolean({
      nullable: true,
      description: "Whether students see other students' architectures on the leaderboard.",
      resolve: (c) => c.showArchitectures ?? null,
    }),
    shareModels: t.boolean({
      nullable: true,
      description: "Whether students may download and try other students' trained models.",
      resolve: (c) => c.shareModels ?? null,
    }),
  }),
});

const EpochMetricsType = builder.objectRef<EpochRecord>("EpochMetrics").implement({
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

const ResultScopeEnum = builder.enumType("ResultScope", {
  description: "The part of the 10k test set a result's metrics describe.",
  values: {
    FULL_TEST_SET: { description: "All test images (graders; everyone once the private leaderboard is revealed)." },
    PUBLIC_HALF: { description: "The public half only (students, until the grader reveals the private half)." },
  } as const,
});

const ClassMetricsType = builder.objectRef<ClassMetrics>("ClassMetrics").implement({
  description: "Precision, recall and F1 of one Fashion-MNIST class (index = label).",
  fields: (t) => ({
    precision: t.exposeFloat("precision"),
    recall: t.exposeFloat("recall"),
    f1: t.exposeFloat("f1"),
    support: t.exposeInt("support", { description: "Test images of this class in the scope." }),
  }),
});

const ModelFormatEnum = builder.enumType("ModelFormat", {
  description: "A download format of a trained model.",
  values: {
    TFJS: {
      value: "tfjs",
      description: "TensorFlow.js layers model: model.json, weights.bin and metadata.json, zipped.",
    },
    KERAS: { value: "keras", description: "Keras 3 `.keras` file (keras.saving.load_model)." },
    ONNX: { value: "onnx", description: "ONNX (opset 13 or later), NHWC input [N, 28, 28, 1]." },
  } as const,
});

const TrainedModelType = builder.objectRef<ModelView & { submissionId: string }>("TrainedModel").implement({
  description:
    "A submission's stored trained model: input 28×28×1 pixels scaled by 1/255, output 10 class probabilities.",
  fields: (t) => ({
    sizeBytes: t.exposeInt("sizeBytes", { description: "Size of the stored model (the tfjs zip)." }),
    sha256: t.exposeString("sha256", { description: "SHA-256 of the stored model, lower-case hex." }),
    formats: t.field({
      type: [ModelFormatEnum],
      description: "Formats it downloads in (ONNX is left out when a layer has no ONNX equivalent).",
      resolve: (m) => m.formats,
    }),
    downloadUrl: t.string({
      nullable: true,
      description:
        "Path of the download on this server (send the same cookie or Bearer token); null for a format it can't be exported to.",
      args: { format: t.arg({ type: ModelFormatEnum, required: true }) },
      resolve: (m, { format }) => (m.formats.includes(format) ? modelDownloadUrl(m.submissionId, format) : null),
    }),
  }),
});

const ResultType = builder.objectRef<ResultView & { submissionId: string }>("Result").implement({
  fields: (t) => ({
    scope: t.field({ type: ResultScopeEnum, resolve: (r) => r.scope }),
    testAccuracy: t.exposeFloat("testAccuracy", { description: "Accuracy on `scope`." }),
    testLoss: t.exposeFloat("testLoss", {
      nullable: true,
      description: "Full-test-set loss; null while the private half is hidden from you.",
    }),
    publicAccuracy: t.exposeFloat("publicAccuracy", { nullable: true }),
    privateAccuracy: t.exposeFloat("privateAccuracy", {
      nullable: true,
      description: "Null for students until the grader reveals it.",
    }),
    confusionMatrix: t.field({
      type: t.listRef(t.listRef("Int")),
      nullable: true,
      description: "10x10 counts over `scope`; rows are true classes, columns predicted classes.",
      resolve: (r) => r.confusionMatrix,
    }),
    perClass: t.field({
      type: [ClassMetricsType],
      nullable: true,
      description: "Per-class metrics over `scope`, indexed by label.",
      resolve: (r) => r.perClass,
    }),
    history: t.expose("history", { type: "JSON" }),
    epochHistory: t.field({
      type: [EpochMetricsType],
      description: "Per-epoch training and validation metrics (no test data).",
      resolve: (r) => (Array.isArray(r.history) ? (r.history as EpochRecord[]) : []),
    }),
    paramCount: t.exposeInt("paramCount"),
    epochs: t.exposeInt("epochs"),
    backend: t.exposeString("backend"),
    gpu: t.exposeString("gpu", {
      nullable: true,
      description:
        'The GPU it trained on (webgpu backend), e.g. "nvidia hopper (NVIDIA H200)"; null on the CPU backends.',
    }),
    trainDurationMs: t.exposeInt("trainDurationMs"),
    evalDurationMs: t.exposeInt("evalDurationMs"),
    evaluatedAt: t.expose("evaluatedAt", {
      type: "DateTime",
      description: "When the stored model was last scored (training, or a re-evaluation since).",
    }),
    reevaluating: t.exposeBoolean("reevaluating", { description: "A re-evaluation is queued or running." }),
    model: t.field({
      type: TrainedModelType,
      nullable: true,
      description:
        "The stored trained model; null when none is stored or you may not use it (another student's, unless the class shares trained models).",
      resolve: (r) => (r.model ? { ...r.model, submissionId: r.submissionId } : null),
    }),
  }),
});

const ProgressType = builder.objectRef<TrainingProgress>("TrainingProgress").implement({
  description: "Live progress, written by the worker at least once a second while training.",
  fields: (t) => ({
    phase: t.string({ resolve: (p) => p.phase ?? "starting" }),
    epoch: t.int({ nullable: true, resolve: (p) => p.epoch ?? null }),
    maxEpochs: t.int({ nullable: true, resolve: (p) => p.maxEpochs ?? null }),
    batch: t.int({ nullable: true, resolve: (p) => p.batch ?? null }),
    batches: t.int({ nullable: true, resolve: (p) => p.batches ?? null }),
    samplesPerSec: t.float({ nullable: true, resolve: (p) => p.samplesPerSec ?? null }),
    etaMs: t.float({
      nullable: true,
      description: "Upper bound: remaining epochs up to maxEpochs.",
      resolve: (p) => p.etaMs ?? null,
    }),
    loss: t.float({ nullable: true, resolve: (p) => p.loss ?? null }),
    history: t.field({ type: [EpochMetricsType], resolve: (p) => p.history ?? [] }),
    updatedAt: t.field({
      type: "DateTime",
      nullable: true,
      resolve: (p) => (p.updatedAt ? new Date(p.updatedAt) : null),
    }),
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
    progress: t.field({
      type: ProgressType,
      nullable: true,
      resolve: (s) => (s.progress as TrainingProgress | null) ?? null,
    }),
    attempts: t.exposeInt("attempts", { description: "Training attempts started; more than one means a worker died." }),
    cancelRequested: t.exposeBoolean("cancelRequested"),
    isFinal: t.exposeBoolean("isFinal", {
      description: "Its author marked it final (selectFinal): the private board ranks the author's best final one.",
    }),
    result: t.field({
      type: ResultType,
      nullable: true,
      resolve: (s) => (s.result ? { ...s.result, submissionId: s.id } : null),
    }),
    queuePosition: t.int({
      nullable: true,
      description:
        "While QUEUED: 1 + the number of queued submissions (every class: they share the workers) expected to start before this one, under the queue's rules (oldest first; one running job per student). 1 = next. Null otherwise.",
      // Finished runs need no read; active ones share one statement per request.
      resolve: async (s, _args, ctx) =>
        s.status === "QUEUED" ? (queueEntryOf(await queueForRequest(ctx), s.id)?.position ?? null) : null,
    }),
    etaSeconds: t.int({
      nullable: true,
      description:
        "QUEUED: estimated seconds until it starts plus its own training; RUNNING: remaining seconds. From the healthy workers and the measured time per epoch of recent runs, at the run's maximum epochs (an upper bound when early stopping ends it sooner). Null when unknown (no healthy worker, no finished run yet) or finished.",
      resolve: async (s, _args, ctx) =>
        s.status === "QUEUED" || s.status === "RUNNING"
          ? (queueEntryOf(await queueForRequest(ctx), s.id)?.etaSeconds ?? null)
          : null,
    }),
  }),
});

export const WorkerStateEnum = builder.enumType("WorkerState", {
  values: ["HEALTHY", "STARTING", "UNHEALTHY", "LOST"] as const,
});

export const WorkerType = builder.objectRef<Trainer>("Worker").implement({
  description: "A trainer worker process, as it reports itself (a heartbeat every few seconds).",
  fields: (t) => ({
    id: t.exposeID("id", { description: "host:pid" }),
    host: t.exposeString("host"),
    pid: t.exposeInt("pid"),
    backend: t.exposeString("backend", { nullable: true }),
    state: t.field({
      type: WorkerStateEnum,
      description: "LOST: no heartbeat for longer than the heartbeat timeout.",
      resolve: (w) => w.state.toUpperCase() as "HEALTHY" | "STARTING" | "UNHEALTHY" | "LOST",
    }),
    reason: t.exposeString("reason", { nullable: true }),
    startedAt: t.expose("startedAt", { type: "DateTime" }),
    lastHeartbeatAt: t.expose("heartbeatAt", { type: "DateTime" }),
    silentSeconds: t.exposeFloat("silentSeconds"),
    currentSubmissionId: t.exposeID("submissionId", {
      nullable: true,
      description: "The submission it is training; reading it still needs access to its class.",
    }),
    jobsDone: t.exposeInt("jobsDone"),
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
    architecture: t.expose("architecture", {
      type: "JSON",
      nullable: true,
      description: "Keras JSON; null for students unless the class shows architectures.",
    }),
    model: t.field({
      type: TrainedModelType,
      nullable: true,
      description:
        "The trained model: for graders, and for everyone while the class shares trained models (your own is also on `submission(id).result.model`).",
      resolve: (r) => (r.model ? { ...r.model, submissionId: r.submissionId } : null),
    }),
    paramCount: t.exposeInt("paramCount"),
    epochs: t.exposeInt("epochs"),
    trainDurationMs: t.exposeInt("trainDurationMs"),
    submittedAt: t.expose("submittedAt", { type: "DateTime" }),
    isFinal: t.exposeBoolean("isFinal", {
      nullable: true,
      description:
        "Its author marked it final; null where private scores are hidden (students until the reveal). With rankBy: PRIVATE each student's row is their best final submission, or their best overall when none is marked.",
    }),
    previousBest: t.exposeFloat("previousBest", {
      nullable: true,
      description:
        "The student's best score on this board's ranking (public half; private with rankBy: PRIVATE) among their succeeded submissions made before this one; null for their first.",
    }),
    changeSincePreviousBest: t.float({
      nullable: true,
      description:
        "This row's score minus `previousBest` (negative: below their earlier best); null for a first submission.",
      resolve: (r) => (r.previousBest === null ? null : r.score - r.previousBest),
    }),
  }),
});

export const LeaderboardModeEnum = builder.enumType("LeaderboardMode", {
  values: {
    BEST: { description: "Each student's best submission." },
    ALL: { description: "Every succeeded submission." },
  } as const,
});

export const RankByEnum = builder.enumType("RankBy", {
  values: {
    PUBLIC: { description: "The public half." },
    PRIVATE: { description: "The private half (graders, or after the reveal)." },
  } as const,
});

export const TokenScopeEnum = builder.enumType("TokenScope", { values: Object.values(TokenScope) });

export const RosterMemberType = builder.objectRef<RosterMember>("RosterMember").implement({
  description: "A member of a class as graders see them.",
  fields: (t) => ({
    userId: t.exposeID("userId"),
    name: t.exposeString("name"),
    email: t.exposeString("email"),
    role: t.field({ type: RoleEnum, resolve: (m) => m.role }),
    joinedAt: t.expose("joinedAt", { type: "DateTime" }),
    submissionCount: t.exposeInt("submissionCount"),
  }),
});

export const RemovedMemberType = builder.objectRef<RemovedMember>("RemovedMember").implement({
  description: "Someone an owner removed: the join code no longer admits them until an owner re-admits them.",
  fields: (t) => ({
    userId: t.exposeID("userId"),
    name: t.exposeString("name"),
    email: t.exposeString("email"),
    formerRole: t.field({
      type: RoleEnum,
      description: "Their role when removed; re-admission restores a student.",
      resolve: (m) => m.formerRole,
    }),
    removedAt: t.expose("removedAt", { type: "DateTime" }),
    removedBy: t.field({
      type: PersonType,
      nullable: true,
      description: "Null once that account is gone.",
      resolve: (m) => m.removedBy,
    }),
    submissionCount: t.exposeInt("submissionCount", { description: "Their submissions, which stay in the class." }),
  }),
});

export const SubmissionPageType = builder.objectRef<SubmissionPage>("SubmissionPage").implement({
  description: "One page of submissions, newest first. Pass `endCursor` as `after` for the next.",
  fields: (t) => ({
    nodes: t.field({ type: [SubmissionType], resolve: (p) => p.nodes }),
    endCursor: t.exposeString("endCursor", { nullable: true }),
    hasNextPage: t.exposeBoolean("hasNextPage"),
    totalCount: t.exposeInt("totalCount", { description: "Submissions matching the filters, over all pages." }),
  }),
});

export const PredictionExamplesType = builder.objectRef<PredictionExamples>("PredictionExamples").implement({
  description: "Test images behind one confusion-matrix cell.",
  fields: (t) => ({
    indices: t.exposeIntList("indices", { description: "Indices into the test set (IDX order)." }),
    total: t.exposeInt("total"),
    scope: t.field({ type: ResultScopeEnum, resolve: (e) => e.scope }),
  }),
});

export const ApiTokenType = builder.objectRef<TokenSummary>("ApiToken").implement({
  description: "An API token; the secret itself is shown only once, when it is created.",
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    prefix: t.exposeString("prefix"),
    scopes: t.field({ type: [TokenScopeEnum], resolve: (x) => x.scopes }),
    classSlug: t.exposeString("classSlug", { nullable: true, description: "Null: every class of yours." }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    lastUsedAt: t.expose("lastUsedAt", { type: "DateTime", nullable: true }),
    revokedAt: t.expose("revokedAt", { type: "DateTime", nullable: true }),
  }),
});

export const CreatedApiTokenType = builder.objectRef<CreatedToken>("CreatedApiToken").implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    token: t.exposeString("token", { description: "The secret: store it now, it is never shown again." }),
    prefix: t.exposeString("prefix"),
    scopes: t.field({ type: [TokenScopeEnum], resolve: (x) => x.scopes }),
  }),
});

export const NoticeKindEnum = builder.enumType("NoticeKind", {
  values: {
    SUCCEEDED: { description: "The run finished and was scored." },
    FAILED: { description: "The run failed; `failureReason` says why." },
  } as const,
});

export const NoticeType = builder.objectRef<Notice>("Notice").implement({
  description: "A run of yours that finished or failed (written when its status changed).",
  fields: (t) => ({
    id: t.exposeID("id"),
    kind: t.field({ type: NoticeKindEnum, resolve: (n) => n.kind }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    readAt: t.expose("readAt", { type: "DateTime", nullable: true, description: "Null while unread." }),
    submissionId: t.exposeID("submissionId"),
    submissionName: t.exposeString("submissionName"),
    classSlug: t.exposeString("classSlug"),
    className: t.exposeString("className"),
    accuracy: t.exposeFloat("accuracy", {
      nullable: true,
      description: "Its public-half accuracy, for a run that succeeded.",
    }),
    failureReason: t.exposeString("failureReason", { nullable: true }),
  }),
});

export const NoticeListType = builder.objectRef<NoticeList>("NoticeList").implement({
  fields: (t) => ({
    unreadCount: t.exposeInt("unreadCount"),
    nodes: t.field({ type: [NoticeType], resolve: (l) => l.notices }),
  }),
});

// ---- Comparing submissions (services/compare/compare-submissions.ts)

const ComparedSubmissionType = builder.objectRef<ComparedSubmission>("ComparedSubmission").implement({
  description:
    "A submission as comparing shows it: its layers, training config and result (on your scope, as on its own page).",
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    author: t.field({ type: PersonType, resolve: (s) => s.author }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    isOwn: t.exposeBoolean("isOwn", { description: "Your own submission." }),
    isFinal: t.exposeBoolean("isFinal", {
      nullable: true,
      description: "Marked final by its author; null for others' while private scores are hidden from you.",
    }),
    architecture: t.expose("architecture", { type: "JSON" }),
    training: t.expose("training", { type: "JSON" }),
    result: t.field({
      type: ResultType,
      nullable: true,
      resolve: (s) => (s.result ? { ...s.result, submissionId: s.id } : null),
    }),
    totalParams: t.int({ nullable: true, resolve: (s) => s.summary?.totalParams ?? null }),
    flopsPerSample: t.float({
      nullable: true,
      description: "Forward-pass FLOPs per image (multiply-add = 2); null when the architecture does not parse.",
      resolve: (s) => s.summary?.flopsPerSample ?? null,
    }),
  }),
});

const ComparedLayerType = builder.objectRef<DiffLayer>("ComparedLayer").implement({
  fields: (t) => ({
    index: t.exposeInt("index"),
    className: t.exposeString("className"),
    config: t.expose("config", { type: "JSON", description: "Keras config, without the layer's name." }),
    outputShape: t.exposeIntList("outputShape", { description: "Per image (no batch dimension)." }),
    params: t.exposeInt("params"),
    flops: t.exposeFloat("flops"),
  }),
});

const FieldChangeType = builder.objectRef<FieldChange>("FieldChange").implement({
  description: "A field that differs; null where one side leaves it out (its default).",
  fields: (t) => ({
    field: t.exposeString("field"),
    before: t.exposeString("before", { nullable: true, description: "The base submission's value." }),
    after: t.exposeString("after", { nullable: true }),
  }),
});

const LayerDiffKindEnum = builder.enumType("LayerDiffKind", {
  values: {
    SAME: { value: "same" },
    CHANGED: { value: "changed", description: "Same layer type, some fields differ (`changes`)." },
    ADDED: { value: "added", description: "Only in the other submission." },
    REMOVED: { value: "removed", description: "Only in the base submission." },
  } as const,
});

const LayerDiffType = builder.objectRef<LayerDiffRow>("LayerDiff").implement({
  description: "One row of the layer-by-layer diff, aligned by a longest common subsequence of layer types.",
  fields: (t) => ({
    kind: t.field({ type: LayerDiffKindEnum, resolve: (r) => r.kind }),
    base: t.field({ type: ComparedLayerType, nullable: true, resolve: (r) => r.base }),
    other: t.field({ type: ComparedLayerType, nullable: true, resolve: (r) => r.other }),
    changes: t.field({ type: [FieldChangeType], resolve: (r) => r.changes }),
  }),
});

const TrainingFieldDiffType = builder.objectRef<TrainingFieldRow>("TrainingFieldDiff").implement({
  description: "One training-config field across the compared submissions (defaults filled in).",
  fields: (t) => ({
    field: t.exposeString("field"),
    label: t.exposeString("label"),
    values: t.stringList({
      nullable: { list: false, items: true },
      description: "In the submissions' order; null where a config can't be read.",
      resolve: (r) => r.values,
    }),
    changed: t.exposeBooleanList("changed", { description: "Per submission: differs from the base's value." }),
  }),
});

const ComparisonPairType = builder.objectRef<ComparisonPair>("ComparisonPair").implement({
  description: "One compared submission against the base.",
  fields: (t) => ({
    otherId: t.exposeID("otherId"),
    layers: t.field({ type: [LayerDiffType], nullable: true, resolve: (p) => p.layers }),
    confusionDifference: t.field({
      type: t.listRef(t.listRef("Int")),
      nullable: true,
      description: "Other − base, per cell (rows: true class), in counts over the same test images.",
      resolve: (p) => p.confusionDifference,
    }),
    f1Deltas: t.floatList({
      nullable: true,
      description: "Other's F1 − base's, per class (index = label).",
      resolve: (p) => p.f1Deltas,
    }),
  }),
});

export const ComparisonType = builder.objectRef<Comparison>("Comparison").implement({
  fields: (t) => ({
    classSlug: t.exposeString("classSlug"),
    baseId: t.exposeID("baseId"),
    submissions: t.field({ type: [ComparedSubmissionType], resolve: (c) => c.submissions }),
    training: t.field({ type: [TrainingFieldDiffType], resolve: (c) => c.training }),
    pairs: t.field({ type: [ComparisonPairType], resolve: (c) => c.pairs }),
  }),
});

// Class analytics (issue #14): each view resolves to its own service call, only when selected.

const AnalyticsPointType = builder.objectRef<AnalyticsPoint>("AnalyticsPoint").implement({
  description:
    "One succeeded run of the class. While the class hides names (students, unless it shows architectures), classmates are `Student N` and their submission ids and names are null; your own runs are `You`.",
  fields: (t) => ({
    submissionId: t.exposeID("submissionId", { nullable: true }),
    submissionName: t.exposeString("submissionName", { nullable: true }),
    who: t.exposeString("who", { description: "The author's name, or a stable pseudonym (`Student N`, `You`)." }),
    mine: t.exposeBoolean("mine", { description: "Your own run." }),
    authorId: t.exposeID("authorId", { nullable: true, description: "Null for classmates while names are hidden." }),
    accuracy: t.exposeFloat("accuracy", { description: "On the scope of `ClassAnalytics.scope`." }),
    paramCount: t.exposeInt("paramCount"),
    flops: t.exposeFloat("flops", { nullable: true, description: "Forward-pass FLOPs per image." }),
    trainDurationMs: t.exposeInt("trainDurationMs"),
    optimizer: t.exposeString("optimizer"),
    learningRate: t.exposeFloat("learningRate"),
    batchSize: t.exposeInt("batchSize"),
    epochs: t.exposeInt("epochs", { description: "Epochs trained." }),
    depth: t.exposeInt("depth", { nullable: true, description: "Weighted layers (Dense and convolutions)." }),
    maxDropout: t.exposeFloat("maxDropout", { nullable: true, description: "The largest dropout rate; 0 without." }),
    submittedAt: t.expose("submittedAt", { type: "DateTime" }),
  }),
});

const AnalyticsDayType = builder.objectRef<AnalyticsDay>("AnalyticsDay").implement({
  description: "The runs that finished on one UTC day.",
  fields: (t) => ({
    day: t.exposeString("day", { description: "YYYY-MM-DD, in UTC." }),
    runs: t.exposeInt("runs"),
    best: t.exposeFloat("best"),
    median: t.exposeFloat("median"),
    bestSoFar: t.exposeFloat("bestSoFar", { description: "The best of any run finished on or before this day." }),
  }),
});

const ConfusedPairType = builder.objectRef<ConfusedPair>("ConfusedPair").implement({
  fields: (t) => ({
    trueClass: t.exposeInt("trueClass"),
    trueName: t.exposeString("trueName"),
    predictedClass: t.exposeInt("predictedClass"),
    predictedName: t.exposeString("predictedName"),
    count: t.exposeInt("count", { description: "Test images of the true class predicted as the other, summed." }),
  }),
});

const ConfusedPairsType = builder.objectRef<ConfusedPairs>("ConfusedPairs").implement({
  description: "The most confused pairs of classes, summed over each author's latest succeeded run.",
  fields: (t) => ({
    scope: t.field({ type: ResultScopeEnum, resolve: (c) => c.scope }),
    runs: t.exposeInt("runs"),
    runsWithoutPredictions: t.exposeInt("runsWithoutPredictions", {
      description: "Latest runs left out on the public half: scored before predictions were stored.",
    }),
    pairs: t.field({ type: [ConfusedPairType], resolve: (c) => c.pairs }),
  }),
});

const ParetoCostEnum = builder.enumType("ParetoCost", {
  description: "What the Pareto front trades accuracy against.",
  values: {
    PARAMS: { description: "Parameter count." },
    FLOPS: { description: "Forward-pass FLOPs per image." },
    TRAINING_TIME: { description: "Training time." },
  } as const,
});

export const ClassAnalyticsType = builder.objectRef<ClassAnalytics>("ClassAnalytics").implement({
  description: "A class's analytics. Each field is one database statement, run only when selected.",
  fields: (t) => ({
    scope: t.field({ type: ResultScopeEnum, resolve: (a) => a.scope }),
    showsNames: t.boolean({
      description: "Whether classmates are named (graders; everyone while the class shows architectures).",
      resolve: (a) => a.showsNames,
    }),
    points: t.field({
      type: [AnalyticsPointType],
      description: "Every succeeded run, oldest first.",
      resolve: (a) => analyticsPoints(a),
    }),
    paretoFront: t.field({
      type: [AnalyticsPointType],
      description: "The runs no other run beats on both accuracy and the cost, cheapest first (ties both kept).",
      args: { cost: t.arg({ type: ParetoCostEnum }) },
      resolve: (a, { cost }) => analyticsParetoFront(a, { cost: cost ?? undefined }),
    }),
    byDay: t.field({
      type: [AnalyticsDayType],
      description: "Best and median accuracy of the runs finished each UTC day, oldest first.",
      resolve: (a) => analyticsByDay(a),
    }),
    confusedPairs: t.field({
      type: ConfusedPairsType,
      args: { limit: t.arg.int({ description: "How many pairs, 1–90 (default 10)." }) },
      resolve: (a, { limit }) => analyticsConfusedPairs(a, { limit: limit ?? undefined }),
    }),
  }),
});
