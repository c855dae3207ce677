// The claim form on a slow phone. Everything here is comfort: without it the form posts its full-size photos
// and the server does all the checks (it does them anyway: nothing the browser sends is trusted).
//  - a picked photo is shrunk here (longest side 1600 px, JPEG 0.8, upright) and sent at once to an upload slot
//    (POST /claims/uploads) with a progress bar, the submit button disabled meanwhile; the form then carries
//    only the slot's id ("upload"), so a refused form never costs a second upload;
//  - a photo that could not be sent (offline) waits: window.PremiaClaimForm.pendingPhotos(form) gives these
//    shrunk files (the offline queue sends them as "photos"), and a plain submit sends them with the form;
//  - serials are checked as typed against the product's pattern (data-serial-pattern, the server's rule),
//    duplicates within the form are caught before sending;
//  - "Scan" reads a barcode or QR code with the camera: BarcodeDetector where the browser has it, else the
//    vendored ZXing library, loaded only when the button is pressed.
(function () {
  "use strict";
  if (window.PremiaClaimForm) { return; }  // a boosted navigation runs the page's scripts again: listen once
  var EDGE = 1600, QUALITY = 0.8, states = new WeakMap();

  function claimForm(node) {
    return node && node.matches && node.matches("form.claim-form[data-upload-url]") ? node : null;
  }

  function state(form) {
    var s = states.get(form);
    if (!s) { s = { sending: 0, pending: [] }; states.set(form, s); }
    return s;
  }

  // --- photos ------------------------------------------------------------------------------------------------
  function decode(file) {
    function viaImg() {
      return new Promise(function (resolve, reject) {
        var img = new Image(), url = URL.createObjectURL(file);
        img.onload = function () { resolve(img); };  // <img> applies EXIF orientation (image-orientation)
        img.onerror = function () { URL.revokeObjectURL(url); reject(new Error("undecodable")); };
        img.src = url;
      });
    }
    if (window.createImageBitmap) {
      return createImageBitmap(file, { imageOrientation: "from-image" }).catch(viaImg);
    }
    return viaImg();
  }

  function jpegName(name) {
    return (name || "photo").replace(/\.[^.\/]*$/, "") + ".jpg";
  }

  // The picked file, shrunk; the original when this browser cannot decode it (HEIC on most): the server can.
  function shrink(file) {
    return decode(file).then(function (source) {
      var width = source.naturalWidth || source.width, height = source.naturalHeight || source.height;
      var scale = Math.min(1, EDGE / Math.max(width, height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(width * scale));
      canvas.height = Math.max(1, Math.round(height * scale));
      canvas.getContext("2d").drawImage(source, 0, 0, canvas.width, canvas.height);
      if (source.close) { source.close(); }
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          resolve(blob && blob.size < file.size ? new File([blob], jpegName(file.name), { type: "image/jpeg" }) : file);
        }, "image/jpeg", QUALITY);
      });
    }).catch(function () { return file; });
  }

  function csrf(form) {
    var field = form.querySelector("input[name=_csrf_token]") || document.querySelector("footer input[name=_csrf_token]");
    return field ? field.value : "";
  }

  function send(form, file, progress) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest(), data = new FormData(), token = csrf(form);
      data.append("_csrf_token", token);
      data.append("photos", file, file.name);
      xhr.open("POST", form.getAttribute("data-upload-url"));
      xhr.setRequestHeader("x-csrftoken", token);
      xhr.setRequestHeader("accept", "application/json");
      xhr.responseType = "json";
      xhr.upload.onprogress = function (event) {
        if (event.lengthComputable) { progress(event.loaded / event.total); }
      };
      xhr.onload = function () {
        if (xhr.status === 201 && xhr.response && xhr.response.id) { resolve(xhr.response); return; }
        reject({ status: xhr.status, message: xhr.response && xhr.response.error });
      };
      xhr.onerror = xhr.ontimeout = function () { reject({ status: 0 }); };
      xhr.send(data);
    });
  }

  function keptList(form) { return form.querySelector(".kept-photos"); }

  function removable(form, item, onRemove) {
    if (item.querySelector("button.remove")) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "link remove";
    button.textContent = form.getAttribute("data-msg-remove") || "×";
    button.addEventListener("click", function () {
      if (onRemove) { onRemove(); }
      item.remove();
    });
    item.appendChild(button);
  }

  function showKept(form, answer) {
    var template = form.querySelector("template.kept-template"), item;
    item = template.content.firstElementChild.cloneNode(true);
    item.querySelector("img").src = answer.thumb;
    item.querySelector("input[name=upload]").value = String(answer.id);
    item.querySelector("label.keep").hidden = true;
    removable(form, item);
    keptList(form).appendChild(item);
  }

  function showWaiting(form, file) {
    var s = state(form), item = document.createElement("li"), img = document.createElement("img");
    var note = document.createElement("span");
    item.className = "kept waiting";
    img.src = URL.createObjectURL(file);
    img.alt = "";
    note.className = "tag warn";
    note.textContent = form.getAttribute("data-msg-waiting") || "";
    item.appendChild(img);
    item.appendChild(note);
    removable(form, item, function () {
      var at = s.pending.indexOf(file);
      if (at >= 0) { s.pending.splice(at, 1); }
    });
    keptList(form).appendChild(item);
  }

  function busy(form, on) {
    var s = state(form), bar = form.querySelector(".upload-progress");
    s.sending += on ? 1 : -1;
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = s.sending > 0; });
    if (bar) { bar.hidden = s.sending === 0; }
    form.classList.toggle("sending", s.sending > 0);
  }

  function say(form, selector, text) {
    var out = form.querySelector(selector);
    if (!out) { return; }
    out.textContent = text || "";
    out.hidden = !text;
  }

  function picked(form, input) {
    var files = Array.prototype.slice.call(input.files || []);
    if (!files.length) { return; }
    input.value = "";  // the files go as slots (or wait in the queue), never a second time with the form
    say(form, ".photo-live", "");
    var bar = form.querySelector(".upload-progress progress");
    busy(form, true);
    files.reduce(function (done, file) {
      return done.then(function () {
        if (bar) { bar.removeAttribute("value"); }  // indeterminate while shrinking
        return shrink(file).then(function (small) {
          var sending = navigator.onLine === false ? Promise.reject({ status: 0 })
            : send(form, small, function (part) { if (bar) { bar.value = Math.round(part * 100); } });
          return sending.then(function (answer) { showKept(form, answer); }, function (failure) {
            if (failure && failure.message) { say(form, ".photo-live", failure.message); return; }  // refused
            state(form).pending.push(small);  // offline, cut off or a server hiccup: it waits, shown as waiting
            showWaiting(form, small);
          });
        });
      });
    }, Promise.resolve()).then(function () { busy(form, false); }, function () { busy(form, false); });
  }

  // --- serials -----------------------------------------------------------------------------------------------
  function serialsOf(text) {
    return text.split(/[\n,;]+/).map(function (s) { return s.replace(/\s+/g, "").toUpperCase(); })
      .filter(function (s) { return s.length > 0; });
  }

  function format(template, values) {
    return (template || "").replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }

  // The first problem with the serials as the server would see it; while typing (final = false) the line
  // being typed is not judged yet, nor the count.
  function serialProblem(form, final) {
    var area = form.querySelector("textarea[name=serials]");
    if (!area) { return ""; }
    var radio = form.querySelector("input[name=item]:checked");
    var source = radio ? radio.getAttribute("data-serial-pattern") : "";
    var serials = serialsOf(area.value), judged = serials;
    if (!final && !/[\n,;]\s*$/.test(area.value)) { judged = serials.slice(0, -1); }
    var rule = null;
    if (source) {
      try { rule = new RegExp("^(?:" + source + ")$"); } catch (e) { rule = null; }  // the server checks
    }
    if (rule) {
      var quantity = Number((form.querySelector("input[name=quantity]") || {}).value);
      if (final && quantity > 0 && serials.length !== quantity) {
        return format(area.getAttribute("data-msg-count"), { n: quantity, got: serials.length });
      }
      for (var i = 0; i < judged.length; i++) {
        if (!rule.test(judged[i])) { return format(area.getAttribute("data-msg-format"), { serial: judged[i] }); }
      }
    }
    var seen = {};
    for (var j = 0; j < serials.length; j++) {
      if (seen[serials[j]]) { return area.getAttribute("data-msg-twice") || ""; }
      seen[serials[j]] = true;
    }
    return "";
  }

  function checkSerials(form, final) {
    var area = form.querySelector("textarea[name=serials]"), problem = serialProblem(form, final);
    if (!area) { return true; }
    say(form, ".serials-live", problem);
    if (problem) {
      area.setAttribute("aria-invalid", "true");
      area.setAttribute("aria-describedby", "serials-live");
    } else if (!form.querySelector("#e-serials")) {
      area.removeAttribute("aria-invalid");
      area.removeAttribute("aria-describedby");
    }
    return !problem;
  }

  // --- scanning ----------------------------------------------------------------------------------------------
  var FORMATS = ["qr_code", "code_128", "code_39", "ean_13", "ean_8", "data_matrix", "upc_a", "itf"];

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      if (window.ZXing) { resolve(); return; }
      var tag = document.createElement("script");
      tag.src = src;
      tag.onload = function () { resolve(); };
      tag.onerror = reject;
      document.head.appendChild(tag);
    });
  }

  // A function (video, canvas) -> Promise of the text read, or "" (nothing in this frame).
  function detector(button) {
    var native = window.BarcodeDetector;
    var fallback = function () {
      return loadScript(button.getAttribute("data-vendor")).then(function () {
        var Z = window.ZXing, reader = new Z.MultiFormatReader(), hints = new Map();
        hints.set(Z.DecodeHintType.TRY_HARDER, true);
        hints.set(Z.DecodeHintType.POSSIBLE_FORMATS, [Z.BarcodeFormat.QR_CODE, Z.BarcodeFormat.CODE_128,
          Z.BarcodeFormat.CODE_39, Z.BarcodeFormat.EAN_13, Z.BarcodeFormat.EAN_8, Z.BarcodeFormat.DATA_MATRIX,
          Z.BarcodeFormat.UPC_A, Z.BarcodeFormat.ITF]);
        reader.setHints(hints);
        return function (video, canvas) {
          var width = video.videoWidth, height = video.videoHeight;
          if (!width || !height) { return Promise.resolve(""); }
          var scale = Math.min(1, 960 / Math.max(width, height));
          canvas.width = Math.round(width * scale);
          canvas.height = Math.round(height * scale);
          var ctx = canvas.getContext("2d", { willReadFrequently: true });
          ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
          var rgba = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
          var grey = new Uint8ClampedArray(canvas.width * canvas.height);
          for (var i = 0, p = 0; i < grey.length; i++, p += 4) {
            grey[i] = (rgba[p] * 306 + rgba[p + 1] * 601 + rgba[p + 2] * 117) >> 10;
          }
          try {
            var bitmap = new Z.BinaryBitmap(new Z.HybridBinarizer(new Z.RGBLuminanceSource(grey, canvas.width, canvas.height)));
            return Promise.resolve(reader.decode(bitmap).getText());
          } catch (e) {
            return Promise.resolve("");
          } finally {
            reader.reset();
          }
        };
      });
    };
    if (!native || !native.getSupportedFormats) { return fallback(); }
    return native.getSupportedFormats().then(function (supported) {
      var formats = FORMATS.filter(function (f) { return supported.indexOf(f) >= 0; });
      if (!formats.length) { return fallback(); }
      var found = new native({ formats: formats });
      return function (video) {
        return found.detect(video).then(function (codes) { return codes.length ? codes[0].rawValue : ""; });
      };
    }, fallback);
  }

  function addSerial(area, text) {
    var value = String(text || "").trim();
    if (!value) { return; }
    if (serialsOf(area.value).indexOf(value.replace(/\s+/g, "").toUpperCase()) < 0) {
      var current = area.value.replace(/\s+$/, "");
      area.value = current ? current + "\n" + value : value;
    }
    area.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function scan(button) {
    var form = button.form, area = document.getElementById(button.getAttribute("data-scan-for"));
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      say(form, ".serials-live", button.getAttribute("data-msg-none"));
      area.focus();
      return;
    }
    var panel = document.createElement("div"), video = document.createElement("video");
    var close = document.createElement("button"), canvas = document.createElement("canvas");
    var stream = null, stopped = false;
    panel.className = "scanner";
    video.setAttribute("playsinline", "");
    video.muted = true;
    close.type = "button";
    close.className = "button secondary";
    close.textContent = button.getAttribute("data-msg-close");
    panel.appendChild(video);
    panel.appendChild(close);
    button.closest(".field").appendChild(panel);
    button.disabled = true;
    function stop() {
      stopped = true;
      if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
      panel.remove();
      button.disabled = false;
    }
    close.addEventListener("click", function () { stop(); area.focus(); });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (s) {
      stream = s;
      if (stopped) { stop(); return null; }
      video.srcObject = s;
      return Promise.all([video.play(), detector(button)]);
    }).then(function (ready) {
      if (!ready) { return; }
      var read = ready[1];
      (function look() {
        if (stopped) { return; }
        read(video, canvas).then(function (text) {
          if (text) { addSerial(area, text); stop(); area.focus(); return; }
          setTimeout(look, 200);
        }, function () { setTimeout(look, 400); });
      })();
    }).catch(function () {
      stop();
      say(form, ".serials-live", button.getAttribute("data-msg-none"));
      area.focus();
    });
  }

  // --- wiring ------------------------------------------------------------------------------------------------
  function setUp(form) {
    if (form.getAttribute("data-claim-form-ready")) { return; }
    form.setAttribute("data-claim-form-ready", "1");
    form.querySelectorAll(".kept-photos li.kept").forEach(function (item) {
      removable(form, item);
      var keep = item.querySelector("label.keep");
      if (keep) { keep.hidden = true; }  // the remove button says it; the ticked box still sends the id
    });
    if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
      form.querySelectorAll("button.scan[hidden]").forEach(function (b) { b.hidden = false; });
    }
  }

  document.addEventListener("change", function (event) {
    var form = claimForm(event.target.form);
    if (!form) { return; }
    if (event.target.matches("input[type=file][name=photos]")) { picked(form, event.target); }
    if (event.target.name === "item" || event.target.name === "quantity") { checkSerials(form, false); }
  });
  document.addEventListener("input", function (event) {
    var form = claimForm(event.target.form);
    if (form && event.target.name === "serials") { checkSerials(form, false); }
  });
  document.addEventListener("focusout", function (event) {
    var form = claimForm(event.target.form);
    if (form && event.target.name === "serials") { checkSerials(form, true); }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.scan");
    if (button && claimForm(button.form)) { scan(button); }
  });
  document.addEventListener("submit", function (event) {
    var form = claimForm(event.target);
    if (!form) { return; }
    if (state(form).sending > 0) { event.preventDefault(); return; }
    if (!checkSerials(form, true)) {
      event.preventDefault();
      form.querySelector("textarea[name=serials]").focus();
    }
  });
  // Last of all (window, bubbling): a submit nobody took over sends the waiting photos with the form. One the
  // offline queue took over (defaultPrevented) sends them itself, from pendingPhotos().
  window.addEventListener("submit", function (event) {
    var form = claimForm(event.target), s = form && state(form);
    if (!form || event.defaultPrevented || !s.pending.length) { return; }
    try {
      var files = new DataTransfer();
      s.pending.forEach(function (file) { files.items.add(file); });
      form.querySelector("input[type=file][name=photos]").files = files.files;
    } catch (e) { /* no DataTransfer: the waiting photos stay listed, to be picked again */ }
  });

  function ready() { document.querySelectorAll("form.claim-form[data-upload-url]").forEach(setUp); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
  document.addEventListener("htmx:afterSettle", ready);

  window.PremiaClaimForm = {
    // The shrunk photos picked on this form that are not on the server yet (picked offline, or cut off).
    pendingPhotos: function (form) { return form && states.has(form) ? states.get(form).pending.slice() : []; },
    // True while a photo is being shrunk or sent: the form's submit waits for it.
    isSending: function (form) { return !!(form && states.has(form) && states.get(form).sending > 0); }
  };
})();
