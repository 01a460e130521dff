// Building the page from data without ever parsing it as HTML: every string becomes a text
// node, so a song title like "<img onerror=…>" is shown as those characters.

/** h('a', {href: '/x', class: 'y', onclick: fn}, 'text', child, [more]) */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'dataset') {
      Object.assign(element.dataset, value);
    } else if (value === true) {
      element.setAttribute(name, '');
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

let ids = 0;
/** A labelled form field; answers [wrapper, input]. */
export function field(label, attrs = {}, tag = 'input') {
  const id = `f${++ids}`;
  const input = h(tag, { id, name: attrs.name || id, ...attrs });
  const message = h('p', { class: 'field-error', id: `${id}-error`, role: 'alert' });
  input.setAttribute('aria-describedby', message.id);
  return [h('div', { class: 'field' }, h('label', { for: id }, label), input, message), input];
}

/** Shows an API error next to what caused it: field messages under their fields, the rest
 * in the form's own message area. */
export function showError(form, error) {
  for (const old of form.querySelectorAll('.field-error')) old.textContent = '';
  for (const old of form.querySelectorAll('[aria-invalid]')) old.removeAttribute('aria-invalid');
  const general = form.querySelector('.form-error');
  let placed = false;
  for (const { field: name, message } of error.errors || []) {
    const input = form.querySelector(`[name="${CSS.escape(name)}"]`);
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      form.querySelector(`#${input.id}-error`).textContent = message;
      placed = true;
    }
  }
  if (general) general.textContent = placed ? '' : error.message;
}

export function formError() {
  return h('p', { class: 'form-error', role: 'alert' });
}

export function empty(text, action) {
  return h('div', { class: 'empty' }, h('p', {}, text), action || null);
}

export function busy(text = 'Loading…') {
  return h('p', { class: 'busy', role: 'status' }, text);
}
