import type { NextRequest } from "next/server";
import { csvResponse } from "@/lib/server/csv-response";
import { viewerFromRequest } from "@/lib/server/request-viewer";
import { resultsCsv } from "@/lib/server/services/grading";

// GET /api/classes/<slug>/results.csv — every submission with its result (graders); cookie or Bearer token.
export async function GET(request: NextRequest, { params }: { params: Promise<{ slug: string }> }): Promise<Response> {
  const { slug } = await params;
  return csvResponse(`${slug}-results.csv`, async () =>
    resultsCsv(await viewerFromRequest(request), { classSlug: slug }),
  );
}
