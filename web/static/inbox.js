// The only script: a decision whose write is still on its way (another approve held the executor) is
// watched until it lands, and its line updated in place. Text only (textContent): nothing is parsed as HTML.
"use strict";
document.querySelectorAll("[data-waiting]").forEach((line) => {
  let tries = 0;
  const check = async () => {
    tries += 1;
    const answer = await fetch(line.dataset.waiting, { credentials: "same-origin" });
    if (!answer.ok) return;
    const state = await answer.json();
    line.querySelector(".label").textContent = state.status_label;
    line.querySelector(".outcome-text").textContent = state.outcome ? " — " + state.outcome : "";
    if ((state.status === "approved" || state.status === "executing") && tries < 60) setTimeout(check, 2000);
  };
  setTimeout(check, 2000);
});
