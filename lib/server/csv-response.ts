import "server-only";
import { AppError, HTTP_STATUS } from "./errors";

/** A CSV download, or the AppError as JSON with its HTTP status (route handlers' error mapping). */
export async function csvResponse(filename: string, produce: () => Promise<string>): Promise<Response> {
  try {
    const csv = await produce();
    return new Response(csv, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${filename.replace(/[^\w.-]/g, "_")}"`,
        "cache-control": "no-store",
      },
    });
  } catch (error) {
    if (error instanceof AppError) {
      return Response.json(
        { error: { code: error.code, message: error.message } },
        { status: HTTP_STATUS[error.code] },
      );
    }
    throw error;
  }
}
