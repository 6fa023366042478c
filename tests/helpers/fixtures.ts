import { randomUUID } from "node:crypto";
import type { ApolloServer } from "@apollo/server";
import type { Prisma } from "@/generated/prisma/client";
import type { GraphQLContext } from "@/graphql/builder";
import { createApolloServer } from "@/graphql/server";
import { db } from "@/lib/server/db";
import { registerUser } from "@/lib/server/services/users";
import { anonymous, type Viewer } from "@/lib/server/viewer";
import { accuracyOn, confusionMatrix, perClassMetrics, publicPrivateSplit } from "@/trainer/data";

export async function makeUser(
  name = "Test User",
): Promise<{ id: string; email: string; password: string; viewer: Viewer }> {
  const email = `${name.toLowerCase().replace(/\W+/g, ".")}.${randomUUID().slice(0, 8)}@example.test`;
  const password = `pw-${randomUUID()}`;
  const user = await registerUser({ email, name, password });
  return { id: user.id, email, password, viewer: { kind: "user", via: "session", userId: user.id } };
}

let server: ApolloServer<GraphQLContext> | undefined;

export interface GqlResult<T = Record<string, any>> {
  data: T | null | undefined;
  errors:
    | Array<{ message: string; extensions?: Record<string, unknown>; path?: readonly (string | number)[] }>
    | undefined;
}

/** Runs an operation through the real Apollo server, schema, services and database. */
export async function gql<T = Record<string, any>>(
  viewer: Viewer | null,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GqlResult<T>> {
  server ??= createApolloServer();
  const response = await server.executeOperation<T>(
    { query, variables },
    { contextValue: { viewer: viewer ?? anonymous } },
  );
  if (response.body.kind !== "single") throw new Error("Expected a single result");
  const { data, errors } = response.body.singleResult;
  return { data, errors: errors as GqlResult["errors"] };
}

export function errorCode(result: GqlResult): unknown {
  return result.errors?.[0]?.extensions?.code;
}

export interface ScoredSubmission {
  id: string;
  testAccuracy: number;
  publicAccuracy: number;
  privateAccuracy: number;
  testLoss: number;
}

/**
 * A SUCCEEDED submission whose result is scored from `predictions` the way the trainer scores a
 * run (accuracy on all, public and private halves; confusion matrix; per-class metrics). The one
 * fixture for stored results: tests that need particular numbers pass their own predictions.
 */
export async function createScoredSubmission(opts: {
  authorId: string;
  classId: string;
  name: string;
  labels: Uint8Array;
  predictions: Uint8Array;
  architecture?: Prisma.InputJsonObject;
  testLoss?: number;
  history?: Prisma.InputJsonArray;
}): Promise<ScoredSubmission> {
  const { labels, predictions } = opts;
  const split = publicPrivateSplit(predictions.length);
  const everything = Uint32Array.from(predictions, (_, i) => i);
  const matrix = confusionMatrix(labels.subarray(0, predictions.length), predictions);
  const scores = {
    testAccuracy: accuracyOn(labels, predictions, everything),
    publicAccuracy: accuracyOn(labels, predictions, split.public),
    privateAccuracy: accuracyOn(labels, predictions, split.private),
    testLoss: opts.testLoss ?? 1.5,
  };
  const created = await db.submission.create({
    data: {
      name: opts.name,
      authorId: opts.authorId,
      classId: opts.classId,
      architecture: opts.architecture ?? {
        layers: [{ type: "Flatten" }, { type: "Dense", units: 10, activation: "softmax" }],
      },
      training: {},
      status: "SUCCEEDED",
      startedAt: new Date(),
      finishedAt: new Date(),
      result: {
        create: {
          ...scores,
          confusionMatrix: matrix,
          perClass: perClassMetrics(matrix) as unknown as Prisma.InputJsonValue,
          history: opts.history ?? [],
          predictions: Buffer.from(predictions),
          paramCount: 7850,
          epochs: 1,
          backend: "cpu",
          trainDurationMs: 900,
          evalDurationMs: 50,
        },
      },
    },
    select: { id: true },
  });
  return { id: created.id, ...scores };
}
