// A file of its own, not an inline script: the Content-Security-Policy allows scripts from 'self' only.
window.ui = SwaggerUIBundle({
  url: "/api/v1/openapi.yaml",
  dom_id: "#ui",
  deepLinking: true,
  // No badge from the public validator: the page must work offline and send nothing elsewhere.
  validatorUrl: null,
  supportedSubmitMethods: [],
});
