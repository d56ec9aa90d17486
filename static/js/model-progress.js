// While a training run is queued or running, poll its status and reload when it ends.
const active = [...document.querySelectorAll(".run[data-status='queued'], .run[data-status='running']")];
async function poll() {
  for (const card of active) {
    const response = await fetch(`/api/v1/runs/${card.dataset.runId}`, { credentials: "same-origin" });
    if (!response.ok) continue;
    const run = await response.json();
    card.querySelector(".run-status").textContent =
      run.status === "running" || run.status === "queued" ? `${run.status} (${Math.round(100 * run.progress)}%)` : run.status;
    if (run.status === "finished" || run.status === "failed") { window.location.reload(); return; }
  }
  setTimeout(poll, 1500);
}
if (active.length) setTimeout(poll, 1000);
