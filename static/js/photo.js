/* Photos of the boards (form[data-photo-upload]). A phone photo is 5–8 MB, 20 s on a poor
   upload: the browser turns it into a JPEG of at most 2,000 px (what the server keeps
   anyway), upright, and sends that with XMLHttpRequest, which reports upload progress
   (fetch does not), with a cancel and the button disabled meanwhile. The server answers
   with the #results fragment (HX-Request), swapped as htmx would.
   Without this script the form posts the file as it is; a file the browser cannot read
   (HEIC on Chromium…) also goes as it is. The server keeps all its checks either way.
   The French words come from the form's data- attributes; the key comes from the capture
   client (capture.js, loaded before), as every other submission's does. */
(function () {
  "use strict";
  if (!window.FormData || !window.XMLHttpRequest || !window.WeakMap || !window.Promise ||
      !window.LaboCapture || !window.htmx) { return; }

  var LONG_SIDE = 2000;
  var QUALITY = 0.85;
  var AS_IS_BYTES = 1024 * 1024; // a JPEG within 2,000 px and under 1 MB goes as it is
  var ANSWERS_WITH_FRAGMENT = [409, 413, 422]; // refusals that carry #results and the error
  var keys = new WeakMap(); // File → Idempotency-Key: one per chosen photo, kept on a retry
  var prepared = new WeakMap(); // File → Promise of what to send: made once, even on a retry

  function keyOf(file) {
    if (!keys.has(file)) { keys.set(file, window.LaboCapture.newKey()); }
    return keys.get(file);
  }

  function viaImg(file) {
    // The CSP allows data: images, not blob: ones. <img> applies the EXIF orientation.
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onerror = reject;
      reader.onload = function () {
        var img = new Image();
        img.onload = function () { resolve(img); };
        img.onerror = reject;
        img.src = reader.result;
      };
      reader.readAsDataURL(file);
    });
  }

  function decode(file) {
    if (!window.createImageBitmap) { return viaImg(file); }
    return createImageBitmap(file, { imageOrientation: "from-image" });
  }

  function jpegName(name) {
    var stem = (name || "").replace(/\.[^.]*$/, "");
    return (stem || "photo") + ".jpg";
  }

  function downscale(file, image) {
    var width = image.naturalWidth || image.width;
    var height = image.naturalHeight || image.height;
    var longest = Math.max(width, height);
    if (file.type === "image/jpeg" && longest <= LONG_SIDE && file.size <= AS_IS_BYTES) {
      return Promise.resolve(file);
    }
    var scale = Math.min(1, LONG_SIDE / longest);
    var canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    var context = canvas.getContext("2d");
    context.fillStyle = "#fff"; // a transparent PNG comes out on white, as the server does it
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.imageSmoothingEnabled = true;
    context.imageSmoothingQuality = "high";
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    if (image.close) { image.close(); }
    return new Promise(function (resolve) {
      canvas.toBlob(function (blob) {
        // Never send more than the original when the original is already small enough.
        if (!blob || (longest <= LONG_SIDE && blob.size >= file.size)) { resolve(file); return; }
        resolve(new File([blob], jpegName(file.name), { type: "image/jpeg" }));
      }, "image/jpeg", QUALITY);
    });
  }

  function prepare(file) {
    if (!prepared.has(file)) {
      prepared.set(file, decode(file)
        .then(function (image) { return downscale(file, image); })
        .catch(function () { return file; })); // unreadable here: the server decides
    }
    return prepared.get(file);
  }

  function parts(form) {
    var box = form.querySelector(".photo-progress");
    return {
      input: form.querySelector("input[type=file]"),
      submit: form.querySelector("[type=submit]"),
      box: box,
      bar: box && box.querySelector("progress"),
      cancel: box && box.querySelector("[data-photo-cancel]"),
      status: form.querySelector(".photo-status")
    };
  }

  function say(status, text) {
    if (status) { status.textContent = text || ""; }
  }

  function swapResults(html) {
    htmx.swap("#results", html, { swapStyle: "outerHTML" });
  }

  function putBack(input, file) {
    // After a refusal the new form gets the photo back, ready to send again with a new key
    // (nothing was created under the old one).
    keys.delete(file);
    try {
      var transfer = new DataTransfer();
      transfer.items.add(file);
      input.files = transfer.files;
      prepared.set(input.files[0], prepare(file));
    } catch (error) { /* the person picks it again */ }
  }

  function afterSwap(ok, file, message) {
    var form = document.querySelector("form[data-photo-upload]");
    if (!form) { return; }
    var p = parts(form);
    if (!ok) { putBack(p.input, file); }
    if (p.input) { p.input.focus(); }
    // The live region is new: fill it once the reader has seen it, so it is announced.
    window.setTimeout(function () { say(p.status, message); }, 100);
  }

  function send(form, file) {
    var p = parts(form);
    var xhr = null;
    var cancelled = false;
    var token = form.querySelector("[name=csrfmiddlewaretoken]");

    function finish(message) {
      delete form.dataset.photoSending;
      form.removeAttribute("aria-busy");
      p.submit.disabled = false;
      p.box.hidden = true;
      p.cancel.onclick = null;
      say(p.status, message);
    }

    form.dataset.photoSending = "1";
    form.setAttribute("aria-busy", "true");
    p.submit.disabled = true;
    p.bar.removeAttribute("value"); // indeterminate while the photo is prepared
    p.box.hidden = false;
    say(p.status, form.dataset.preparing);
    p.cancel.onclick = function () {
      cancelled = true;
      if (xhr) { xhr.abort(); } else { finish(form.dataset.cancelled); }
    };

    prepare(file).then(function (upload) {
      if (cancelled) { return; }
      var data = new FormData(form);
      data.set(p.input.name, upload, upload.name);
      xhr = new XMLHttpRequest();
      xhr.open("POST", form.getAttribute("action") || location.href);  // not form.action: a field may be named so
      xhr.setRequestHeader("HX-Request", "true");
      xhr.setRequestHeader("HX-Target", "results");
      xhr.setRequestHeader("HX-Current-URL", window.location.href);
      xhr.setRequestHeader("Idempotency-Key", keyOf(file));
      if (token) { xhr.setRequestHeader("X-CSRFToken", token.value); }
      xhr.upload.onprogress = function (event) {
        if (event.lengthComputable) { p.bar.value = Math.round((100 * event.loaded) / event.total); }
      };
      xhr.onload = function () {
        var ok = xhr.status >= 200 && xhr.status < 300;
        var fragment = /id="results"/.test(xhr.responseText);
        if (fragment && (ok || ANSWERS_WITH_FRAGMENT.indexOf(xhr.status) !== -1)) {
          finish("");
          swapResults(xhr.responseText);
          afterSwap(ok, file, ok ? form.dataset.done : form.dataset.refused);
        } else {
          finish(form.dataset.refused);
        }
      };
      xhr.onerror = function () { finish(form.dataset.offline); };
      xhr.ontimeout = xhr.onerror;
      xhr.onabort = function () { finish(form.dataset.cancelled); };
      p.bar.value = 0;
      say(p.status, form.dataset.sending);
      xhr.send(data);
    });
  }

  // Capture phase: this runs before htmx's own listener on the form, and stops it.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-photo-upload")) { return; }
    var p = parts(form);
    var file = p.input && p.input.files && p.input.files[0];
    if (!file || !p.box || !p.submit) { return; } // no photo: the server says so, as always
    event.preventDefault();
    event.stopPropagation();
    if (!form.dataset.photoSending) { send(form, file); }
  }, true);

  // Start preparing as soon as the photo is chosen, while the caption is typed.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || input.type !== "file") { return; }
    var form = input.form;
    if (!form || !form.hasAttribute("data-photo-upload") || !input.files[0]) { return; }
    say(parts(form).status, "");
    keyOf(input.files[0]);
    prepare(input.files[0]);
  });
})();
