// Moves focus to the error summary when a form comes back with errors, so keyboard and
// screen-reader users hear what to fix first. The page works the same without it.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-autofocus]");
  if (summary) summary.focus();
});
