// Suggested FAQ answers beside the contact form (auskunft, knowledge/web/suggestions.py).
// While the customer types into the message field we ask our own server (never a third party) for up to
// three answers and show them with "Did this help? Yes / No". Nothing is stored in the browser; what is
// typed is sent to us only, in the body of a POST, and is not kept. A "yes" adds the answer's id to the
// form, so that a message sent all the same is counted. Without JavaScript the form works as before.
(function () {
  "use strict";
  var box = document.getElementById("faq-suggestions");
  var form = box && box.closest("form");
  var field = form && form.querySelector("textarea");
  if (!box || !form || !field || !window.fetch) { return; }
  var endpoint = box.getAttribute("data-endpoint");
  var feedbackUrl = box.getAttribute("data-feedback");
  var lang = box.getAttribute("data-lang") || "de";
  var minimum = parseInt(box.getAttribute("data-min") || "15", 10);
  var texts = JSON.parse(box.getAttribute("data-texts") || "{}");
  var list = box.querySelector("ul");
  var shown = [];
  var helpful = [];
  var timer = null;
  var asked = "";

  function post(url, data) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(data)
    });
  }

  function remember(id) {
    if (helpful.indexOf(id) >= 0 || helpful.length >= 3) { return; }
    helpful.push(id);
    var input = form.querySelector("input[name=faq_helpful]");
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = "faq_helpful";
      form.appendChild(input);
    }
    input.value = helpful.join(",");
  }

  function vote(item, id, yes) {
    post(feedbackUrl, { id: id, helpful: yes }).catch(function () {});
    if (yes) { remember(id); }
    var row = item.querySelector(".vote");
    row.textContent = yes ? texts.thanks_yes : texts.thanks_no;
    row.setAttribute("role", "status");
  }

  function button(label, handler, secondary) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    if (secondary) { b.className = "secondary"; }
    b.addEventListener("click", handler);
    return b;
  }

  function show(suggestions) {
    list.textContent = "";
    suggestions.forEach(function (s) {
      if (shown.indexOf(s.id) < 0) { shown.push(s.id); }
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = s.url;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = s.title;
      var hint = document.createElement("span");
      hint.className = "visually-hidden";
      hint.textContent = " " + texts.new_tab;
      link.appendChild(hint);
      var snippet = document.createElement("p");
      snippet.className = "snippet";
      snippet.textContent = s.snippet;
      var row = document.createElement("div");
      row.className = "vote";
      var question = document.createElement("span");
      question.textContent = texts.question;
      row.appendChild(question);
      row.appendChild(button(texts.yes, function () { vote(item, s.id, true); }));
      row.appendChild(button(texts.no, function () { vote(item, s.id, false); }, true));
      item.appendChild(link);
      item.appendChild(snippet);
      item.appendChild(row);
      list.appendChild(item);
    });
    box.hidden = suggestions.length === 0;
  }

  function ask() {
    var text = field.value.trim();
    if (text.length < minimum || text === asked) { return; }
    asked = text;
    post(endpoint, { text: text, lang: lang, shown: shown })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data && field.value.trim() === text) { show(data.suggestions); } })
      .catch(function () {});
  }

  field.addEventListener("input", function () {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(ask, 600);
  });
}());
