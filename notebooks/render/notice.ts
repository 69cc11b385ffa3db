// The link's notice: what part of a shared link could not be used. It is shown
// where the reader is: at the top on load, and scrolled into view when the
// hash changes while the reader is further down.

export function renderNotice(el: HTMLElement, message: string | undefined): void {
  el.textContent = message ?? '';
  el.hidden = !message;
  el.setAttribute('role', 'alert');
  if (!message) return;
  const box = el.getBoundingClientRect();
  if (box.top < 0 || box.bottom > innerHeight) el.scrollIntoView({ block: 'center' });
}
