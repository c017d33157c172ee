// The desk and the door lists, with JavaScript: results update as one types, buttons and the code
// form post in place (the server answers with the page; its results region replaces ours), and a
// camera scanner reads QR codes with the browser's BarcodeDetector. Without this script every
// form works as a plain form (post, redirect, page).
(function () {
  "use strict";
  var region = document.querySelector("[data-desk-region]");
  if (!region || !window.fetch || !window.DOMParser) return;

  function replaceRegion(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.querySelector("[data-desk-region]");
    if (fresh) region.innerHTML = fresh.innerHTML;
  }

  function currentQuery() {
    var input = document.querySelector("[data-desk-search] input[name=q]");
    return input ? input.value : "";
  }

  // Posting in place: any form marked data-desk-form, in the region or outside it.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-desk-form]")) return;
    event.preventDefault();
    var data = new FormData(form);
    data.set("q", currentQuery());
    var isCode = form.querySelector("input[name=code]");
    fetch(form.getAttribute("action") || window.location.href, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        replaceRegion(html);
        if (isCode) {
          isCode.value = "";
          form.querySelector("input[name=scanned]").value = "";
          isCode.focus();
        } else {
          var notice = region.querySelector(".notice");
          if (notice) { notice.setAttribute("tabindex", "-1"); notice.focus(); }
        }
      })
      .catch(function () { form.submit(); });
  });

  // Search as you type.
  var search = document.querySelector("[data-desk-search]");
  if (search) {
    var input = search.querySelector("input[name=q]");
    var timer = null;
    var ask = function () {
      var url = search.getAttribute("action") + "?q=" + encodeURIComponent(input.value) + "&deel=1";
      fetch(url, { credentials: "same-origin" })
        .then(function (response) { return response.text(); })
        .then(function (html) {
          region.innerHTML = html;
          var address = search.getAttribute("action") + (input.value ? "?q=" + encodeURIComponent(input.value) : "");
          window.history.replaceState(null, "", address);
        });
    };
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, 250);
    });
    search.addEventListener("submit", function (event) { event.preventDefault(); window.clearTimeout(timer); ask(); });
  }

  // The camera scanner, where the browser has a QR BarcodeDetector.
  var scan = document.querySelector(".desk-scan");
  if (!scan || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  window.BarcodeDetector.getSupportedFormats().then(function (formats) {
    if (formats.indexOf("qr_code") === -1) return;
    scan.hidden = false;
    var button = scan.querySelector(".desk-scan__start");
    var video = scan.querySelector(".desk-scan__video");
    var form = scan.closest("form");
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    var stream = null;
    var last = "";
    var lastAt = 0;
    var loop = function () {
      if (!stream) return;
      detector.detect(video).then(function (codes) {
        var now = Date.now();
        if (codes.length && (codes[0].rawValue !== last || now - lastAt > 3000)) {
          last = codes[0].rawValue;
          lastAt = now;
          form.querySelector("input[name=code]").value = last;
          form.querySelector("input[name=scanned]").value = "1";
          form.requestSubmit();
        }
      }).catch(function () {}).then(function () { window.setTimeout(loop, 250); });
    };
    button.addEventListener("click", function () {
      if (stream) {
        stream.getTracks().forEach(function (track) { track.stop(); });
        stream = null;
        video.hidden = true;
        button.textContent = button.getAttribute("data-start");
        return;
      }
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (media) {
        stream = media;
        video.srcObject = media;
        video.hidden = false;
        video.play();
        button.setAttribute("data-start", button.textContent);
        button.textContent = button.getAttribute("data-stop");
        loop();
      }).catch(function () {
        button.disabled = true;
      });
    });
  });
})();
