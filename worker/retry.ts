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
      if (attempt >= attempts || !isConnectionError(error)) throw error;
      console.warn(`[worker] ${what}: database unavailable (${(error as Error).message}); retrying in ${delay} ms`);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 10_000);
    }
  }
}

function isConnectionError(error: unknown): boolean {
  const text = `${(error as { code?: string })?.code ?? ""} ${(error as Error)?.message ?? ""}`;
  return /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|57P01|57P02|57P03|08006|08001|08003|terminat|Connection|connect|closed|the database system is/i.test(
    text,
  );
}
