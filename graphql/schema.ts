import { createClass, getClass, joinClass, listMyClasses } from "@/lib/server/services/classes";
import { getLeaderboard } from "@/lib/server/services/leaderboard";
import { cancelSubmission, createSubmission, getQuota, getSubmission, listSubmissions } from "@/lib/server/services/submissions";
import { getUser } from "@/lib/server/services/users";
import { builder } from "./builder";
import { ClassType, LeaderboardRowType, QuotaType, SubmissionType, UserType } from "./types";

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
      description: "Each student's best succeeded submission, best first.",
      args: { classSlug: t.arg.string({ required: true }) },
      resolve: (_root, { classSlug }, { viewer }) => getLeaderboard(viewer, classSlug),
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
      description: "Joins a class as a student, by the code its grader shared.",
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
      resolve: (_root, args, { viewer }) =>
        createSubmission(viewer, { ...args, training: args.training ?? undefined }),
    }),
    cancelSubmission: t.field({
      type: SubmissionType,
      description: "Stops a queued or running submission (its author or a grader). A running one stops within one batch.",
      args: { id: t.arg.id({ required: true }) },
      resolve: (_root, { id }, { viewer }) => cancelSubmission(viewer, String(id)),
    }),
  }),
});

export const schema = builder.toSchema({ sortSchema: false });
