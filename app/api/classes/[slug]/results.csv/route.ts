import { csvResponse, route } from "@/lib/server/route";
import { resultsCsv } from "@/lib/server/services/grading/csv";

// GET /api/classes/<slug>/results.csv — every submission with its result (graders); cookie or Bearer token.
export const GET = route<{ slug: string }>(async ({ viewer, params }) =>
  csvResponse(`${params.slug}-results.csv`, await resultsCsv(viewer, { classSlug: params.slug })),
);
