// Live state of a peer session (details page and room): the phase by the clock, the pinned
// message, the hands queue, and the host's controls. The server enforces all of it; this
// file shows it as it changes and sends the host's and participants' actions.
(() => {
  "use strict";
  const root = document.getElementById("session-live");
  if (!root || typeof window.io !== "function") return;
  const sessionId = Number(root.dataset.sessionId);
  const isHost = root.dataset.isHost === "true";
  const onRoomPage = Boolean(document.getElementById("chat"));
  const me = onRoomPage ? Number(document.getElementById("chat").dataset.userId) : null;
  const phaseLine = document.getElementById("session-phase");
  const pinned = document.getElementById("pinned");
  const hands = document.getElementById("hands");
  const handButton = document.getElementById("raise-hand");
  const people = document.getElementById("people");
  let current = null;
  let timers = [];
  let handUp = false;

  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const socket = window.practiceExchangeSocket ||
    window.io({ auth: { csrf_token: csrf }, transports: ["websocket", "polling"], tryAllTransports: true });

  function request(event, payload) {
    return new Promise((resolve) => {
      socket.timeout(10000).emit(event, { session_id: sessionId, ...payload }, (err, ack) => {
        resolve(err ? { ok: false, error: "No answer from the server." } : ack);
      });
    });
  }

  function ukTime(iso) {
    return new Date(iso).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: "Europe/London" });
  }

  function describe(state) {
    if (state.phase === "cancelled") return "This session was cancelled.";
    if (state.phase === "upcoming") return `The room opens at ${ukTime(state.opens_at)}.`;
    if (state.phase === "open") {
      return `The session is on. It ends at ${ukTime(state.closes_at)}.` +
        (state.locked ? " The host has locked the room: only hosts can speak." : "");
    }
    return "This session has ended. The room is read-only.";
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function apply(state) {
    current = state;
    phaseLine.textContent = describe(state);
    if (!onRoomPage) showRoomLink(state);
    if (pinned) showPinned(state.pinned_message_id);
    if (hands && isHost) showHands(state.hands);
    if (handButton) {
      const muted = state.muted.includes(me);
      handButton.hidden = state.phase !== "open" || muted;
      handUp = state.hands.some((h) => h.id === me);
      handButton.textContent = handUp ? "Lower your hand" : "Raise your hand";
      handButton.setAttribute("aria-pressed", handUp ? "true" : "false");
    }
    if (onRoomPage && isHost) decoratePeople();
    schedule(state);
  }

  function showRoomLink(state) {
    const box = document.getElementById("room-link-box");
    if (!box) return;
    if (state.phase === "open" && !box.querySelector("a")) {
      const link = el("a", "button", "Go to the room");
      link.href = box.dataset.roomUrl;
      const p = el("p");
      p.append(link);
      box.replaceChildren(p);
    } else if (state.phase === "closed" || state.phase === "cancelled") {
      box.replaceChildren();
    }
  }

  function showPinned(messageId) {
    pinned.replaceChildren();
    if (!messageId) return;
    const source = document.querySelector(`#messages li.message[data-id="${messageId}"] .message-body`);
    pinned.append(el("h3", "", "Pinned"));
    if (source) {
      const copy = source.cloneNode(true);
      copy.className = "post-body";
      pinned.append(copy);
    } else {
      pinned.append(el("p", "", "A message is pinned."));
    }
  }

  function showHands(list) {
    hands.replaceChildren();
    if (!list.length) { hands.append(el("li", "meta", "No hands raised.")); return; }
    list.forEach((hand) => {
      const li = el("li", "", `${hand.name} `);
      const take = el("button", "link-button", "Take");
      take.type = "button";
      take.append(el("span", "visually-hidden", ` ${hand.name}'s hand`));
      take.addEventListener("click", () => request("session:take-hand", { user_id: hand.id }));
      li.append(take);
      hands.append(li);
    });
  }

  function decoratePeople() {
    if (!people || !current) return;
    people.querySelectorAll("li[data-user-id]").forEach((li) => {
      const userId = Number(li.dataset.userId);
      if (userId === me || li.querySelector(".host-actions")) return;
      const box = el("span", "host-actions");
      const name = li.firstChild ? li.firstChild.textContent : "";
      if (!current.muted.includes(userId)) {
        const mute = el("button", "link-button", "Mute");
        mute.type = "button";
        mute.append(el("span", "visually-hidden", ` ${name}`));
        mute.addEventListener("click", async () => {
          const ack = await request("session:mute", { user_id: userId });
          if (!ack.ok) phaseLine.textContent = ack.error;
        });
        box.append(" ", mute);
      } else {
        box.append(" ", el("span", "meta", "(muted)"));
      }
      const remove = el("button", "link-button", "Remove");
      remove.type = "button";
      remove.append(el("span", "visually-hidden", ` ${name}`));
      remove.addEventListener("click", async () => {
        if (!window.confirm(`Remove ${name} from this session?`)) return;
        const ack = await request("session:remove", { user_id: userId });
        if (!ack.ok) phaseLine.textContent = ack.error;
      });
      box.append(" ", remove);
      li.append(box);
    });
  }

  function schedule(state) {
    timers.forEach(clearTimeout);
    timers = [];
    const now = Date.now();
    [state.opens_at, state.closes_at].forEach((iso) => {
      const wait = new Date(iso).getTime() - now;
      if (wait > 0 && wait < 2 ** 31 - 1) {
        timers.push(setTimeout(async () => {
          const ack = await request("session:state", {});
          if (ack.ok) apply(ack.state);
        }, wait + 500));
      }
    });
  }

  socket.on("connect", async () => {
    const ack = await request("session:watch", {});
    if (ack.ok) apply(ack.state);
  });
  if (socket.connected) request("session:watch", {}).then((ack) => { if (ack.ok) apply(ack.state); });
  socket.on("session:state", (state) => { if (state.session_id === sessionId) apply(state); });
  socket.on("session:you", (info) => {
    if (info.session_id !== sessionId || !info.muted) return;
    phaseLine.textContent = "A host has muted you for the rest of this session. You can still read along.";
    if (handButton) handButton.hidden = true;
  });
  if (people && isHost) new MutationObserver(decoratePeople).observe(people, { childList: true });
  if (handButton) {
    handButton.addEventListener("click", async () => {
      const ack = await request("session:hand", { raised: !handUp });
      if (!ack.ok) phaseLine.textContent = ack.error;
    });
  }
})();
