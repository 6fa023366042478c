// GET /api/health/live → {"status":"ok"}: liveness only (the process answers HTTP), for process
// managers and start-up scripts. It deliberately touches no database, so it is also the
// benchmark's floor: the cheapest request a Next route handler can serve on this machine
// (bench/README.md). Readiness, with the database and the trainers, is GET /api/health.
export const dynamic = "force-dynamic";

export function GET(): Response {
  return Response.json({ status: "ok" }, { headers: { "cache-control": "no-store" } });
}
