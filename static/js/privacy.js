// The privacy guard while someone writes: after a pause in typing, the text is checked by the
// server (the same detector that checks on submit) and anything that could identify a child or
// family is listed and marked under the field. The server checks again on submit whatever this
// page did, so this is help, never the gate. Without JavaScript the same warning appears after
// submitting.
(() => {
  "use strict";
  const PAUSE_MS = 700;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // The server counts characters (code points); JavaScript strings count UTF-16 units.
  function markedCopy(text, findings) {
    const chars = Array.from(text);
    const copy = el("div", "privacy-copy");
    let at = 0;
    findings.slice().sort((a, b) => a.start - b.start).forEach((f) => {
      if (f.start < at || f.end > chars.length) return;
      copy.append(document.createTextNode(chars.slice(at, f.start).join("")));
      const mark = el("mark", "privacy-mark", chars.slice(f.start, f.end).join(""));
      mark.append(el("span", "visually-hidden", ` (${f.label})`));
      copy.append(mark);
      at = f.end;
    });
    copy.append(document.createTextNode(chars.slice(at).join("")));
    return copy;
  }

  // Fills a panel with the same markup the server renders in _partials/forms.html.
  function renderPanel(panel, text, findings, guidanceUrl) {
    panel.replaceChildren();
    panel.hidden = !findings.length;
    if (!findings.length) return;
    const n = findings.length;
    const title = el("p", "privacy-title");
    title.append(el("strong", "", "This may identify someone"));
    panel.append(title);
    const advice = el("p", "", `We found ${n === 1 ? "a detail" : `${n} details`} that could identify a child or family. `
      + `Please change ${n === 1 ? "it" : "them"} before you post: for example “Child A, aged 7” instead of a name, `
      + "or “a primary school in the north of the borough”. ");
    const link = el("a", "", "How to anonymise a case (opens in a new tab)");
    link.href = guidanceUrl || "/guidance/anonymising";
    link.target = "_blank";
    link.rel = "noopener";
    advice.append(link);
    const list = el("ul", "privacy-findings");
    findings.forEach((f) => {
      const li = el("li");
      li.append(el("strong", "", f.label), document.createTextNode(`: “${f.text}”`));
      list.append(li);
    });
    panel.append(advice, list, el("p", "privacy-copy-label", "Your text, with the details marked:"), markedCopy(text, findings));
  }

  function summary(findings) {
    const labels = [...new Set(findings.map((f) => f.label))];
    return labels.join("; ");
  }

  function csrfToken(form) {
    const input = form.querySelector('input[name="csrf_token"]');
    const meta = document.querySelector('meta[name="csrf-token"]');
    return (input && input.value) || (meta && meta.content) || "";
  }

  function watch(form) {
    const fields = [...form.querySelectorAll("[data-privacy-field]")];
    const choice = form.querySelector("[data-privacy-choice]");
    const status = form.querySelector("[data-privacy-status]");
    const warningInput = form.querySelector('input[name="privacy_warning"]');
    const spaceField = form.dataset.privacySpaceField ? document.getElementById(form.dataset.privacySpaceField) : null;
    const authorityField = form.dataset.privacyAuthorityField ? document.getElementById(form.dataset.privacyAuthorityField) : null;
    let timer = null;
    let asked = 0;
    let lastSaid = "";
    let quiet = false;

    function where() {
      if (spaceField) return { space: spaceField.value }; // a space's slug ("network" for none)
      if (authorityField) return { authority_id: Number(authorityField.value) || null }; // an id, 0 for none
      const id = form.dataset.privacyAuthority;
      return { authority_id: id ? Number(id) : null };
    }

    // On an edit page: what is being edited, so details already published do not warn again.
    function editing() {
      if (form.dataset.privacyPost) return { post_id: Number(form.dataset.privacyPost) };
      if (form.dataset.privacyMessage) return { message_id: Number(form.dataset.privacyMessage) };
      return {};
    }

    async function check() {
      const texts = {};
      fields.forEach((f) => { if (f.value.trim()) texts[f.dataset.privacyField] = f.value; });
      const mine = ++asked;
      if (!Object.keys(texts).length) { show({ fields: {} }, texts); return; }
      let answer;
      try {
        const response = await fetch("/api/privacy/check", {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(form) },
          credentials: "same-origin",
          body: JSON.stringify({ texts, surface: form.dataset.privacy, warning_id: warningInput ? warningInput.value : null, ...where(), ...editing() }),
        });
        if (!response.ok) {
          // Rate-limited or refused: say so rather than leave an old result standing.
          if (status && response.status === 429) status.textContent = "Privacy check paused for a moment: the details are checked again when you post.";
          return;
        }
        answer = (await response.json()).privacy;
      } catch { return; }
      if (mine !== asked) return; // a newer check is on its way
      show(answer, texts);
    }

    function show(answer, texts) {
      let count = 0;
      const all = [];
      fields.forEach((f) => {
        const found = (answer.fields || {})[f.dataset.privacyField] || [];
        count += found.length;
        all.push(...found);
        const panel = document.getElementById(`${f.id}-privacy`);
        if (!panel) return;
        // Rebuilding a panel that shows the same thing would throw away keyboard focus inside it
        // (a Tab from the field lands on its guidance link just as the blur check answers).
        const key = JSON.stringify([texts[f.dataset.privacyField] || "", found]);
        if (panel.dataset.shown !== key) {
          renderPanel(panel, texts[f.dataset.privacyField] || "", found, answer.guidance_url);
          panel.dataset.shown = key;
        }
        const described = (f.getAttribute("aria-describedby") || "").split(" ").filter((id) => id && id !== panel.id);
        if (found.length) described.push(panel.id);
        if (described.length) f.setAttribute("aria-describedby", described.join(" "));
        else f.removeAttribute("aria-describedby");
      });
      if (warningInput && answer.warning_id) warningInput.value = answer.warning_id;
      if (choice) {
        choice.hidden = !count;
        if (!count) choice.querySelectorAll("input[type=checkbox]").forEach((box) => { box.checked = false; });
      }
      const said = count ? `Privacy check: ${count === 1 ? "1 detail" : `${count} details`} that could identify someone (${summary(all)}). They are listed under the field.`
        : (lastSaid ? "Privacy check: nothing identifying found now." : "");
      if (status && !quiet && said !== lastSaid) status.textContent = said;
      lastSaid = said;
    }

    // After sending (chat) the box is empty: forget the warning without announcing anything,
    // and drop any check still on its way, which would otherwise bring the old panel back.
    function reset() {
      asked += 1;
      clearTimeout(timer);
      quiet = true;
      show({ fields: {} }, {});
      quiet = false;
      lastSaid = "";
      if (status) status.textContent = "";
      if (warningInput) warningInput.value = "";
    }

    fields.forEach((f) => {
      f.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(check, PAUSE_MS); });
      f.addEventListener("blur", () => { clearTimeout(timer); check(); });
    });
    [spaceField, authorityField].forEach((f) => { if (f) f.addEventListener("change", check); });
    form.practiceExchangePrivacy = { check, reset };
    // A page shown again after Preview or another error: check what is already in the boxes.
    if (fields.some((f) => f.value.trim()) && !form.querySelector("[data-privacy-panel]:not([hidden])")) check();
  }

  window.practiceExchangePrivacy = { renderPanel, summary };
  document.querySelectorAll("form[data-privacy]").forEach(watch);
})();
