import { route } from "@/lib/server/route";
import { getQueueBoard } from "@/lib/server/services/queue-board";

// GET → the class's queue (positions and ETAs) and every trainer worker, as JSON, for graders;
// the manage page polls it every few seconds (components/grading/live-queue.tsx).
export const GET = route<{ slug: string }>(async ({ viewer, params }) =>
  Response.json(await getQueueBoard(viewer, { classSlug: params.slug })),
);
