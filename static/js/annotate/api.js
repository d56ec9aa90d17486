// fetch() for the JSON API: same-origin session cookie plus the CSRF token header.

const csrfToken = () => document.querySelector('meta[name="csrf-token"]')?.content || "";

/** The server answered with an error status (4xx/5xx); `body` is its JSON, if any. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

/** The request never got an answer (offline, DNS, connection reset). */
export class NetworkError extends Error {}

export async function request(method, url, body, { keepalive = false } = {}) {
  // GETs carry no extra headers so that they match the page's <link rel=preload>.
  const headers = {};
  if (method !== "GET") headers["X-CSRFToken"] = csrfToken();
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(url, {
      method, headers, keepalive, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new NetworkError(err.message || "network error");
  }
  if (response.status === 204) return null;
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

export const api = {
  get: (url) => request("GET", url),
  post: (url, body, opts) => request("POST", url, body, opts),
  patch: (url, body) => request("PATCH", url, body),
  put: (url, body) => request("PUT", url, body),
  del: (url) => request("DELETE", url),
};
