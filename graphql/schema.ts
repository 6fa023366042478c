import "server-only";
import type { GraphQLResolveInfo } from "graphql";
import { openClassAnalytics } from "@/lib/server/services/analytics/open";
import { createClass, getClass, joinClass, listMyClasses } from "@/lib/server/services/classes";
import { compareSubmissions } from "@/lib/server/services/compare/compare-submissions";
import { leaderboardCsv, resultsCsv } from "@/lib/server/services/grading/csv";
import { rotateJoinCode } from "@/lib/server/services/grading/join-code";
import { getPredictionExamples } from "@/lib/server/services/grading/prediction-examples";
import { readmitMember } from "@/lib/server/services/grading/readmit-member";
import { reevaluateSubmission } from "@/lib/server/services/grading/reevaluate-submission";
import { listRemovedMembers } from "@/lib/server/services/grading/removed-members";
import { retrainSubmission } from "@/lib/server/services/grading/retrain-submission";
import { removeMember, setMemberRole } from "@/lib/server/services/grading/roles";
import { listRoster } from "@/lib/server/services/grading/roster";
import { searchSubmissions } from "@/lib/server/services/grading/search-submissions";
import { revealPrivateLeaderboard, updateClassSettings } from "@/lib/server/services/grading/settings";
import { readLeaderboard } from "@/lib/server/services/leaderboard";
import { listNotices } from "@/lib/server/services/notices/list-notices";
import { markNoticesRead } from "@/lib/server/services/notices/mark-notices-read";
import { cancelSubmission } from "@/lib/server/services/submissions/cancel-submission";
import { createSubmission } from "@/lib/server/services/submissions/create-submission";
import { getSubmission } from "@/lib/server/services/submissions/get-submission";
import { listSubmissions } from "@/lib/server/services/submissions/list-submissions";
import { getQuota } from "@/lib/server/services/submissions/quota";
import { selectFinal } from "@/lib/server/services/submissions/select-final";
import { createApiToken, listApiTokens, revokeApiToken } from "@/lib/server/services/tokens";
import { listWorkers } from "@/lib/server/services/trainers";
import { getUser } from "@/lib/server/services/users";
import { builder } from "./builder";
import {
  ApiTokenType,
  ClassAnalyticsType,
  ClassType,
  ComparisonType,
  CreatedApiTokenType,
  LeaderboardModeEnum,
  LeaderboardRowType,
  NoticeListType,
  PredictionExamplesType,
  QuotaType,
  RankByEnum,
  RemovedMemberType,
  RoleEnum,
  RosterMemberType,
  SubmissionPageType,
  SubmissionStatusEnum,
  SubmissionType,
  TokenScopeEnum,
  UserType,
  WorkerType,
} from "./types";

/** Whether the query selects `field` directly under this one (architectures are read only when asked for). */
function selects(info: GraphQLResolveInfo, field: string): boolean {
  return info.fieldNodes.some((node) =>
    node.selectionSet?.selections.some((s) =>
      s.kind === "Field" ? s.name.value === field : s.kind === "InlineFragment",
    ),
  );
}

/** GraphQL nulls for omitted optional arguments become "not given" for the services' zod schemas. */
function defined<T extends Record<string, unknown>>(args: T): { [K in keyof T]: Exclude<T[K], null> | undefined } {
  return Object.fromEntries(Object.entries(args).map(([k, v]) => [k, v ?? undefined])) as never;
}

// Resolvers are transport only: each one calls a service function with the viewer, and the
// service does the access check and the work. Nothing here touches the database.

builder.queryType({
  fields: (t) => ({
    me: t.field({
      type: UserType,
      nullable: true,
      description: "The signed-in user, or null.",
      resolve: (_root, _args, { viewer }) => (viewer.kind === "user" ? getUser(viewer.userId) : null),
    }),
    classes: t.field({
      type: [ClassType],
      description: "The classes you are a member of.",
      resolve: (_root, _args, { viewer }) => listMyClasses(viewer),
    }),
    class: t.field({
      type: ClassType,
      args: { slug: t.arg.string({ required: true }) },
      resolve: (_root, { slug }, { viewer }) => getClass(viewer, slug),
    }),
    submission: t.field({
      type: SubmissionType,
      args: { id: t.arg.id({ required: true }) },
      resolve: (_root, { id }, { viewer }) => getSubmission(viewer, String(id)),
    }),
    submissions: t.field({
      type: [SubmissionType],
      description: "Graders get every submission of the class, students their own. Newest first.",
      args: { classSlug: t.arg.string({ required: true }) },
      resolve: (_root, { classSlug }, { viewer }) => listSubmissions(viewer, classSlug),
    }),
    quota: t.field({
      type: QuotaType,
      description: "Your submissions left today in this class.",
      args: { classSlug: t.arg.string({ required: true }) },
      resolve: (_root, { classSlug }, { viewer }) => getQuota(viewer, classSlug),
    }),
    leaderboard: t.field({
      type: [LeaderboardRowType],
      description: "Each student's best succeeded submission (or every one, mode: ALL), best first.",
      args: {
        classSlug: t.arg.string({ required: true }),
        mode: t.arg({ type: LeaderboardModeEnum }),
        rankBy: t.arg({ type: RankByEnum }),
      },
      resolve: async (_root, { classSlug, mode, rankBy }, context, info) => {
        const { access, rows } = await readLeaderboard(context.viewer, classSlug, {
          ...defined({ mode, rankBy }),
          includeArchitecture: selects(info, "architecture"),
          includeModel: selects(info, "model"),
        });
        context.boardsRead ??= [];
        context.boardsRead.push({
          classId: access.classId,
          boardVersion: access.boardVersion,
          can: access.can,
        });
        return rows;
      },
    }),
    leaderboardCsv: t.string({
      description: "The leaderboard as CSV, as you would see it.",
      args: {
        classSlug: t.arg.string({ required: true }),
        mode: t.arg({ type: LeaderboardModeEnum }),
        rankBy: t.arg({ type: RankByEnum }),
      },
      resolve: (_root, args, { viewer }) => leaderboardCsv(viewer, defined(args)),
    }),
    resultsCsv: t.string({
      description: "Every submission of the class with its result, as CSV (graders).",
      args: { classSlug: t.arg.string({ required: true }) },
      resolve: (_root, args, { viewer }) => resultsCsv(viewer, args),
    }),
    workers: t.field({
      type: [WorkerType],
      description:
        "The platform's trainer workers (shared by every class): graders and owners of any class; students are refused.",
      resolve: (_root, _args, { viewer }) => listWorkers(viewer),
    }),
    roster: t.field({
      type: [RosterMemberType],
      description: "Members of the class with their roles (graders).",
      args: { classSlug: t.arg.string({ required: true }) },
      resolve: (_root, args, { viewer }) => listRoster(viewer, args),
    }),
    removedMembers: t.field({
      type: [RemovedMemberType],
      description:
        "People removed from the class, latest first (graders). The join code no longer admits them; `readmitMember` does.",
      args: { classSlug: t.arg.string({ required: true }) },
      resolve: (_root, args, { viewer }) => listRemovedMembers(viewer, args),
    }),
    searchSubmissions: t.field({
      type: SubmissionPageType,
      description: "Submissions with filters and cursor pagination, newest first. Students get only their own.",
      args: {
        classSlug: t.arg.string({ required: true }),
        studentId: t.arg.id(),
        status: t.arg({ type: [SubmissionStatusEnum] }),
        from: t.arg({ type: "DateTime", description: "Submitted at or after." }),
        to: t.arg({ type: "DateTime", description: "Submitted at or before." }),
        final: t.arg.boolean({
          description: "true: only submissions their authors marked final; false: only the others.",
        }),
        first: t.arg.int({ description: "Page size, at most 100 (default 25)." }),
        after: t.arg.string({ description: "`endCursor` of the previous page." }),
      },
      resolve: (_root, args, { viewer }) =>
        searchSubmissions(viewer, { ...defined(args), studentId: args.studentId ? String(args.studentId) : undefined }),
    }),
    predictionExamples: t.field({
      type: PredictionExamplesType,
      description: "Test images with a given true and predicted class. Authors get the public half only.",
      args: {
        submissionId: t.arg.id({ required: true }),
        trueClass: t.arg.int({ required: true }),
        predictedClass: t.arg.int({ required: true }),
        limit: t.arg.int(),
      },
      resolve: (_root, args, { viewer }) =>
        getPredictionExamples(viewer, { ...defined(args), submissionId: String(args.submissionId) }),
    }),
    apiTokens: t.field({
      type: [ApiTokenType],
      description: "Your API tokens (signed-in session only).",
      resolve: (_root, _args, { viewer }) => listApiTokens(viewer),
    }),
    notices: t.field({
      type: NoticeListType,
      description:
        "Your runs that finished or failed, newest first, with the unread count (a class-limited token: that class's only).",
      args: {
        unreadOnly: t.arg.boolean({ defaultValue: false }),
        first: t.arg.int({ defaultValue: 20, description: "1 to 50." }),
      },
      resolve: (_root, args, { viewer }) => listNotices(viewer, defined(args)),
    }),
    compareSubmissions: t.field({
      type: ComparisonType,
      description:
        "2–4 succeeded submissions of one class side by side, diffed against `base` (default the first): your own; any as a grader; other students' while the class shows architectures.",
      args: { ids: t.arg.idList({ required: true }), base: t.arg.id() },
      resolve: (_root, { ids, base }, { viewer }) =>
        compareSubmissions(viewer, { ids: ids.map(String), base: base == null ? undefined : String(base) }),
    }),
    classAnalytics: t.field({
      type: ClassAnalyticsType,
      description:
        "The class's analytics (members): accuracy against size and hyperparameters, by day, the most confused classes. Students see the public half, and classmates as pseudonyms unless the class shows architectures.",
      args: { classSlug: t.arg.string({ required: true }) },
      resolve: (_root, args, { viewer }) => openClassAnalytics(viewer, args),
    }),
  }),
});

builder.mutationType({
  fields: (t) => ({
    createClass: t.field({
      type: ClassType,
      description: "Creates a class with you as its owner.",
      args: { name: t.arg.string({ required: true }) },
      resolve: (_root, args, { viewer }) => createClass(viewer, args),
    }),
    joinClass: t.field({
      type: ClassType,
      description:
        "Joins a class as a student, by the code its grader shared. Refused once the code has expired, or if an owner removed you.",
      args: { code: t.arg.string({ required: true }) },
      resolve: (_root, { code }, { viewer }) => joinClass(viewer, code),
    }),
    submit: t.field({
      type: SubmissionType,
      description: "Queues a model for training. `architecture` is Keras `model.to_json()` output.",
      args: {
        classSlug: t.arg.string({ required: true }),
        name: t.arg.string({ required: true }),
        architecture: t.arg({ type: "JSON", required: true }),
        training: t.arg({ type: "JSON" }),
      },
      resolve: (_root, args, { viewer }) => createSubmission(viewer, { ...args, training: args.training ?? undefined }),
    }),
    cancelSubmission: t.field({
      type: SubmissionType,
      description:
        "Stops a queued or running submission (its author or a grader). A running one stops within one batch.",
      args: { id: t.arg.id({ required: true }) },
      resolve: (_root, { id }, { viewer }) => cancelSubmission(viewer, String(id)),
    }),
    selectFinal: t.field({
      type: SubmissionType,
      description:
        "Marks one of your succeeded submissions final (final: false unmarks it), until the class deadline. The private board ranks each student's best final submission, or their best overall when none is marked; a class allows `finalSelectionsMax` (default 2).",
      args: { submissionId: t.arg.id({ required: true }), final: t.arg.boolean({ required: true }) },
      resolve: (_root, { submissionId, final }, { viewer }) =>
        selectFinal(viewer, { submissionId: String(submissionId), final }),
    }),
    reevaluateSubmission: t.field({
      type: SubmissionType,
      description:
        "Scores a succeeded submission's stored model on the test set again, without training (graders): seconds, for when scoring changed. `result.reevaluating` is true until a worker has replaced the scores.",
      args: { id: t.arg.id({ required: true }) },
      resolve: (_root, { id }, { viewer }) => reevaluateSubmission(viewer, { submissionId: String(id) }),
    }),
    retrainSubmission: t.field({
      type: SubmissionType,
      description:
        "Trains a finished submission again from scratch; its old result and trained model are dropped (graders).",
      args: { id: t.arg.id({ required: true }) },
      resolve: (_root, { id }, { viewer }) => retrainSubmission(viewer, { submissionId: String(id) }),
    }),
    rescoreSubmission: t.field({
      type: SubmissionType,
      deprecationReason: "Use retrainSubmission (the same), or reevaluateSubmission to score the stored model again.",
      description: "Trains a finished submission again from scratch (graders): retrainSubmission under its old name.",
      args: { id: t.arg.id({ required: true }) },
      resolve: (_root, { id }, { viewer }) => retrainSubmission(viewer, { submissionId: String(id) }),
    }),
    updateClassSettings: t.field({
      type: ClassType,
      description:
        "Sets the daily quota, the number of final selections, deadline, join code expiry (null clears either), architecture visibility and model sharing (graders). Omitted fields stay.",
      args: {
        classSlug: t.arg.string({ required: true }),
        dailyQuota: t.arg.int(),
        finalSelectionsMax: t.arg.int({
          description: "How many succeeded submissions each student may mark final (1–20; default 2).",
        }),
        deadline: t.arg({ type: "DateTime" }),
        joinCodeExpiresAt: t.arg({
          type: "DateTime",
          description: "After this the join code admits nobody new (members stay); a past time closes joining now.",
        }),
        showArchitectures: t.arg.boolean(),
        shareModels: t.arg.boolean({
          description: "Whether students may download and try other students' trained models.",
        }),
      },
      resolve: (_root, args, { viewer }) => {
        // An explicit null clears a date; an omitted one (or an unset variable) leaves it alone.
        const date = (name: "deadline" | "joinCodeExpiresAt") =>
          Object.hasOwn(args, name) ? (args[name] ?? null) : undefined;
        return updateClassSettings(viewer, {
          ...defined(args),
          deadline: date("deadline"),
          joinCodeExpiresAt: date("joinCodeExpiresAt"),
        });
      },
    }),
    revealPrivateLeaderboard: t.field({
      type: ClassType,
      description: "Shows students the private half's scores (revealed: false hides them again) (graders).",
      args: { classSlug: t.arg.string({ required: true }), revealed: t.arg.boolean() },
      resolve: (_root, args, { viewer }) => revealPrivateLeaderboard(viewer, defined(args)),
    }),
    setMemberRole: t.field({
      type: RosterMemberType,
      description: "Changes a member's role (owner only). The last owner cannot step down.",
      args: {
        classSlug: t.arg.string({ required: true }),
        userId: t.arg.id({ required: true }),
        role: t.arg({ type: RoleEnum, required: true }),
      },
      resolve: (_root, args, { viewer }) => setMemberRole(viewer, { ...args, userId: String(args.userId) }),
    }),
    removeMember: t.boolean({
      description:
        "Removes a member (owner only): the join code no longer admits them until `readmitMember`. Their submissions stay.",
      args: { classSlug: t.arg.string({ required: true }), userId: t.arg.id({ required: true }) },
      resolve: (_root, args, { viewer }) => removeMember(viewer, { ...args, userId: String(args.userId) }),
    }),
    readmitMember: t.field({
      type: RosterMemberType,
      description: "Re-admits someone removed from the class, as a student whatever their former role (owner only).",
      args: { classSlug: t.arg.string({ required: true }), userId: t.arg.id({ required: true }) },
      resolve: (_root, args, { viewer }) => readmitMember(viewer, { ...args, userId: String(args.userId) }),
    }),
    rotateJoinCode: t.field({
      type: ClassType,
      description:
        "Replaces the join code; the old one stops working at once. A future expiry is kept, a passed one cleared (graders).",
      args: { classSlug: t.arg.string({ required: true }) },
      resolve: (_root, args, { viewer }) => rotateJoinCode(viewer, args),
    }),
    createApiToken: t.field({
      type: CreatedApiTokenType,
      description: "Creates an API token for scripts (signed-in session only). The secret is returned once.",
      args: {
        name: t.arg.string({ required: true }),
        scopes: t.arg({ type: [TokenScopeEnum], description: "READ (default) or READ and WRITE." }),
        classSlug: t.arg.string({ description: "Limit the token to one class; omit for all of yours." }),
      },
      resolve: (_root, args, { viewer }) => createApiToken(viewer, defined(args)),
    }),
    markNoticesRead: t.int({
      description: "Marks your notices read (the ids given, or all unread ones); returns how many were unread.",
      args: { ids: t.arg.idList({ required: false }) },
      resolve: (_root, { ids }, { viewer }) => markNoticesRead(viewer, ids ? { ids: ids.map(String) } : {}),
    }),
    revokeApiToken: t.field({
      type: ApiTokenType,
      description: "Revokes one of your API tokens at once.",
      args: { id: t.arg.id({ required: true }) },
      resolve: (_root, { id }, { viewer }) => revokeApiToken(viewer, { tokenId: String(id) }),
    }),
  }),
});

export const schema = builder.toSchema({ sortSchema: false });
