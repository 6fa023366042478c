import { isDatabaseUnavailable } from "@/lib/server/unavailable";

/**
 * Retries a database write while the database is unreachable (a restart, a dropped connection),
 * so that a finished training run is not thrown away because of a blip at the very end.
 */
export async function withDbRetry<T>(
  what: string,
  run: () => Promise<T>,
  { attempts = 12, firstDelayMs = 250 } = {},
): Promise<T> {
  let delay = firstDelayMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= attempts || !isDatabaseUnavailable(error)) throw error;
      const why = (error as Error).message.trim().split("\n").at(-1);
      console.warn(`[worker] ${what}: database unavailable (${why}); retrying in ${delay} ms`);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 10_000);
    }
  }
}
