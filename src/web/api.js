// api.js: the server's HTTP signalling API (docs/protocol.md), same origin
//
// Copyright 2026 wifi-verify developers
// SPDX-License-Identifier: GPL-3.0-or-later
//
// The page comes from the server it measures against, so every call goes
// to its own origin. With access control, the page's URL carries the
// token (?token=T) and every call sends it as a bearer token; the page and
// its files need none.

export const API_PREFIX = '/api/v1';

export class Api {
  constructor (token) {
    this.token = token || null;
  }

  // { status, body } with body the parsed JSON (null for none or not JSON).
  async call (method, path, body) {
    const headers = {};
    if (this.token)
      headers.Authorization = `Bearer ${this.token}`;
    const init = { method, headers, cache: 'no-store' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify (body);
    }
    const r = await fetch (API_PREFIX + path, init);
    let parsed = null;
    if (r.status !== 204) {
      try {
        parsed = await r.json ();
      } catch (e) {
        parsed = null;
      }
    }
    return { status: r.status, body: parsed };
  }
}
