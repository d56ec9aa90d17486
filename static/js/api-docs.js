// Starts Swagger UI (served by the app from the swagger-ui-bundle package) on /api/v1/docs.
// A file, not an inline script: the page keeps the app's Content-Security-Policy.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || !window.SwaggerUIBundle) return;
  var csrf = document.querySelector('meta[name="csrf-token"]');
  window.apiDocs = window.SwaggerUIBundle({
    url: root.dataset.specUrl,
    domNode: root,
    deepLinking: true,
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
})();
