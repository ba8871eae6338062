/* Forewarn's support chat: one script tag in the provider's own product.

     <script src="https://status.example.com/support/chat.js" async
             data-widget="WIDGET_KEY" data-token="TOKEN_YOUR_BACKEND_MINTED"></script>

   The token says who the signed-in user is (docs/support.md, "Chat widget"); a page that
   renews it calls ForewarnChat.setToken(newToken). Plain JavaScript, no framework, nothing
   from third parties: it talks only to the Forewarn it was loaded from, sends no cookies,
   and draws itself in a shadow root so the host page's styles and its own do not mix.
   Styles are set through the CSSOM (element.style), which a strict Content-Security-Policy
   allows. Staff answers arrive by polling while the panel is open. The user writes on their
   current chat request, or chooses another of their open requests (any channel) or a new
   one in the list above the conversation. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.ForewarnChat) return;
  var base = new URL(script.src, location.href);
  var api = base.origin + "/support/chat/" + encodeURIComponent(script.dataset.widget || "");
  var token = script.dataset.token || "";
  var POLL_MS = Number(script.dataset.pollMs || 4000);
  var lastId = 0;
  var timer = null;
  var chosen = ""; // a request's reference, "new", or "" (the current chat request)
  var view = 0; // counts the user's changes of request: an answer for an earlier one is dropped
  var kept = ""; // why the request shown went away: shown until the user next chooses or writes

  function css(el, rules) {
    for (var k in rules) el.style[k] = rules[k];
    return el;
  }
  function make(tag, rules, text) {
    var el = document.createElement(tag);
    if (rules) css(el, rules);
    if (text) el.textContent = text;
    return el;
  }
  function when(iso) {
    if (!iso) return "";
    return new Intl.DateTimeFormat(undefined, {
      weekday: "short", day: "numeric", month: "short",
      hour: "2-digit", minute: "2-digit", timeZoneName: "short"
    }).format(new Date(iso));
  }

  var host = make("div", { position: "fixed", right: "20px", bottom: "20px", zIndex: "2147483000" });
  host.id = "forewarn-chat";
  var root = host.attachShadow({ mode: "open" });
  var font = "system-ui, -apple-system, 'Segoe UI', sans-serif";
  var bubble = make("button", {
    font: "600 15px " + font, color: "#fff", background: "#1f5f99", border: "0",
    borderRadius: "24px", padding: "12px 18px", cursor: "pointer",
    boxShadow: "0 2px 8px rgba(0,0,0,.25)"
  }, "Support");
  bubble.type = "button";
  bubble.setAttribute("aria-expanded", "false");
  bubble.className = "fw-bubble";
  var panel = make("section", {
    display: "none", flexDirection: "column", width: "340px", maxWidth: "calc(100vw - 40px)",
    height: "460px", maxHeight: "calc(100vh - 100px)", background: "#fff", color: "#1b1b1b",
    font: "14px/1.4 " + font, border: "1px solid #ccc", borderRadius: "10px",
    boxShadow: "0 4px 18px rgba(0,0,0,.25)", marginBottom: "10px", overflow: "hidden"
  });
  panel.className = "fw-panel";
  panel.setAttribute("aria-label", "Support chat");
  var header = make("header", { background: "#1f5f99", color: "#fff", padding: "10px 12px" });
  var title = make("strong", { display: "block", fontSize: "15px" }, "Support");
  var hours = make("p", { margin: "4px 0 0", fontSize: "13px" });
  hours.className = "fw-hours";
  hours.setAttribute("role", "status");
  header.append(title, hours);
  var choose = make("select", {
    display: "none", margin: "0", padding: "4px", border: "0", borderBottom: "1px solid #ddd",
    font: "13px " + font, background: "#fff", color: "#1b1b1b"
  });
  choose.className = "fw-choose";
  choose.setAttribute("aria-label", "Request");
  var listed = "";
  var log = make("div", { flex: "1", overflowY: "auto", padding: "8px 12px", background: "#f6f7f9" });
  log.className = "fw-log";
  log.setAttribute("aria-live", "polite");
  var problem = make("p", { display: "none", margin: "0", padding: "8px 12px", background: "#fdecea", color: "#8a1c12" });
  problem.className = "fw-problem";
  problem.setAttribute("role", "alert");
  var form = make("form", { borderTop: "1px solid #ddd", padding: "8px 12px", margin: "0" });
  var input = make("textarea", {
    width: "100%", boxSizing: "border-box", height: "60px", font: "14px " + font, resize: "none"
  });
  input.className = "fw-input";
  input.setAttribute("aria-label", "Your message");
  input.placeholder = "Write to support…";
  var emergencyLabel = make("label", { display: "none", fontSize: "13px", margin: "4px 0" });
  var emergency = document.createElement("input");
  emergency.type = "checkbox";
  emergency.className = "fw-emergency";
  emergencyLabel.append(emergency, document.createTextNode(" This is an emergency: page the on-call engineer"));
  var send = make("button", {
    marginTop: "4px", font: "600 14px " + font, color: "#fff", background: "#1f5f99",
    border: "0", borderRadius: "6px", padding: "6px 14px", cursor: "pointer"
  }, "Send");
  send.className = "fw-send";
  send.type = "submit";
  form.append(input, emergencyLabel, send);
  panel.append(header, choose, log, problem, form);
  root.append(panel, css(make("div"), { textAlign: "right" }));
  root.lastChild.append(bubble);

  function showProblem(text) {
    problem.textContent = text || "";
    problem.style.display = text ? "block" : "none";
  }

  function call(method, path, body) {
    var options = {
      method: method,
      mode: "cors",
      credentials: "omit",
      headers: { Authorization: "Bearer " + token, Accept: "application/json" }
    };
    if (body) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    // A refusal the browser hides (this page's origin is not allowed, so the answer carries no
    // CORS header) or no network at all: fetch rejects without telling which.
    var unreachable = function () {
      throw new Error("Support chat is not available on this page: Forewarn cannot be " +
                      "reached, or this site is not among the widget's allowed origins.");
    };
    return fetch(api + path, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var error = new Error(data.message || "Support chat is not available (" + response.status + ").");
          error.field = Object.keys(data.detail || {})[0] || "";
          throw error;
        }
        return data;
      });
    }, unreachable);
  }

  function showHours(support, request) {
    var text;
    if (support.open) {
      text = "Support is open now.";
    } else {
      text = "Support is closed now; it opens " + when(support.opens_at) + ".";
    }
    if (support.answer_due_at && (!support.open || request)) {
      text += request ? " We answer by " + when(support.answer_due_at) + "."
                      : " A question now is answered by " + when(support.answer_due_at) + ".";
    }
    if (request) text += " " + request.reference + ": " + request.status_label + ".";
    hours.textContent = text;
    emergencyLabel.style.display = support.emergency_available ? "block" : "none";
    if (!support.emergency_available) emergency.checked = false;
  }

  function showRequests(requests) {
    var signature = JSON.stringify(requests.map(function (r) { return [r.reference, r.subject, r.status_label]; }));
    if (signature !== listed) {
      listed = signature;
      choose.textContent = "";
      requests.forEach(function (r) {
        var option = make("option", null, r.reference + " · " + r.subject + " (" + r.status_label + ")");
        option.value = r.reference;
        choose.append(option);
      });
      var fresh = make("option", null, "New request");
      fresh.value = "new";
      choose.append(fresh);
    }
    choose.style.display = requests.length ? "block" : "none";
    choose.value = chosen || "new";
  }

  function startView(choice) {
    chosen = choice;
    view += 1;
    lastId = 0;
    log.textContent = "";
  }

  function add(message) {
    if (message.id <= lastId) return;
    lastId = message.id;
    var mine = message.from === "you";
    var item = make("article", {
      margin: "6px 0", padding: "6px 10px", borderRadius: "8px", maxWidth: "85%",
      background: mine ? "#dbe9f6" : "#fff", border: "1px solid #d5d9de",
      marginLeft: mine ? "auto" : "0"
    });
    item.className = "fw-message fw-" + message.from;
    var meta = make("div", { fontSize: "11px", color: "#555" }, (mine ? "You" : message.author) + " · " + when(message.at));
    var body = make("div");
    body.innerHTML = message.body_html; // sanitised by Forewarn (markdown-it, then nh3)
    body.querySelectorAll("p, ul, ol, pre").forEach(function (block) { block.style.margin = "4px 0"; });
    item.append(meta, body);
    log.append(item);
    log.scrollTop = log.scrollHeight;
  }

  function refresh() {
    var asked = view;
    var path = "/conversation?after=" + lastId;
    if (chosen) path += "&request=" + encodeURIComponent(chosen);
    return call("GET", path).then(function (data) {
      if (asked !== view) return; // the user chose another request meanwhile
      if (data.request) chosen = data.request.reference; // stays on it when another is current
      title.textContent = "Support · " + data.organization;
      showHours(data.support, data.request);
      showRequests(data.requests);
      data.messages.forEach(add);
      showProblem(kept);
    }).catch(function (error) {
      if (asked !== view) return;
      showProblem(error.message);
      // The request shown was closed (or is gone) meanwhile: back to the current one.
      if (error.field === "request" && chosen) { startView(""); kept = error.message; }
    });
  }

  function poll() {
    clearTimeout(timer);
    if (panel.style.display === "none") return;
    refresh().then(function () { timer = setTimeout(poll, POLL_MS); });
  }

  choose.addEventListener("change", function () {
    kept = "";
    startView(choose.value);
    showProblem("");
    refresh();
    input.focus();
  });

  bubble.addEventListener("click", function () {
    var open = panel.style.display === "none";
    panel.style.display = open ? "flex" : "none";
    bubble.setAttribute("aria-expanded", String(open));
    if (open) { poll(); input.focus(); } else { clearTimeout(timer); }
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    send.disabled = true;
    var message = { body: text, emergency: emergency.checked };
    if (chosen) message.request = chosen;
    call("POST", "/messages", message).then(function (data) {
      input.value = "";
      emergency.checked = false;
      kept = "";
      if (data.reference !== chosen) startView(data.reference); // a new request
      return refresh();
    }).catch(function (error) { showProblem(error.message); })
      .then(function () { send.disabled = false; });
  });

  window.ForewarnChat = {
    setToken: function (value) { token = value; if (panel.style.display !== "none") refresh(); },
    open: function () { if (panel.style.display === "none") bubble.click(); }
  };
  (document.body || document.documentElement).append(host);
})();
