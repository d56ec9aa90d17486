// Starts Swagger UI (served by the app from the swagger-ui-bundle package) on /api/v1/docs.
// A file, not an inline script: the page keeps the app's Content-Security-Policy.
//
// swagger-ui-bundle 1.1.0 ships Swagger UI 4.15, which reads OpenAPI 3.0 only; the app's
// document is 3.1. The one 3.1 feature it uses is a list of types ({"type": ["integer",
// "null"]}), so the page shows a 3.0 rendering of the same document: a list becomes one type
// plus "nullable", or "anyOf" for several. /api/v1/openapi.json itself stays 3.1.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || !window.SwaggerUIBundle) return;
  var csrf = document.querySelector('meta[name="csrf-token"]');

  function to30(node) {
    if (Array.isArray(node)) return node.map(to30);
    if (!node || typeof node !== "object") return node;
    var out = {};
    Object.keys(node).forEach(function (key) {
      out[key] = to30(node[key]);
    });
    if (Array.isArray(node.type)) {
      var types = node.type.filter(function (t) { return t !== "null"; });
      if (types.length < node.type.length) out.nullable = true;
      if (types.length === 1) out.type = types[0];
      else {
        delete out.type;
        out.anyOf = types.map(function (t) { return { type: t }; });
      }
    }
    return out;
  }

  function start(spec) {
    window.apiDocs = window.SwaggerUIBundle({
      spec: spec,
      domNode: root,
      // Deep links would put an <a> inside each operation's toggle button (nested
      // interactive controls, which screen readers cannot reach); ids still allow #anchors.
      deepLinking: false,
      // No validator badge: it would load an image from validator.swagger.io.
      validatorUrl: null,
      // "Try it out" runs as the logged-in user: same-origin cookie plus the CSRF header that
      // session calls need.
      requestInterceptor: function (request) {
        if (csrf && request.method && request.method.toUpperCase() !== "GET") {
          request.headers["X-CSRFToken"] = csrf.content;
        }
        request.credentials = "same-origin";
        return request;
      },
    });
  }

  // Swagger UI's selects (servers, media types) come without a label: give each one.
  var NAMES = { servers: "Server", "content-type": "Media type", "body-param-content-type": "Media type" };
  function labelSelects() {
    root.querySelectorAll("select:not([aria-label])").forEach(function (select) {
      var name = "Choose";
      for (var node = select; node && node !== root; node = node.parentElement) {
        var known = Array.prototype.find.call(node.classList, function (c) { return NAMES[c]; });
        if (known) {
          name = NAMES[known];
          break;
        }
      }
      select.setAttribute("aria-label", name);
    });
  }
  new MutationObserver(labelSelects).observe(root, { childList: true, subtree: true });

  fetch(root.dataset.specUrl, { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    })
    .then(function (spec) {
      var shown = to30(spec);
      shown.openapi = "3.0.3";
      start(shown);
    })
    .catch(function (err) {
      root.textContent = "The API description could not be loaded: " + err.message;
    });
})();
