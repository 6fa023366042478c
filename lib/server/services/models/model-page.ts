import "server-only";
import { z } from "zod";
import { opensSubmission, requireSubmissionAccess } from "../../access";
import { artifacts } from "../../artifacts/store";
import { db } from "../../db";
import { idSchema, parseInput } from "../../input";
import type { Viewer } from "../../viewer";

const idInput = z.object({ id: idSchema });

export interface ModelPageView {
  submissionId: string;
  name: string;
  authorName: string;
  classSlug: string;
  className: string;
  /** A trained model is stored (the browser loads it from the model files route). */
  stored: boolean;
  /**
   * The submission itself is the viewer's to open (author, graders), and with it random test
   * images; classmates of a shared model try it on their own drawings only.
   */
  opensSubmission: boolean;
}

/** What a model's own page shows, for anyone who may use the model (access.ts: `who: "model-user"`). */
export async function getModelPage(viewer: Viewer, submissionId: unknown): Promise<ModelPageView> {
  const { id } = parseInput(idInput, { id: submissionId });
  const access = await requireSubmissionAccess(viewer, id, { who: "model-user" });
  const [row, stored] = await Promise.all([
    db.submission.findUniqueOrThrow({
      where: { id },
      select: { name: true, author: { select: { name: true } }, class: { select: { slug: true, name: true } } },
    }),
    artifacts.info(id, "MODEL"),
  ]);
  return {
    submissionId: id,
    name: row.name,
    authorName: row.author.name,
    classSlug: row.class.slug,
    className: row.class.name,
    stored: stored !== null,
    opensSubmission: opensSubmission(access),
  };
}
