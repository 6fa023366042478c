import { route } from "@/lib/server/route";
import { listNotices } from "@/lib/server/services/notices/list-notices";

// GET → the viewer's notices (runs that finished or failed) and the unread count, as JSON; the
// header polls it on every page (components/notices/notice-bell.tsx). ?unread=1 for unread only.
export const GET = route(async ({ viewer, request }) => {
  const unreadOnly = request.nextUrl.searchParams.get("unread") === "1";
  return Response.json(await listNotices(viewer, { unreadOnly }));
});
