import { HTTP_STATUS, RETRY_AFTER_SECONDS } from "@/lib/server/errors";
import { getPlatformHealth } from "@/lib/server/services/health";

// GET /api/health: readiness of this web process for a load balancer, and the platform's state
// for people. 200 while the database answers, trainers or not (the body's `status` is "degraded"
// and `trainers` says why when no trainer is healthy: the web app still serves every page); 503
// with Retry-After while the database is out of reach. Not through route(): it has no viewer (a
// load balancer sends no cookie), and it answers an outage itself instead of raising one.
// Liveness without the database: GET /api/health/live.
export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const health = await getPlatformHealth();
  const down = health.status === "unavailable";
  return Response.json(health, {
    status: down ? HTTP_STATUS.UNAVAILABLE : 200,
    headers: { "cache-control": "no-store", ...(down ? { "retry-after": String(RETRY_AFTER_SECONDS) } : {}) },
  });
}
