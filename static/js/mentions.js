// @mention suggestions for any textarea with data-mention-thread, data-mention-room or
// data-mention (with data-mention-space-field naming the new-thread form's space select):
// typing "@ab" lists people who can read the place (from /people/suggest);
// Up/Down move, Enter or Tab picks, Escape closes. Typing works exactly as before without it.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("textarea[data-mention], textarea[data-mention-thread], textarea[data-mention-room]")
    .forEach(attach);

  function attach(area) {
    const list = document.createElement("ul");
    list.id = `${area.id}-mentions`;
    list.className = "mention-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "People to mention");
    list.hidden = true;
    area.after(list);
    area.setAttribute("aria-autocomplete", "list");
    area.setAttribute("aria-controls", list.id);
    let people = [], active = -1, timer = null, asked = "";

    function currentWord() {
      const before = area.value.slice(0, area.selectionStart);
      const match = /(^|[\s(])@([\w.-]{1,32})$/.exec(before);
      return match ? match[2] : null;
    }
    function close() {
      list.hidden = true; people = []; active = -1;
      area.removeAttribute("aria-activedescendant");
    }
    function show() {
      list.replaceChildren(...people.map((p, i) => {
        const li = document.createElement("li");
        li.id = `${list.id}-${i}`;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", String(i === active));
        li.textContent = `@${p.username} (${p.name})`;
        li.addEventListener("mousedown", (event) => { event.preventDefault(); pick(i); });
        return li;
      }));
      list.hidden = people.length === 0;
      if (active >= 0) area.setAttribute("aria-activedescendant", `${list.id}-${active}`);
    }
    function pick(i) {
      const word = currentWord();
      if (word === null || !people[i]) return close();
      const start = area.selectionStart - word.length;
      const insert = `${people[i].username} `;
      area.setRangeText(insert, start, area.selectionStart, "end");
      close();
      area.focus();
    }
    area.addEventListener("input", () => {
      const word = currentWord();
      if (word === null) return close();
      clearTimeout(timer);
      timer = setTimeout(async () => {
        asked = word;
        const params = new URLSearchParams({ q: word });
        if (area.dataset.mentionThread) params.set("thread", area.dataset.mentionThread);
        if (area.dataset.mentionRoom) params.set("room", area.dataset.mentionRoom);
        const spaceField = area.dataset.mentionSpaceField && document.getElementById(area.dataset.mentionSpaceField);
        if (spaceField) params.set("space", spaceField.value);
        try {
          const response = await fetch(`/people/suggest?${params}`, { credentials: "same-origin" });
          if (!response.ok || asked !== currentWord()) return;
          people = await response.json();
          active = people.length ? 0 : -1;
          show();
        } catch { close(); }
      }, 150);
    });
    area.addEventListener("keydown", (event) => {
      if (list.hidden) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        active = (active + (event.key === "ArrowDown" ? 1 : people.length - 1)) % people.length;
        show();
      } else if (event.key === "Enter" || event.key === "Tab") {
        if (active >= 0) { event.preventDefault(); event.stopImmediatePropagation(); pick(active); }
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    }, true);
    area.addEventListener("blur", () => setTimeout(close, 150));
  }
});
