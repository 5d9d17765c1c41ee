// Live pages (live/): ask for new entries every data-live-poll seconds and insert them without a reload.
// The page works without this script: a reload shows the newest entries.
(function () {
  "use strict";
  var section = document.querySelector("[data-live-updates]");
  if (!section || !window.fetch || !window.HTMLTemplateElement) return;
  var url = section.getAttribute("data-live-updates");
  var etag = section.getAttribute("data-live-etag");
  // The server keeps it within 10-30 s (settings.LIVE_POLL_SECONDS); tests may set it as low as 1 s.
  var seconds = Math.min(30, Math.max(1, parseInt(section.getAttribute("data-live-poll"), 10) || 15));
  var list = section.querySelector(".live__entries");
  var keyEvents = section.querySelector(".live__key-events");
  var announce = section.querySelector(".live__announce");
  var timer = null;

  function element(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  function apply(data) {
    var existing = {};
    Array.prototype.forEach.call(list.querySelectorAll(":scope > [data-entry]"), function (node) {
      existing[node.getAttribute("data-entry")] = node;
    });
    var added = 0;
    var previous = null;
    data.entries.forEach(function (item) {
      var id = String(item.id);
      var node = existing[id];
      var fresh = element(item.html);
      if (!node) {
        node = fresh;
        added += 1;
      } else if (node.getAttribute("data-edited") !== fresh.getAttribute("data-edited")) {
        node.replaceWith(fresh);
        node = fresh;
      }
      delete existing[id];
      if (previous) previous.after(node);
      else if (list.firstElementChild !== node) list.prepend(node);
      previous = node;
    });
    Object.keys(existing).forEach(function (id) { existing[id].remove(); });
    var empty = list.querySelector(".live__empty");
    if (empty && data.entries.length) empty.remove();
    keyEvents.innerHTML = data.key_events_html;
    if (added) announce.textContent = added === 1 ? "1 new update" : added + " new updates";
    return data.running;
  }

  function poll() {
    fetch(url, { headers: { "If-None-Match": etag, Accept: "application/json" }, cache: "no-store", credentials: "omit" })
      .then(function (response) {
        if (response.status === 304) return true;
        if (response.status === 404) return false; // the story was taken down: stop asking
        if (!response.ok) return true; // try again later
        etag = response.headers.get("ETag") || etag;
        return response.json().then(apply);
      })
      .catch(function () { return true; })
      .then(function (goOn) { if (goOn) schedule(); });
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(poll, seconds * 1000);
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") poll(); // catch up at once after the tab was hidden
    else clearTimeout(timer);
  });
  schedule();
})();
