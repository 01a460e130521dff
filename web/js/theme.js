// Light or dark, before the first paint: a classic script loaded in <head> (the CSP allows no
// inline script), so a dark page never flashes white. A choice made with the header's switch is
// remembered in localStorage; with none, the page follows the system's setting, also when it
// changes while the page is open.
(() => {
  const KEY = 'ampli.theme';
  const system = window.matchMedia('(prefers-color-scheme: dark)');
  const stored = () => {
    try { return localStorage.getItem(KEY); } catch { return null; }
  };
  const current = () => document.documentElement.dataset.theme;
  function apply(theme) {
    document.documentElement.dataset.theme = theme;
    const toggle = document.getElementById('theme-toggle');
    if (!toggle) return;
    const next = theme === 'dark' ? 'light' : 'dark';
    toggle.textContent = theme === 'dark' ? '☀' : '☾';
    toggle.setAttribute('aria-label', `Switch to the ${next} theme`);
    toggle.title = `Switch to the ${next} theme`;
  }
  const chosen = () => {
    const theme = stored();
    return theme === 'light' || theme === 'dark' ? theme : (system.matches ? 'dark' : 'light');
  };
  apply(chosen());
  system.addEventListener('change', () => apply(chosen()));
  document.addEventListener('DOMContentLoaded', () => {
    apply(current());
    document.getElementById('theme-toggle')?.addEventListener('click', () => {
      const theme = current() === 'dark' ? 'light' : 'dark';
      try { localStorage.setItem(KEY, theme); } catch { /* private mode: for this page only */ }
      apply(theme);
    });
  });
})();
