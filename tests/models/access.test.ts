import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as downloadRoute } from "@/app/api/submissions/[id]/model/download/route";
import { GET as fileRoute } from "@/app/api/submissions/[id]/model/files/[file]/route";
import { artifacts } from "@/lib/server/artifacts/store";
import { db } from "@/lib/server/db";
import { getBoard } from "@/lib/server/services/board";
import type { Viewer } from "@/lib/server/viewer";
import { gql, makeUser } from "../helpers/fixtures";
import { addMember, addScoredSubmission, createClassAs, tokenViewer } from "../helpers/grading";
import { trainedModelBytes } from "./stored-model";

// Who may take a trained model home: every download route and the GraphQL field, for each caller.
// The author and the class's graders always; another student of the class only while a grader
// shares the class's models; nobody outside the class.

type Caller = "author" | "grader" | "classmate" | "outsider";
const ROUTES = [
  ...["model.json", "weights.bin", "metadata.json"].map((file) => ({ kind: "file" as const, file })),
  ...["tfjs", "keras", "onnx"].map((format) => ({ kind: "download" as const, format })),
];

let submissionId: string;
let slug: string;
let owner: Viewer;
const tokens = {} as Record<Caller, string>;

async function call(caller: Caller, r: (typeof ROUTES)[number]): Promise<Response> {
  const headers = { authorization: `Bearer ${tokens[caller]}` };
  if (r.kind === "file") {
    const url = `http://127.0.0.1:3000/api/submissions/${submissionId}/model/files/${r.file}`;
    return fileRoute(new NextRequest(url, { headers }), {
      params: Promise.resolve({ id: submissionId, file: r.file }),
    });
  }
  const url = `http://127.0.0.1:3000/api/submissions/${submissionId}/model/download?format=${r.format}`;
  return downloadRoute(new NextRequest(url, { headers }), { params: Promise.resolve({ id: submissionId }) });
}

const modelField = (viewer: Viewer) =>
  gql(
    viewer,
    `query($id: ID!) { submission(id: $id) { result { model { sizeBytes formats downloadUrl(format: ONNX) } } } }`,
    {
      id: submissionId,
    },
  );

/** Where another student meets the model: the leaderboard (they can't open the submission itself). */
const boardModel = async (viewer: Viewer) => {
  const board = await gql(
    viewer,
    `query($slug: String!) { leaderboard(classSlug: $slug) { submissionId model { sizeBytes formats } } }`,
    {
      slug,
    },
  );
  if (board.errors) return board.errors[0].extensions?.code;
  return board.data!.leaderboard.find((r: { submissionId: string }) => r.submissionId === submissionId).model;
};

const setSharing = (on: boolean) =>
  gql(
    owner,
    `mutation($slug: String!, $on: Boolean) { updateClassSettings(classSlug: $slug, shareModels: $on) { shareModels } }`,
    {
      slug,
      on,
    },
  );

describe("trained-model downloads: access", () => {
  const viewers = {} as Record<Caller, Viewer>;

  beforeAll(async () => {
    const [o, author, grader, classmate, outsider] = await Promise.all(
      ["Mdl Owner", "Mdl Author", "Mdl Grader", "Mdl Classmate", "Mdl Outsider"].map((n) => makeUser(n)),
    );
    owner = o.viewer;
    const klass = await createClassAs(o.viewer, "Model access");
    slug = klass.slug;
    await addMember(klass.id, author.id);
    await addMember(klass.id, grader.id, "GRADER");
    await addMember(klass.id, classmate.id);
    const other = await createClassAs(outsider.viewer, "Outsider's own class");
    expect(other.id).not.toBe(klass.id);
    submissionId = (await addScoredSubmission(author.id, klass.id, "downloadable")).id;
    await artifacts.put(submissionId, "MODEL", (await trainedModelBytes()).bytes, undefined, ["tfjs", "keras", "onnx"]);
    for (const [caller, user] of Object.entries({ author, grader, classmate, outsider }) as [Caller, typeof author][]) {
      const t = await tokenViewer(user.viewer, { name: `${caller} token` });
      tokens[caller] = t.secret;
      viewers[caller] = user.viewer;
    }
  });

  it("serves every route to the author and the graders", async () => {
    for (const caller of ["author", "grader"] as const) {
      for (const r of ROUTES) {
        const response = await call(caller, r);
        expect(response.status, `${caller} ${JSON.stringify(r)}: ${await response.clone().text()}`).toBe(200);
        expect(response.headers.get("cache-control")).toBe("private, no-cache");
      }
      const field = await modelField(viewers[caller]);
      expect(field.errors).toBeUndefined();
      expect(field.data!.submission.result.model).toMatchObject({
        formats: ["TFJS", "KERAS", "ONNX"],
        downloadUrl: `/api/submissions/${submissionId}/model/download?format=onnx`,
      });
    }
  });

  it("refuses a classmate (403 on every route, model null) until the class shares trained models", async () => {
    for (const caller of ["classmate", "outsider"] as const) {
      for (const r of ROUTES) {
        const response = await call(caller, r);
        expect(response.status, `${caller} ${JSON.stringify(r)}`).toBe(403);
        expect((await response.json()).error.code).toBe("FORBIDDEN");
      }
    }
    expect(await boardModel(viewers.classmate)).toBeNull();
    const webRow = async () =>
      (await getBoard(viewers.classmate, slug, "best")).rows.find((r) => r.submissionId === submissionId)!;
    // The class page's board offers no "Try it" on another student's row either.
    expect((await webRow()).hasModel).toBe(false);
    expect(await boardModel(viewers.outsider)).toBe("FORBIDDEN");
    // The submission itself stays the author's and the graders' whether or not models are shared.
    expect((await modelField(viewers.classmate)).errors?.[0].extensions?.code).toBe("FORBIDDEN");
    expect(await boardModel(viewers.grader)).toMatchObject({ formats: ["TFJS", "KERAS", "ONNX"] });

    expect((await setSharing(true)).data!.updateClassSettings.shareModels).toBe(true);
    try {
      for (const r of ROUTES) expect((await call("classmate", r)).status, JSON.stringify(r)).toBe(200);
      expect(await boardModel(viewers.classmate)).toMatchObject({ formats: ["TFJS", "KERAS", "ONNX"] });
      expect((await webRow()).hasModel).toBe(true);
      // Sharing is the class's business: an outsider stays out.
      for (const r of ROUTES) expect((await call("outsider", r)).status, JSON.stringify(r)).toBe(403);
    } finally {
      await setSharing(false);
    }
    expect((await call("classmate", ROUTES[0])).status).toBe(403);
  });

  it("answers an unknown file or format with a specific 400 and a submission without a model with 404", async () => {
    const badFile = await call("author", { kind: "file", file: "model.py" });
    expect(badFile.status).toBe(400);
    expect((await badFile.json()).error.message).toMatch(/No model file 'model.py'/);
    const badFormat = await call("author", { kind: "download", format: "pickle" });
    expect(badFormat.status).toBe(400);
    expect((await badFormat.json()).error.message).toMatch(/format must be one of tfjs, keras, onnx/);

    await artifacts.remove(submissionId, "MODEL");
    try {
      expect((await call("author", ROUTES[0])).status).toBe(404);
      expect((await modelField(viewers.author)).data!.submission.result.model).toBeNull();
    } finally {
      await artifacts.put(submissionId, "MODEL", (await trainedModelBytes()).bytes, undefined, [
        "tfjs",
        "keras",
        "onnx",
      ]);
    }
    expect(await db.artifact.count({ where: { submissionId } })).toBe(1);
  });
});
