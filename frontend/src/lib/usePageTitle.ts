import { useEffect } from 'react';

/** Each page names the tab (and what a screen reader announces on navigation). */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · FinOps Center`;
  }, [title]);
}
