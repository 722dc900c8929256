/* The visitor's side of the live chat (docs/chat.md). Plain JavaScript, served by auskunft itself.
 * Nothing happens before "Chat starten" is pressed. The chat token is kept in sessionStorage (it ends with
 * the tab), never in a cookie. */
(function () {
  "use strict";
  var KEY = "auskunft.chat.token";
  var root = document.getElementById("chat");
  if (!root) { return; }
  var texts = JSON.parse(root.getAttribute("data-texts"));
  var startButton = document.getElementById("chat-start");
  var startForm = document.getElementById("chat-start-form");
  var panel = document.getElementById("chat-panel");
  var log = document.getElementById("chat-log");
  var status = document.getElementById("chat-status");
  var sendForm = document.getElementById("chat-send-form");
  var input = document.getElementById("chat-input");
  var endButton = document.getElementById("chat-end");
  var emailInput = document.getElementById("chat-email");
  var emailError = document.getElementById("chat-email-error");
  var socket = null;
  var ended = false;

  function socketUrl() {
    return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + root.getAttribute("data-socket");
  }

  function add(kind, text) {
    var item = document.createElement("li");
    item.className = kind;
    if (kind === "visitor" || kind === "agent") {
      var who = document.createElement("span");
      who.className = "visually-hidden";
      who.textContent = (kind === "visitor" ? texts.you : texts.agent) + ": ";
      item.appendChild(who);
    }
    item.appendChild(document.createTextNode(text));
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
  }

  function showPanel() {
    startButton.hidden = true;
    startForm.hidden = true;
    panel.hidden = false;
    input.focus();
  }

  function handle(message) {
    switch (message.type) {
      case "started":
        sessionStorage.setItem(KEY, message.token);
        showPanel();
        add("system", texts.started);
        break;
      case "resumed":
        showPanel();
        message.history.forEach(function (line) { add(line.from, line.body); });
        if (message.reference) { status.textContent = texts.reference.replace("{reference}", message.reference); }
        break;
      case "message":
        add(message.from, message.body);
        break;
      case "reference":
        add("system", texts.reference.replace("{reference}", message.reference));
        break;
      case "agent_joined":
        add("system", texts.agent_joined);
        break;
      case "agent_left":
        add("system", texts.agent_left);
        break;
      case "ended":
        ended = true;
        sessionStorage.removeItem(KEY);
        add("system", texts.ended);
        sendForm.hidden = true;
        endButton.hidden = true;
        break;
      case "error":
        if (message.code === "unknown_chat") {
          sessionStorage.removeItem(KEY);
          startButton.hidden = false;
          panel.hidden = true;
        } else if (message.code === "invalid_email") {
          emailError.textContent = texts.invalid_email;
          emailError.hidden = false;
          emailInput.setAttribute("aria-invalid", "true");
          emailInput.focus();
        } else {
          status.textContent = texts[message.code] || texts.error;
        }
        break;
    }
  }

  function connect(first) {
    if (socket && socket.readyState <= 1) { socket.send(JSON.stringify(first)); return; }
    socket = new WebSocket(socketUrl());
    socket.addEventListener("open", function () { socket.send(JSON.stringify(first)); });
    socket.addEventListener("message", function (event) { handle(JSON.parse(event.data)); });
    socket.addEventListener("close", function () { if (!ended && !panel.hidden) { status.textContent = texts.closed; } });
  }

  startButton.addEventListener("click", function () {
    startButton.hidden = true;
    startForm.hidden = false;
    document.getElementById("chat-name").focus();
  });

  startForm.addEventListener("submit", function (event) {
    event.preventDefault();
    emailError.hidden = true;
    emailInput.removeAttribute("aria-invalid");
    connect({
      type: "start",
      name: document.getElementById("chat-name").value,
      email: emailInput.value,
      lang: root.getAttribute("data-lang")
    });
  });

  sendForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var body = input.value.trim();
    if (!body || !socket) { return; }
    socket.send(JSON.stringify({ type: "message", body: body }));
    input.value = "";
    status.textContent = "";
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      sendForm.requestSubmit();
    }
  });

  endButton.addEventListener("click", function () {
    if (socket) { socket.send(JSON.stringify({ type: "end" })); }
  });

  var token = sessionStorage.getItem(KEY);
  if (token) {
    startButton.hidden = true;
    connect({ type: "resume", token: token });
  }
}());
