// The notifications bell, live: a new notification raises the unread count on any open page and
// is announced politely to screen readers. Shares the page's connection when chat or a session
// already opened one. Without JavaScript the count is still right on every page load.
document.addEventListener("DOMContentLoaded", () => {
  const bell = document.getElementById("bell");
  if (!bell || !window.io) return;
  const socket = window.practiceExchangeSocket ||
    window.io({ auth: { csrf_token: bell.dataset.csrf }, transports: ["websocket", "polling"], tryAllTransports: true });
  window.practiceExchangeSocket = socket;
  const announcer = document.getElementById("bell-announcer");

  socket.on("notify", (data) => {
    let badge = bell.querySelector(".badge-unread");
    if (!badge) {
      badge = document.createElement("span");
      badge.className = "badge badge-unread";
      badge.append(document.createTextNode("0"), Object.assign(document.createElement("span"),
        { className: "visually-hidden", textContent: " unread" }));
      bell.append(" ", badge);
    }
    const count = badge.firstChild;
    count.textContent = String((parseInt(count.textContent, 10) || 0) + 1);
    if (announcer && data && data.text) announcer.textContent = `New notification: ${data.text}`;
  });
});
