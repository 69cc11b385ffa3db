// Which epoch each section shows: a tag beside the heading of every section
// whose numbers belong to the epoch picked in the sticky bar.

/** The cells drawn for the picked epoch (the forward table shows it among others, highlighted). */
export const EPOCH_CELLS: Record<string, string> = {
  diagram: 'epoch', forward: 'epoch highlighted', derivatives: 'epoch', gradients: 'epoch', sgd: 'epoch', slice: 'epoch',
};

/** `heading(cell)`: the heading of the section that cell is drawn in. */
export function tagEpochs(heading: (cell: string) => HTMLElement | null, epoch: number, epochs: number): void {
  for (const [name, how] of Object.entries(EPOCH_CELLS)) {
    const h = heading(name);
    if (!h) continue;
    let tag = h.querySelector<HTMLElement>('.epoch-tag');
    if (!tag) {
      tag = document.createElement('span');
      tag.className = 'epoch-tag';
      h.append(tag);
    }
    const text = how === 'epoch' ? `epoch ${epoch} of ${epochs.toLocaleString('en-US')}` : `epoch ${epoch} highlighted`;
    if (tag.textContent !== text) tag.textContent = text;
  }
}
