/**
 * What the page component (components/mermaid-diagram.ts) does for a diagram it draws, done for the
 * diagrams drawn at build time, which arrive as static HTML (../mermaid-fence.ts) that Vue never
 * touches again: plain DOM, run after every page's content is in place.
 * - A diagram wider than its box scrolls sideways, reachable from the keyboard (tabindex, role,
 *   and a label saying so); the SVG's own --diagram-min-width keeps its text at 12 px.
 * - A diagram shrunk to the column or scrolling gets a "Full size" button; Escape closes the view.
 * - data-theme says which drawing is on screen (CSS picks it from the .dark class).
 * - A drawing not in the page yet (data-mermaid="deferred", see ../mermaid-fence.ts) is fetched
 *   when the reader comes within a screen of it, and every one before printing.
 */

const DARK = 'dark';

/** Gives every build-time diagram on the page its controls; returns what undoes them. */
export function attachDiagramControls(root: ParentNode): () => void {
  const undo: (() => void)[] = [];
  for (const figure of root.querySelectorAll<HTMLElement>('figure.mermaid-diagram[data-drawn="build"]')) {
    undo.push(attach(figure));
  }
  // Before printing every drawing is asked for (on a slow network some may print as their
  // placeholder); tests ask for the same (src/site/site-audit.ts: settle).
  const drawAll = (): void => {
    for (const figure of root.querySelectorAll<HTMLElement>('figure.mermaid-diagram[data-mermaid="deferred"]')) draw(figure);
  };
  window.addEventListener('beforeprint', drawAll);
  undo.push(() => window.removeEventListener('beforeprint', drawAll));
  return () => {
    for (const step of undo) step();
  };
}

/**
 * Fetches a deferred drawing's document (data-drawing) and puts its SVGs and stylesheets in the
 * figure, once; the figure's controls hear of it by the event. A drawing that cannot be fetched
 * says so in the figure.
 */
function draw(figure: HTMLElement): void {
  const url = figure.getAttribute('data-drawing');
  const scroller = figure.querySelector('.mermaid-scroll');
  if (figure.getAttribute('data-mermaid') !== 'deferred' || !url || !scroller) return;
  figure.setAttribute('data-mermaid', 'loading');
  fetch(url)
    .then((response) => {
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response.text();
    })
    .then((text) => {
      const drawing = new DOMParser().parseFromString(text, 'text/html');
      const parts = [...drawing.head.querySelectorAll('link[rel="stylesheet"]'), ...drawing.body.querySelectorAll(':scope > svg')];
      if (!parts.some((part) => part.localName === 'svg')) throw new Error('no drawing in it');
      scroller.querySelector('.mermaid-placeholder')?.remove();
      scroller.append(...parts.map((part) => document.adoptNode(part)));
      figure.setAttribute('data-mermaid', 'rendered');
      figure.dispatchEvent(new Event(DRAWN));
    })
    .catch((error: unknown) => {
      figure.setAttribute('data-mermaid', 'unavailable');
      const note = document.createElement('p');
      note.className = 'mermaid-unavailable';
      note.textContent = `This diagram did not load (${url}: ${error instanceof Error ? error.message : String(error)}). Reload the page to try again.`;
      scroller.replaceChildren(note);
    });
}

const DRAWN = 'workbook:diagram-drawn';

function attach(figure: HTMLElement): () => void {
  const found = figure.querySelector<HTMLElement>('.mermaid-scroll');
  if (!found) return () => {};
  const scroller: HTMLElement = found;
  // The <noscript> fallback is for pages without JavaScript. After a client-side navigation Vue has
  // parsed it with scripting off, making its <iframe> a real one that would fetch the drawing again.
  scroller.querySelector('noscript')?.remove();
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
    // Also known before the drawing is in the page: it cannot shrink below the width that keeps
    // its text at 12 px.
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
  const drawn = (): void => {
    near.disconnect();
    measure();
  };
  figure.addEventListener(DRAWN, drawn);
  // A screen ahead of the reader, so that the drawing is there before it scrolls into view.
  const near = new IntersectionObserver((entries) => {
    if (entries.some((entry) => entry.isIntersecting)) draw(figure);
  }, { rootMargin: '100% 0px' });
  if (figure.getAttribute('data-mermaid') === 'deferred') near.observe(figure);
  window.addEventListener('keydown', onKey);
  measure();
  // Undone before the next page's (or the same page's updated) content gets its own.
  return () => {
    resized.disconnect();
    themed.disconnect();
    figure.removeEventListener(DRAWN, drawn);
    near.disconnect();
    window.removeEventListener('keydown', onKey);
    button?.remove();
    figure.classList.remove('is-full');
  };
}
