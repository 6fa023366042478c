"use server";
import { viewerFromSession } from "@/lib/server/request-viewer";
import { markNoticesRead } from "@/lib/server/services/notices/mark-notices-read";

/**
 * Dismisses notices from the header: the ones given, or every unread one. A server action, so
 * Next checks the request's origin (a cross-site page can't dismiss them). Returns how many.
 */
export async function markNoticesReadAction(ids: string[] | null): Promise<number> {
  return markNoticesRead(await viewerFromSession(), ids ? { ids } : {});
}
