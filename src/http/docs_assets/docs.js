// Ampli's API docs viewer: reads /api/openapi.json and lists every operation with its
// parameters, request body and responses. Everything is inserted as text, never as HTML.
"use strict";

const METHODS = ["get", "put", "post", "patch", "delete", "head", "options"];

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function resolve(doc, schema) {
  if (schema && schema.$ref) {
    const name = schema.$ref.split("/").pop();
    return { name, schema: (doc.components && doc.components.schemas || {})[name] || {} };
  }
  return { name: null, schema: schema || {} };
}

function schemaBlock(doc, schema) {
  const { name, schema: body } = resolve(doc, schema);
  const wrap = el("div", "schema");
  if (name) wrap.appendChild(el("div", "schema-name", name));
  wrap.appendChild(el("pre", "", JSON.stringify(body, null, 2)));
  return wrap;
}

function operationCard(doc, path, method, op) {
  const card = el("details", "operation " + method);
  const summary = el("summary");
  summary.appendChild(el("span", "method", method.toUpperCase()));
  summary.appendChild(el("code", "path", path));
  summary.appendChild(el("span", "summary", op.summary || ""));
  card.appendChild(summary);
  if (op.description) card.appendChild(el("p", "description", op.description));

  const params = op.parameters || [];
  if (params.length) {
    card.appendChild(el("h4", "", "Parameters"));
    const list = el("ul");
    for (const p of params) {
      const item = el("li");
      item.appendChild(el("code", "", p.name));
      item.appendChild(document.createTextNode(
        ` (${p.in}${p.required ? ", required" : ""})` + (p.description ? ` — ${p.description}` : "")));
      list.appendChild(item);
    }
    card.appendChild(list);
  }
  if (op.requestBody) {
    card.appendChild(el("h4", "", "Request body"));
    for (const [type, media] of Object.entries(op.requestBody.content || {})) {
      card.appendChild(el("div", "media-type", type));
      if (media.schema) card.appendChild(schemaBlock(doc, media.schema));
    }
  }
  card.appendChild(el("h4", "", "Responses"));
  for (const [status, response] of Object.entries(op.responses || {})) {
    const row = el("div", "response");
    row.appendChild(el("strong", "", status + " "));
    row.appendChild(document.createTextNode(response.description || ""));
    for (const [type, media] of Object.entries(response.content || {})) {
      row.appendChild(el("div", "media-type", type));
      if (media.schema) row.appendChild(schemaBlock(doc, media.schema));
    }
    card.appendChild(row);
  }
  card.dataset.search = [method, path, op.summary, op.description, (op.tags || []).join(" ")]
    .join(" ").toLowerCase();
  return card;
}

function render(doc) {
  document.getElementById("title").textContent = `${doc.info.title} ${doc.info.version || ""}`;
  document.getElementById("description").textContent = doc.info.description || "";
  const main = document.getElementById("operations");
  main.replaceChildren();
  const byTag = new Map();
  for (const [path, item] of Object.entries(doc.paths || {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const tag = (op.tags && op.tags[0]) || "other";
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push(operationCard(doc, path, method, op));
    }
  }
  for (const [tag, cards] of [...byTag.entries()].sort()) {
    const section = el("section");
    section.appendChild(el("h2", "", tag));
    cards.forEach((card) => section.appendChild(card));
    main.appendChild(section);
  }
  document.getElementById("filter").addEventListener("input", (event) => {
    const words = event.target.value.toLowerCase().split(/\s+/).filter(Boolean);
    for (const card of main.querySelectorAll(".operation")) {
      card.hidden = !words.every((w) => card.dataset.search.includes(w));
    }
  });
}

fetch("/api/openapi.json")
  .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
  .then(render)
  .catch((error) => {
    document.getElementById("operations").replaceChildren(
      el("p", "error", `Could not load the API document: ${error.message}`));
  });
