// Which epoch each section shows: a tag beside the heading of every section
// whose numbers belong to the epoch picked in the sticky bar.

/** The cells drawn for the picked epoch (the forward table shows it among others, highlighted). */
export const EPOCH_CELLS: Record<string, string> = {
  diagram: 'epoch', forward: 'epoch highlighted', derivatives: 'epoch', gradients: 'epoch', sgd: 'epoch', slice: 'epoch',
};

export function tagEpochs(find: (cell: string) => HTMLElement | null, epoch: number, epochs: number): void {
  for (const [name, how] of Object.entries(EPOCH_CELLS)) {
    const heading = find(name)?.closest('section')?.querySelector('h2');
    if (!heading) continue;
    let tag = heading.querySelector<HTMLElement>('.epoch-tag');
    if (!tag) {
      tag = document.createElement('span');
      tag.className = 'epoch-tag';
      heading.append(tag);
    }
    const text = how === 'epoch' ? `epoch ${epoch} of ${epochs.toLocaleString('en-US')}` : `epoch ${epoch} highlighted`;
    if (tag.textContent !== text) tag.textContent = text;
  }
}
