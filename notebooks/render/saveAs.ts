// Offers bytes made in the page as a download, as a link to a blob URL that is
// clicked once and released a minute later (after the browser has read it).

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function saveAs(bytes: Uint8Array, filename: string, type = XLSX): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
