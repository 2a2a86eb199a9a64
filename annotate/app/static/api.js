// Talking to the tool's server: JSON in, JSON out, errors as ApiError.
// The token (when the server has one) travels as a cookie the server set on the first page load.

export class ApiError extends Error {
  constructor(status, body, offline = false) {
    super((body && body.error) || (offline ? "the server cannot be reached" : `HTTP ${status}`));
    this.status = status;
    this.body = body || {};
    this.offline = offline;
  }
}

export function clipQuery(clip, extra = {}) {
  const params = new URLSearchParams({ clip, ...extra });
  return `?${params.toString()}`;
}

export async function request(method, path, body = undefined, headers = {}) {
  const options = { method, headers: { ...headers }, credentials: "same-origin", cache: "no-store" };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, options);
  } catch (error) {
    throw new ApiError(0, null, true);
  }
  let parsed = null;
  const text = await response.text().catch(() => "");
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch (error) {
    parsed = { error: text.slice(0, 300) };
  }
  if (!response.ok) throw new ApiError(response.status, parsed);
  return parsed;
}

export const get = (path) => request("GET", path);
