// Moves focus to the error summary when a form comes back with errors, so keyboard and
// screen-reader users hear what to fix first. The page works the same without it.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-autofocus]");
  if (summary) summary.focus();

  // Signing out forgets what this browser kept for the person (chat messages waiting to be
  // sent): the next person at a shared computer must not find them.
  document.querySelectorAll("form[data-signout]").forEach((form) => {
    form.addEventListener("submit", () => {
      try {
        Object.keys(window.localStorage)
          .filter((key) => key.startsWith("practice-exchange:"))
          .forEach((key) => window.localStorage.removeItem(key));
      } catch { /* storage unavailable: nothing was kept */ }
    });
  });
});
