// Reads QR codes for the desk's camera scanner (static/js/desk.js) off the page's thread, so that
// typing and the results stay responsive while a frame is decoded (tens of milliseconds a frame on a
// phone without the browser's own BarcodeDetector, such as an iPhone).
//
// The first message names the decoder to load (static/vendor/jsqr); the answer says whether it
// loaded. Each later message is a frame ({id, pixels, width, height}, the pixels an RGBA buffer);
// the answer is {id, text}, the text of the QR code in it or null.
"use strict";

self.onmessage = function (event) {
  var message = event.data;
  if (message.decoder) {
    try {
      self.importScripts(message.decoder);
      self.postMessage({ ready: typeof self.jsQR === "function" });
    } catch (error) {
      self.postMessage({ ready: false });
    }
    return;
  }
  var found = null;
  try {
    // Our codes are always dark on light: no need to try the inverted image too.
    found = self.jsQR(new Uint8ClampedArray(message.pixels), message.width, message.height, {
      inversionAttempts: "dontInvert",
    });
  } catch (error) {
    found = null;
  }
  self.postMessage({ id: message.id, text: found && found.data ? found.data : null });
};
