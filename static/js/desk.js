// The desk and the door lists, with JavaScript: results update as one types, buttons and the code
// form post in place (the server answers with the page; its results region replaces ours), and a
// camera scanner reads QR codes with the browser's BarcodeDetector or, where that is missing or
// reads no QR codes, with the decoder the site serves itself (static/vendor/jsqr, fetched only
// when scanning starts, and run in a worker: static/js/qr-worker.js). Without this script every
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
          var scanned = form.querySelector("input[name=scanned]");
          isCode.value = "";
          // After a scan the camera stays in view: focusing the field would open a phone's keyboard.
          if (!scanned.value) isCode.focus();
          scanned.value = "";
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

  // The camera scanner.
  var scan = document.querySelector(".desk-scan");
  if (!scan || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;

  // A detector is a function from the video to a promise of the text of a QR code in view, or null.
  function nativeDetector() {
    if (!("BarcodeDetector" in window) || !window.BarcodeDetector.getSupportedFormats) return Promise.resolve(null);
    return window.BarcodeDetector.getSupportedFormats().then(function (formats) {
      if (formats.indexOf("qr_code") === -1) return null;
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      return function (video) {
        return detector.detect(video).then(function (codes) { return codes.length ? codes[0].rawValue : null; });
      };
    }, function () { return null; });
  }

  // The decoder the site serves itself, run in a worker (static/js/qr-worker.js): a frame is drawn
  // here (the video is only here) and read there.
  var vendored = null;
  function vendoredDetector() {
    if (!vendored) {
      vendored = new Promise(function (resolve, reject) {
        var worker;
        function fail() {
          if (worker) worker.terminate();
          vendored = null;
          reject(new Error("decoder"));
        }
        try {
          worker = new Worker(scan.getAttribute("data-decoder-worker"));
        } catch (error) {
          fail();
          return;
        }
        worker.onerror = fail;
        worker.onmessage = function (event) {
          if (event.data.ready) resolve(worker); else fail();
        };
        // The decoder's address as the page has it (with the static files' hashed names).
        worker.postMessage({ decoder: new URL(scan.getAttribute("data-decoder"), document.baseURI).href });
      }).then(function (worker) {
        var canvas = document.createElement("canvas");
        var context = canvas.getContext("2d", { willReadFrequently: true });
        var waiting = {};
        var next = 0;
        worker.onerror = null;
        worker.onmessage = function (event) {
          var answer = waiting[event.data.id];
          delete waiting[event.data.id];
          if (answer) answer(event.data.text);
        };
        return function (video) {
          var width = video.videoWidth;
          var height = video.videoHeight;
          if (!width || !height) return Promise.resolve(null);
          // A frame of at most 640 pixels across is read in tens of milliseconds on a phone, and a
          // code held at arm's length still spans well over a hundred of them.
          var scale = Math.min(1, 640 / Math.max(width, height));
          canvas.width = Math.round(width * scale);
          canvas.height = Math.round(height * scale);
          context.drawImage(video, 0, 0, canvas.width, canvas.height);
          var image = context.getImageData(0, 0, canvas.width, canvas.height);
          return new Promise(function (resolve) {
            var id = ++next;
            waiting[id] = resolve;
            // The pixels are handed over, not copied.
            worker.postMessage(
              { id: id, pixels: image.data.buffer, width: image.width, height: image.height },
              [image.data.buffer]
            );
          });
        };
      });
    }
    return vendored;
  }

  function detectorToUse() {
    return nativeDetector().then(function (detect) { return detect || vendoredDetector(); });
  }

  var button = scan.querySelector(".desk-scan__start");
  var video = scan.querySelector(".desk-scan__video");
  var status = scan.querySelector(".desk-scan__status");
  var form = scan.closest("form");
  var startLabel = button.textContent;
  var stream = null;
  var starting = false;
  var detect = null;
  var last = "";
  var lastSeenAt = 0;
  scan.hidden = false;

  function submitCode(text) {
    form.querySelector("input[name=code]").value = text;
    form.querySelector("input[name=scanned]").value = "1";
    if (form.requestSubmit) {
      form.requestSubmit();
    } else {
      form.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
    }
  }

  function loop(current) {
    if (stream !== current) return;  // stopped (and perhaps started again: that has a loop of its own)
    detect(video).then(function (text) {
      var now = Date.now();
      // A code held in view is sent once; the same code again only after it was out of view a while.
      if (text && (text !== last || now - lastSeenAt > 3000)) submitCode(text);
      if (text) { last = text; lastSeenAt = now; }
    }).catch(function () {}).then(function () { window.setTimeout(loop, 250, current); });
  }

  function stop(message) {
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
    video.srcObject = null;
    video.hidden = true;
    button.textContent = startLabel;
    status.textContent = message || "";
  }

  button.addEventListener("click", function () {
    if (stream) { stop(); return; }
    if (starting) return;
    starting = true;
    status.textContent = "";
    var camera = navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    camera.then(function (media) {
      return detectorToUse().then(function (found) {
        starting = false;
        detect = found;
        stream = media;
        video.srcObject = media;
        video.hidden = false;
        var playing = video.play();
        if (playing && playing.catch) playing.catch(function () {});
        button.textContent = button.getAttribute("data-stop");
        loop(media);
      }, function () {
        starting = false;
        media.getTracks().forEach(function (track) { track.stop(); });
        stop(scan.getAttribute("data-no-decoder"));
      });
    }, function () {
      starting = false;
      stop(scan.getAttribute("data-no-camera"));
    });
  });
})();
