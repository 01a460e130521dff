// Sign in, sign up, email verification, forgotten and reset passwords.

import { api, signIn } from '../api.js';
import { h, field, formError, showError } from '../dom.js';

function form(title, fields, submitLabel, onSubmit, footer) {
  const error = formError();
  const submit = h('button', { type: 'submit' }, submitLabel);
  const element = h('form', { class: 'card', novalidate: true }, h('h1', {}, title), fields, error, submit, footer || null);
  element.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    submit.setAttribute('aria-busy', 'true');
    try { await onSubmit(element); } catch (e) { showError(element, e); }
    finally { submit.disabled = false; submit.removeAttribute('aria-busy'); }
  });
  return element;
}

export function signInPage({ navigate, query }) {
  const [emailField, email] = field('Email', { type: 'email', name: 'email', autocomplete: 'email', required: true });
  const [passwordField, password] = field('Password', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  return form('Sign in', [emailField, passwordField], 'Sign in', async () => {
    await signIn(email.value, password.value);
    navigate(query.get('next') || '/');
  }, h('p', {}, h('a', { href: '/forgot-password' }, 'Forgot your password?'), ' · ', h('a', { href: '/sign-up' }, 'Create an account')));
}

export function signUpPage() {
  const [nameField, name] = field('Name', { name: 'name', autocomplete: 'name', required: true });
  const [emailField, email] = field('Email', { type: 'email', name: 'email', autocomplete: 'email', required: true });
  const [passwordField, password] = field('Password (at least 12 characters)', { type: 'password', name: 'password', autocomplete: 'new-password', required: true });
  const done = h('div', { role: 'status' });
  const element = form('Create your account', [nameField, emailField, passwordField], 'Sign up', async () => {
    await api('POST', '/auth/register', { name: name.value, email: email.value, password: password.value });
    done.replaceChildren(h('p', { class: 'notice' }, `We sent a link to ${email.value}. Open it to confirm your address, then sign in.`));
    element.reset();
  }, h('p', {}, 'Already have an account? ', h('a', { href: '/sign-in' }, 'Sign in')));
  return h('div', {}, element, done);
}

export async function verifyPage({ query }) {
  const token = query.get('token') || '';
  try {
    await api('POST', '/auth/verify-email', { token });
    return h('section', { class: 'card' }, h('h1', {}, 'Address confirmed'), h('p', {}, 'Thank you. ', h('a', { href: '/sign-in' }, 'Sign in'), ' to start listening.'));
  } catch (error) {
    return h('section', { class: 'card' }, h('h1', {}, 'This link did not work'), h('p', { role: 'alert' }, error.message));
  }
}

export function forgotPage() {
  const [emailField, email] = field('Email', { type: 'email', name: 'email', autocomplete: 'email', required: true });
  const done = h('div', { role: 'status' });
  const element = form('Forgot your password?', [h('p', {}, 'We will mail you a link to choose a new one.'), emailField], 'Send the link', async () => {
    await api('POST', '/auth/forgot-password', { email: email.value });
    done.replaceChildren(h('p', { class: 'notice' }, 'If an account uses that address, a link is on its way.'));
  });
  return h('div', {}, element, done);
}

export function resetPage({ query, navigate }) {
  const [passwordField, password] = field('New password', { type: 'password', name: 'password', autocomplete: 'new-password', required: true });
  return form('Choose a new password', [passwordField], 'Save the password', async () => {
    await api('POST', '/auth/reset-password', { token: query.get('token') || '', password: password.value });
    navigate('/sign-in');
  });
}
