/**
 * What the page component (components/mermaid-diagram.ts) does for a diagram it draws, done for the
 * diagrams drawn at build time, which arrive as static HTML (../mermaid-fence.ts) that Vue never
 * touches again: plain DOM, run after every page's content is in place.
 * - A diagram wider than its box scrolls sideways, reachable from the keyboard (tabindex, role,
 *   and a label saying so); the SVG's own --diagram-min-width keeps its text at 12 px.
 * - A diagram shrunk to the column or scrolling gets a "Full size" button; Escape closes the view.
 * - data-theme says which drawing is on screen (CSS picks it from the .dark class).
 */

const DARK = 'dark';

/** Gives every build-time diagram on the page its controls; returns what undoes them. */
export function attachDiagramControls(root: ParentNode): () => void {
  const undo: (() => void)[] = [];
  for (const figure of root.querySelectorAll<HTMLElement>('figure.mermaid-diagram[data-drawn="build"]')) {
    undo.push(attach(figure));
  }
  return () => {
    for (const step of undo) step();
  };
}

function attach(figure: HTMLElement): () => void {
  const found = figure.querySelector<HTMLElement>('.mermaid-scroll');
  if (!found) return () => {};
  const scroller: HTMLElement = found;
  const html = document.documentElement;
  const visibleSvg = (): SVGSVGElement | null =>
    scroller.querySelector<SVGSVGElement>(`svg.mermaid-variant-${html.classList.contains(DARK) ? 'dark' : 'light'}`) ?? scroller.querySelector('svg');
  const name = (): string => (visibleSvg()?.querySelector('title')?.textContent ?? '').trim() || 'Diagram';
  let button: HTMLButtonElement | undefined;

  const setFull = (full: boolean): void => {
    figure.classList.toggle('is-full', full);
    measure();
  };

  function measure(): void {
    figure.setAttribute('data-theme', html.classList.contains(DARK) ? 'dark' : 'default');
    const svg = visibleSvg();
    const natural = svg?.viewBox.baseVal?.width || 0;
    const full = figure.classList.contains('is-full');
    // Also known before the drawing is laid out (off screen it is not): it cannot shrink below
    // the width that keeps its text at 12 px.
    const minWidth = Number.parseFloat(figure.style.getPropertyValue('--diagram-min-width')) || 0;
    const scrolls = scroller.scrollWidth > scroller.clientWidth + 1 || minWidth > scroller.clientWidth + 1;
    if (scrolls) {
      scroller.setAttribute('tabindex', '0');
      scroller.setAttribute('role', 'region');
      scroller.setAttribute('aria-label', `${name()} (scrolls sideways)`);
    } else {
      for (const attribute of ['tabindex', 'role', 'aria-label']) scroller.removeAttribute(attribute);
    }
    const wanted = full || natural > scroller.clientWidth + 1;
    if (wanted && !button) {
      button = document.createElement('button');
      button.type = 'button';
      button.className = 'mermaid-full-toggle';
      button.addEventListener('click', () => setFull(!figure.classList.contains('is-full')));
      figure.append(button);
    } else if (!wanted && button) {
      button.remove();
      button = undefined;
    }
    if (button) {
      button.setAttribute('aria-pressed', full ? 'true' : 'false');
      button.textContent = full ? 'Close the full-size view' : 'Full size';
    }
  }

  const onKey = (event: KeyboardEvent): void => {
    if (event.key === 'Escape' && figure.classList.contains('is-full')) setFull(false);
  };
  const resized = new ResizeObserver(() => measure());
  resized.observe(scroller);
  // The reader switching light/dark swaps the drawing on screen.
  const themed = new MutationObserver(() => measure());
  themed.observe(html, { attributes: true, attributeFilter: ['class'] });
  // Off screen the drawing is not laid out (content-visibility: auto in custom.css), so whether it
  // scrolls is known only once the reader comes near it.
  scroller.addEventListener('contentvisibilityautostatechange', measure);
  window.addEventListener('keydown', onKey);
  measure();
  // Undone before the next page's (or the same page's updated) content gets its own.
  return () => {
    resized.disconnect();
    themed.disconnect();
    scroller.removeEventListener('contentvisibilityautostatechange', measure);
    window.removeEventListener('keydown', onKey);
    button?.remove();
    figure.classList.remove('is-full');
  };
}
