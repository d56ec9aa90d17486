// Time on the page, counted only while the tab is visible (Page Visibility API), sent every
// ~15 s and whenever the tab is hidden or closed.

const BEAT_MS = 15000;

export function startTimer(send) {
  let visibleSince = document.visibilityState === "visible" ? performance.now() : null;
  let carried = 0; // milliseconds counted but not yet sent

  const collect = () => {
    if (visibleSince !== null) {
      const now = performance.now();
      carried += now - visibleSince;
      visibleSince = now;
    }
  };

  const flush = (keepalive) => {
    collect();
    const seconds = Math.min(600, Math.floor(carried / 1000));
    if (seconds < 1) return;
    carried -= seconds * 1000;
    send(seconds, keepalive).catch(() => {
      carried += seconds * 1000; // try again with the next beat
    });
  };

  const interval = setInterval(() => flush(false), BEAT_MS);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") {
      flush(true);
      visibleSince = null;
    } else {
      visibleSince = performance.now();
    }
  });
  window.addEventListener("pagehide", () => flush(true));
  return { stop: () => clearInterval(interval), flush };
}
