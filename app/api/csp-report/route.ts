import { receiveCspReport } from "@/lib/server/csp-report";

// POST /api/csp-report: where browsers report Content-Security-Policy violations (the page
// policy's report-uri and report-to). Not through route(): a report comes without credentials and
// from anyone, so there is no viewer to resolve, and resolving one (a Bearer token is a database
// read) would only give a flood of reports something to amplify.
export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  const result = await receiveCspReport(request);
  if (!result.ok) {
    return Response.json({ error: { message: result.message } }, { status: result.status });
  }
  return new Response(null, { status: 204, headers: { "cache-control": "no-store" } });
}
