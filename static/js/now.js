// 'Nu en straks': bring the list up to date once a minute (never faster), with a button that
// pauses it (WCAG 2.2.2). The region is aria-live="polite": screen readers hear what changed
// when they are done with what they were reading. Without this script the page is plain HTML
// with a link to load it again.
(function () {
  "use strict";
  var region = document.getElementById("nu-en-straks");
  var button = document.querySelector(".now-pause");
  var status = document.querySelector(".now-status");
  if (!region || !button || !window.fetch || !window.DOMParser) return;
  var seconds = Math.max(60, parseInt(button.getAttribute("data-seconds"), 10) || 60);
  var paused = false;
  var timer = null;

  function schedule() {
    window.clearTimeout(timer);
    if (!paused) timer = window.setTimeout(refresh, seconds * 1000);
  }

  function refresh() {
    fetch(region.getAttribute("data-source"), { credentials: "same-origin", cache: "no-cache" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        if (paused) return;
        var doc = new DOMParser().parseFromString(html, "text/html");
        var clock = document.querySelector("[data-now-clock]");
        var freshClock = doc.querySelector("[data-now-clock]");
        var fresh = doc.getElementById("nu-en-straks");
        if (clock && freshClock) clock.textContent = freshClock.textContent;
        // Only a change of what runs is written into the live region, and so announced.
        if (fresh && fresh.innerHTML.trim() !== region.innerHTML.trim()) region.innerHTML = fresh.innerHTML;
      })
      .catch(function () { /* try again at the next turn */ })
      .then(schedule);
  }

  button.addEventListener("click", function () {
    paused = !paused;
    button.textContent = button.getAttribute(paused ? "data-paused-label" : "data-running-label");
    if (paused) window.clearTimeout(timer); else refresh();
  });

  button.hidden = false;
  if (status) status.hidden = false;
  schedule();
})();
