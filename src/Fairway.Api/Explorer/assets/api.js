// The node's public v1 API, read from the origin that served this page.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export async function getJson(path) {
  const response = await fetch(path, { headers: { accept: "application/json" } });
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      const body = await response.json();
      if (body?.error?.message) message = body.error.message;
    } catch {
      // The body was not the API's JSON error shape; the status line says enough.
    }
    throw new ApiError(response.status, message);
  }
  return response.json();
}

export async function getText(path) {
  const response = await fetch(path);
  if (!response.ok) throw new ApiError(response.status, `${response.status} ${response.statusText}`);
  return response.text();
}

/** Prometheus text to a map of unlabelled samples: name -> number. */
export function parseMetrics(text) {
  const values = new Map();
  for (const line of text.split("\n")) {
    const match = /^([a-z_]+) (-?[0-9.e+]+)$/.exec(line);
    if (match) values.set(match[1], Number(match[2]));
  }
  return values;
}

/**
 * A WebSocket stream of one JSON message per height from `from` on. Reconnects from the last height seen plus one
 * when the socket closes (the node cuts slow readers loose and expects exactly that), until stopped.
 */
export function openStream(pathOf, from, onMessage, onState) {
  let next = from;
  let socket = null;
  let stopped = false;
  let retry = null;
  const connect = () => {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(`${scheme}://${location.host}${pathOf(next)}`);
    socket.addEventListener("open", () => onState?.("live"));
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(event.data);
      next = Number(message.height) + 1;
      onMessage(message);
    });
    socket.addEventListener("close", () => {
      if (stopped) return;
      onState?.("reconnecting");
      retry = setTimeout(connect, 2000);
    });
  };
  connect();
  return () => {
    stopped = true;
    clearTimeout(retry);
    socket?.close();
  };
}
