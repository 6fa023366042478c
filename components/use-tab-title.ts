"use client";
import { useEffect, useRef } from "react";

/**
 * Shows `title` in the browser tab while it is not null (a running job's progress), and the
 * page's own title again after. Next writes the page's metadata title itself, after hydration and
 * again on router refreshes, and whoever writes last wins (vercel/next.js#82037): so while a title
 * is held, a change of the head's <title> is answered by writing ours back.
 */
export function useTabTitle(title: string | null): void {
  const pageTitle = useRef<string | null>(null);
  useEffect(() => {
    if (title === null) {
      if (pageTitle.current !== null) document.title = pageTitle.current;
      return;
    }
    if (pageTitle.current === null) pageTitle.current = document.title;
    const apply = () => {
      if (document.title !== title) document.title = title;
    };
    apply();
    const observer = new MutationObserver(apply);
    observer.observe(document.head, { childList: true, subtree: true, characterData: true });
    return () => observer.disconnect();
  }, [title]);
  // Leaving the page (or the job's panel) gives the tab back to the page's title.
  useEffect(
    () => () => {
      if (pageTitle.current !== null) document.title = pageTitle.current;
    },
    [],
  );
}
