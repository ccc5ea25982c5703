// The web organizer as a Matrix room widget: it speaks the widget API with
// the client framing it (postMessage), asks it for an OpenID token (the
// client asks the member first), and trades the token for a session at
// /widget/session; then it opens the circle's page. No library: the page
// works with what it is served.
(function () {
  "use strict";
  var status = document.getElementById("widget-status");
  if (!status) {
    return;
  }
  var params = new URLSearchParams(window.location.search);
  var widgetId = params.get("widgetId") || "";
  var room = params.get("room") || "";
  var target = "*";
  try {
    var parent = params.get("parentUrl");
    if (parent) {
      target = new URL(parent).origin;
    }
  } catch (e) {
    target = "*";
  }
  var asked = false;
  var done = false;
  var openidRequest = "exodus-openid-" + Math.random().toString(36).slice(2);

  function say(key, extra) {
    status.textContent = status.getAttribute("data-" + key) + (extra ? " " + extra : "");
  }

  function post(msg) {
    window.parent.postMessage(msg, target);
  }

  function answer(req, response) {
    var msg = {};
    for (var k in req) {
      if (Object.prototype.hasOwnProperty.call(req, k)) {
        msg[k] = req[k];
      }
    }
    msg.response = response;
    post(msg);
  }

  function askOpenID() {
    if (asked) {
      return;
    }
    asked = true;
    post({ api: "fromWidget", widgetId: widgetId, requestId: openidRequest, action: "get_openid", data: {} });
  }

  function credentials(c) {
    if (done || !c) {
      return;
    }
    if (c.state === "request") {
      say("asking");
      return;
    }
    if (c.state !== "allowed" || !c.access_token) {
      done = true;
      say("blocked");
      return;
    }
    done = true;
    fetch("/widget/session", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        access_token: c.access_token,
        matrix_server_name: c.matrix_server_name || "",
        token_type: c.token_type || "",
        expires_in: c.expires_in || 0,
        room: room
      })
    }).then(function (resp) {
      return resp.json().then(function (body) {
        if (resp.ok && body.next) {
          window.location.replace(body.next);
          return;
        }
        say("failed", body.error && body.error.message ? body.error.message : "");
      });
    }).catch(function () {
      say("failed");
    });
  }

  window.addEventListener("message", function (ev) {
    if (ev.source !== window.parent || window.parent === window) {
      return;
    }
    var m = ev.data;
    if (!m || typeof m !== "object" || typeof m.action !== "string") {
      return;
    }
    if (target !== "*" && ev.origin !== target) {
      return;
    }
    if (m.api === "fromWidget") {
      if (m.requestId === openidRequest && m.response) {
        credentials(m.response);
      }
      return;
    }
    if (m.api !== "toWidget" || m.response) {
      return;
    }
    if (!widgetId && m.widgetId) {
      widgetId = m.widgetId;
    }
    switch (m.action) {
      case "capabilities":
        answer(m, { capabilities: [] });
        askOpenID();
        break;
      case "supported_api_versions":
        answer(m, { supported_versions: ["0.0.1", "0.0.2"] });
        break;
      case "openid_credentials":
        answer(m, {});
        credentials(m.data);
        break;
      default:
        answer(m, {});
    }
  });

  if (window.parent === window) {
    say("alone");
    return;
  }
  // The widget state says waitForIframeLoad: the client starts with
  // "capabilities" once the page has loaded (no content_loaded is sent).
  // A client that negotiates no capabilities still answers get_openid.
  window.setTimeout(askOpenID, 2000);
})();
