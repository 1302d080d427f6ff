// Live chat for one room. The page works without this file (plain form posts); with it,
// messages arrive live, sends survive a dropped connection, and a reconnect catches up.
//
// Delivery rules the server keeps and this client relies on:
// - every change in a room (send, edit, delete) has a rev, numbered 1, 2, 3... per room;
// - `chat:join` / `chat:sync` with since_rev return every message changed after it, in order;
// - a send carries a client id, so resending after a dropped connection stores it once.
(() => {
  "use strict";
  const root = document.getElementById("chat");
  if (!root || typeof window.io !== "function") return;

  const roomId = Number(root.dataset.roomId);
  const me = Number(root.dataset.userId);
  const canModerate = root.dataset.canModerate === "true";
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const list = document.getElementById("messages");
  const form = document.getElementById("message-form");
  const input = form.querySelector("textarea");
  const maxLength = Number(input.dataset.max || 4000);
  const counter = document.getElementById("char-count");
  const statusLine = document.getElementById("connection-status");
  const announcer = document.getElementById("live-announcer");
  const typingLine = document.getElementById("typing");
  const peopleList = document.getElementById("people");
  const olderLink = document.getElementById("older-link");
  const replyBox = document.getElementById("replying-to");
  const replyText = document.getElementById("replying-to-text");
  const outboxKey = `practice-exchange:outbox:${me}:${roomId}`;

  let rev = Number(root.dataset.rev); // every change up to here is on the page
  let lastRead = Number(root.dataset.lastRead);
  let replyTo = null;
  let gapTimer = null;
  let joined = false;
  const ahead = new Set(); // revs seen live beyond a gap
  const typingPeople = new Map();

  const byId = new Map();
  list.querySelectorAll("li.message").forEach((li) => byId.set(Number(li.dataset.id), li));

  // ---- connection ----------------------------------------------------------------------
  // Websocket first (one connection, no polling round trips); long-polling if a proxy blocks it.
  const socket = window.io({
    auth: { csrf_token: csrf },
    transports: ["websocket", "polling"],
    tryAllTransports: true,
    reconnectionDelayMax: 10000,
  });
  window.practiceExchangeSocket = socket; // session.js shares this connection

  function setStatus(text, kind) {
    statusLine.textContent = text;
    statusLine.className = `connection connection-${kind}`;
  }

  function request(event, payload, timeout = 10000) {
    return new Promise((resolve) => {
      socket.timeout(timeout).emit(event, payload, (err, ack) => {
        resolve(err ? { ok: false, error: "No answer from the server.", timeout: true } : ack);
      });
    });
  }

  socket.on("connect", async () => {
    setStatus("Connecting…", "offline");
    const ack = await request("chat:join", { room_id: roomId, since_rev: rev });
    if (!ack.ok) {
      setStatus(ack.error || "Could not join the room.", "offline");
      return;
    }
    joined = true;
    setStatus("Live", "live");
    apply(ack.messages);
    let more = ack.more_changes;
    while (more) {
      const next = await request("chat:sync", { room_id: roomId, since_rev: rev });
      if (!next.ok) break;
      apply(next.messages);
      more = next.more_changes;
      if (!more) catchUpTo(next.rev);
    }
    if (!ack.more_changes) catchUpTo(ack.room.rev);
    showPeople(ack.people);
    flushOutbox();
    markRead();
  });

  socket.on("disconnect", (reason) => {
    joined = false;
    setStatus("Offline: reconnecting… Messages you send will wait and go when you are back.", "offline");
    if (reason === "io server disconnect") {
      // The server closed us (signed out, access changed). Try once: if this browser is still
      // signed in elsewhere-valid, it reconnects; if not, connect_error says so.
      setTimeout(() => socket.connect(), 1500);
    }
  });

  socket.on("connect_error", (error) => {
    setStatus(`Offline: ${(error.message || "cannot reach the server").replace(/\.+$/, "")}. Reload the page to sign in again if this lasts.`, "offline");
  });

  socket.on("chat:message", (message) => {
    if (message.room_id !== roomId) return;
    const isNew = !byId.has(message.id);
    apply([message]);
    if (isNew && message.author.id !== me) announce(message);
    if (document.visibilityState === "visible") markRead();
  });
  socket.on("chat:update", (message) => { if (message.room_id === roomId) apply([message]); });
  socket.on("chat:presence", (data) => { if (data.room_id === roomId) showPeople(data.people); });
  socket.on("chat:typing", (data) => {
    if (data.room_id !== roomId || data.person.id === me) return;
    if (data.typing) typingPeople.set(data.person.id, { name: data.person.name, at: Date.now() });
    else typingPeople.delete(data.person.id);
    showTyping();
  });
  setInterval(() => {
    const now = Date.now();
    for (const [id, entry] of typingPeople) if (now - entry.at > 6000) typingPeople.delete(id);
    showTyping();
  }, 2000);

  // ---- applying changes ----------------------------------------------------------------
  function catchUpTo(serverRev) {
    if (serverRev > rev) rev = serverRev;
    for (const r of [...ahead]) if (r <= rev) ahead.delete(r);
  }

  function noteRev(r) {
    if (r <= rev) return;
    ahead.add(r);
    while (ahead.has(rev + 1)) { ahead.delete(rev + 1); rev += 1; }
    if (ahead.size && !gapTimer) {
      // A change we have not seen sits between: fetch it if it does not arrive shortly.
      gapTimer = setTimeout(async () => {
        gapTimer = null;
        if (!joined || !ahead.size) return;
        const ack = await request("chat:sync", { room_id: roomId, since_rev: rev });
        if (ack.ok) { apply(ack.messages); if (!ack.more_changes) catchUpTo(ack.rev); }
      }, 2000);
    }
  }

  function apply(messages) {
    messages.slice().sort((a, b) => a.rev - b.rev).forEach((m) => {
      const current = byId.get(m.id) || (m.client_id && list.querySelector(`li[data-client-id="${CSS.escape(m.client_id)}"]`));
      if (current && Number(current.dataset.rev || 0) > m.rev) { noteRev(m.rev); return; }
      const li = render(m);
      if (current) current.replaceWith(li);
      else insertInOrder(li, m.seq);
      byId.set(m.id, li);
      if (m.client_id) dropFromOutbox(m.client_id);
      noteRev(m.rev);
    });
    const empty = document.getElementById("no-messages");
    if (empty && byId.size) empty.remove();
  }

  function insertInOrder(li, seq) {
    const items = list.querySelectorAll("li.message[data-seq]");
    for (let i = items.length - 1; i >= 0; i -= 1) {
      if (Number(items[i].dataset.seq) < seq) { items[i].after(li); return; }
    }
    const pending = list.querySelector("li.message-pending");
    if (pending) pending.before(li);
    else if (items.length) items[0].before(li);
    else list.append(li);
    if (!items.length || Number(items[items.length - 1].dataset.seq) < seq) list.scrollTop = list.scrollHeight;
  }

  // Counted as the server counts: characters, not UTF-16 units (an emoji is one, not two).
  function codePoints(text) {
    return [...text].length;
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function timeOf(iso) {
    return new Date(iso).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: "Europe/London" });
  }

  function render(m) {
    const li = el("li", "message" + (m.deleted ? " message-deleted" : ""));
    li.id = `m-${m.seq}`;
    Object.assign(li.dataset, { id: m.id, seq: m.seq, rev: m.rev, author: m.author.id });
    if (m.client_id) li.dataset.clientId = m.client_id;
    const meta = el("p", "message-meta");
    meta.append(el("span", "message-author", m.author.name));
    if (m.author.badge) meta.append(el("span", "badge badge-role", m.author.badge));
    const link = el("a", "message-time");
    link.href = `#m-${m.seq}`;
    const time = el("time", "", timeOf(m.created_at));
    time.dateTime = m.created_at;
    link.append(time);
    meta.append(link);
    if (m.edited && !m.deleted) meta.append(el("span", "message-edited", "(edited)"));
    li.append(meta);
    if (m.reply_to && !m.deleted) {
      const reply = el("p", "message-reply", "Replying to ");
      const target = el("a", "", m.reply_to.author);
      target.href = `#m-${m.reply_to.seq}`;
      reply.append(target, document.createTextNode(`: ${m.reply_to.excerpt}`));
      li.append(reply);
    }
    if (m.deleted) {
      li.append(el("p", "message-body post-deleted", "This message was deleted."));
      return li;
    }
    if (m.held && m.author.id !== me) {
      li.append(el("p", "message-body post-deleted", "This message is waiting for a moderator."));
      return li;
    }
    if (m.held) {
      li.classList.add("message-held");
      li.append(el("p", "message-status held-note", m.rejected
        ? `Not approved: ${m.held_reason} Edit it to send it back for review.`
        : `Waiting for a moderator: only you can see this message. ${m.held_reason || ""}`));
    }
    const body = el("div", "message-body");
    body.innerHTML = m.html; // already sanitised by the server's one content pipeline
    li.append(body);
    li.append(actionsFor(m));
    return li;
  }

  function actionsFor(m) {
    const actions = el("div", "message-actions");
    if (m.held) { // nothing to reply to yet: others cannot see it
      const waiting = el("div", "message-actions");
      if (m.author.id === me) {
        const edit = el("a", "", "Edit");
        edit.href = `/messages/${m.id}/edit`;
        edit.append(el("span", "visually-hidden", " your message"));
        waiting.append(edit);
      }
      return waiting;
    }
    const replyButton = el("button", "link-button", "Reply");
    replyButton.type = "button";
    replyButton.append(el("span", "visually-hidden", ` to ${m.author.name}`));
    replyButton.addEventListener("click", () => startReply(m));
    actions.append(replyButton);
    if (m.author.id === me) {
      const edit = el("a", "", "Edit");
      edit.href = `/messages/${m.id}/edit`;
      edit.append(el("span", "visually-hidden", " your message"));
      actions.append(edit);
    }
    if (m.author.id !== me) {
      const report = el("a", "", "Report");
      report.href = `/report/message/${m.id}`;
      report.append(el("span", "visually-hidden", ` message by ${m.author.name}`));
      actions.append(report);
    }
    if (m.author.id === me || canModerate) {
      const del = el("button", "link-button", "Delete");
      del.type = "button";
      del.append(el("span", "visually-hidden", ` message by ${m.author.name}`));
      del.addEventListener("click", async () => {
        if (!window.confirm("Delete this message for everyone?")) return;
        const ack = await request("chat:delete", { message_id: m.id });
        if (ack.ok) apply([ack.message]);
        else setStatus(ack.error, "offline");
      });
      actions.append(del);
    }
    return actions;
  }

  // Server-rendered messages get the same live buttons: reply, and delete without a reload.
  list.querySelectorAll("li.message button.js-reply").forEach((button) => {
    button.hidden = false;
    const id = Number(button.closest("li.message").dataset.id);
    button.addEventListener("click", () => startReply({ id, author: { name: button.dataset.authorName } }));
  });
  list.querySelectorAll("li.message form").forEach((f) => {
    f.addEventListener("submit", async (event) => {
      if (!socket.connected) return; // falls back to the plain form post
      event.preventDefault();
      if (!window.confirm("Delete this message for everyone?")) return;
      const id = Number(f.closest("li.message").dataset.id);
      const ack = await request("chat:delete", { message_id: id });
      if (ack.ok) apply([ack.message]);
    });
  });

  function announce(m) {
    const text = (m.deleted ? "" : (new DOMParser().parseFromString(m.html, "text/html").body.textContent || "")).trim();
    const line = el("p", "", `${m.author.name}: ${text.slice(0, 200)}`);
    announcer.append(line);
    while (announcer.childElementCount > 5) announcer.firstElementChild.remove();
  }

  function showPeople(people) {
    peopleList.replaceChildren(...people.map((p) => {
      const li = el("li", "", p.name);
      li.dataset.userId = p.id;
      return li;
    }));
    if (!people.length) peopleList.append(el("li", "meta", "Nobody else yet."));
  }

  function showTyping() {
    const names = [...typingPeople.values()].map((p) => p.name);
    typingLine.textContent = names.length === 0 ? "" : names.length === 1 ? `${names[0]} is typing…` : `${names.join(", ")} are typing…`;
  }

  // ---- reading -------------------------------------------------------------------------
  let readTimer = null;
  function markRead() {
    clearTimeout(readTimer);
    readTimer = setTimeout(() => {
      const items = list.querySelectorAll("li.message[data-seq]");
      if (!items.length || !joined) return;
      const seq = Number(items[items.length - 1].dataset.seq);
      if (seq > lastRead) { lastRead = seq; request("chat:read", { room_id: roomId, seq }); }
    }, 800);
  }
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") markRead(); });

  if (olderLink) {
    olderLink.addEventListener("click", async (event) => {
      if (!joined) return;
      event.preventDefault();
      const first = list.querySelector("li.message[data-seq]");
      const ack = await request("chat:history", { room_id: roomId, before_seq: Number(first.dataset.seq) });
      if (!ack.ok) return;
      const height = list.scrollHeight;
      ack.messages.slice().reverse().forEach((m) => {
        if (byId.has(m.id)) return;
        const li = render(m);
        list.querySelector("li.message[data-seq]").before(li);
        byId.set(m.id, li);
      });
      list.scrollTop += list.scrollHeight - height;
      if (!ack.has_more) olderLink.closest("p").remove();
    });
  }

  // ---- sending -------------------------------------------------------------------------
  function loadOutbox() {
    try { return JSON.parse(window.localStorage.getItem(outboxKey) || "[]"); } catch { return []; }
  }
  function saveOutbox(items) {
    try { window.localStorage.setItem(outboxKey, JSON.stringify(items)); } catch { /* private mode: memory only */ }
  }
  function dropFromOutbox(clientId) {
    saveOutbox(loadOutbox().filter((item) => item.client_id !== clientId));
  }

  function newClientId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function showPending(item) {
    let li = list.querySelector(`li[data-client-id="${CSS.escape(item.client_id)}"]`);
    if (!li) {
      li = el("li", "message message-pending");
      li.dataset.clientId = item.client_id;
      const meta = el("p", "message-meta");
      meta.append(el("span", "message-author", "You"), el("span", "", "Sending…"));
      li.append(meta, el("p", "message-body", item.body));
      list.append(li);
      list.scrollTop = list.scrollHeight;
    }
    return li;
  }

  function showFailed(item, error, privacy) {
    const li = showPending(item);
    li.classList.add("message-failed");
    li.querySelectorAll(".message-status, .message-actions, .privacy-panel").forEach((n) => n.remove());
    const sending = li.querySelector(".message-meta span:last-child");
    if (sending) sending.textContent = "Not sent";
    li.append(el("p", "message-status", privacy ? "Not sent yet: this may identify a child or family." : `Not sent: ${error}`));
    const actions = el("div", "message-actions");
    if (privacy && window.practiceExchangePrivacy) {
      const panel = el("div", "privacy-panel");
      window.practiceExchangePrivacy.renderPanel(panel, item.body, (privacy.fields || {}).body || [], privacy.guidance_url);
      li.append(panel);
      const anyway = el("button", "link-button", canModerate
        ? "Send anyway: you moderate this room, so it goes out at once" : "Send anyway: a moderator reads it first");
      anyway.type = "button";
      anyway.addEventListener("click", () => {
        li.remove();
        send({ ...item, post_anyway: true, warning_id: privacy.warning_id });
        input.focus();
      });
      actions.append(anyway);
      announcer.textContent = `Not sent yet: your message may identify someone (${window.practiceExchangePrivacy.summary((privacy.fields || {}).body || [])}).`;
    }
    const retry = el("button", "link-button", "Try again");
    retry.type = "button";
    retry.addEventListener("click", () => { li.remove(); send({ ...item, client_id: newClientId() }); });
    if (privacy) retry.hidden = true; // the same text would be refused the same way
    const edit = el("button", "link-button", "Put back in the box");
    edit.type = "button";
    edit.addEventListener("click", () => {
      input.value = item.body;
      const warningInput = form.querySelector('input[name="privacy_warning"]');
      if (privacy && warningInput) warningInput.value = privacy.warning_id || ""; // so a fix counts as "changed"
      li.remove();
      input.focus();
      updateCounter();
    });
    actions.append(retry, edit);
    li.append(actions);
  }

  async function send(item) {
    const outbox = loadOutbox();
    if (!outbox.some((o) => o.client_id === item.client_id)) { outbox.push(item); saveOutbox(outbox); }
    showPending(item);
    if (!socket.connected || !joined) return; // flushOutbox() sends it on reconnect
    const ack = await request("chat:send", {
      room_id: roomId, body: item.body, client_id: item.client_id, reply_to_id: item.reply_to_id,
      post_anyway: item.post_anyway === true, warning_id: item.warning_id || null,
    });
    if (ack.ok) {
      apply([ack.message]);
      if (ack.message.held) announcer.textContent = "Your message is waiting for a moderator. Only you can see it until it is approved.";
      return;
    }
    if (ack.timeout) return; // still in the outbox; a reconnect resends with the same id
    dropFromOutbox(item.client_id);
    showFailed(item, ack.error, ack.privacy);
  }

  function flushOutbox() {
    loadOutbox().forEach((item) => send(item));
  }

  function startReply(m) {
    replyTo = m;
    replyText.textContent = `Replying to ${m.author.name}`;
    replyBox.hidden = false;
    input.focus();
  }
  document.getElementById("cancel-reply").addEventListener("click", () => { replyTo = null; replyBox.hidden = true; input.focus(); });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = input.value;
    if (!body.trim()) { setStatus("Write a message: it cannot be empty.", "offline"); return; }
    if (codePoints(body) > maxLength) { setStatus(`Messages must be ${maxLength} characters or fewer.`, "offline"); return; }
    const anywayBox = form.querySelector('input[name="post_anyway"]');
    const warningInput = form.querySelector('input[name="privacy_warning"]');
    send({
      client_id: newClientId(), body, reply_to_id: replyTo ? replyTo.id : null,
      post_anyway: Boolean(anywayBox && anywayBox.checked), warning_id: warningInput ? warningInput.value : null,
    });
    if (warningInput) warningInput.value = "";
    if (form.practiceExchangePrivacy) form.practiceExchangePrivacy.reset();
    input.value = "";
    replyTo = null;
    replyBox.hidden = true;
    updateCounter();
    stopTyping();
  });

  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  function updateCounter() {
    const left = maxLength - codePoints(input.value);
    counter.textContent = left < 0 ? `${-left} characters too many` : `${left} characters left`;
  }
  let typingTimer = null;
  let typingSent = false;
  function stopTyping() {
    clearTimeout(typingTimer);
    if (typingSent && joined) request("chat:typing", { room_id: roomId, typing: false });
    typingSent = false;
  }
  input.addEventListener("input", () => {
    updateCounter();
    if (!joined) return;
    if (!typingSent) { typingSent = true; request("chat:typing", { room_id: roomId, typing: true }); }
    clearTimeout(typingTimer);
    typingTimer = setTimeout(stopTyping, 3000);
  });
  updateCounter();
  list.scrollTop = list.scrollHeight;
  const marker = document.getElementById("unread-marker");
  if (marker) marker.scrollIntoView({ block: "center" });
})();
