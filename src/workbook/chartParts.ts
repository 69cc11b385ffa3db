// A layout's charts written into the .xlsx exceljs made (exceljs has no chart
// API), for both of its writers: per sheet with charts, a drawing part holding
// one anchored graphic frame per chart, a chart part per chart (DrawingML, ECMA-376
// Part 1, 21.2: a scatter chart with lines and no markers, whose series read
// the workbook's cells), the relationships from sheet to drawing and from
// drawing to charts, the sheet's <drawing r:id> and the parts' content types.
// Series carry references only, no cached values: Excel and LibreOffice read
// the cells when they open the file, as they recalculate them.

import { parseArea, referenceText } from '../spreadsheet/address.ts';
import type { LayoutChart, WorkbookLayout } from './layout.ts';
import { escapeXml, xmlTags } from './xmlTags.ts';
import { zipDirectory, type ZipEntry } from './zipDirectory.ts';
import { partText, zipWithParts } from './zipWithParts.ts';

const NS = {
  rels: 'http://schemas.openxmlformats.org/package/2006/relationships',
  r: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships',
  a: 'http://schemas.openxmlformats.org/drawingml/2006/main',
  c: 'http://schemas.openxmlformats.org/drawingml/2006/chart',
  xdr: 'http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing',
};
const TYPE = {
  drawing: 'application/vnd.openxmlformats-officedocument.drawing+xml',
  chart: 'application/vnd.openxmlformats-officedocument.drawingml.chart+xml',
};
const HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';


/** `Training!$A$3:$A$102`: where a series reads its values. */
const rangeOf = (r: LayoutChart['x']) => referenceText({ sheet: r.sheet, ...parseArea(r.address)! });

/** A title of one run of bold text (chart or axis), `size` in hundredths of a point. */
const title = (text: string, size: number) =>
  `<c:title><c:tx><c:rich><a:bodyPr/><a:p><a:pPr><a:defRPr sz="${size}" b="1"/></a:pPr><a:r><a:rPr lang="en-US" sz="${size}" b="1"/><a:t>${escapeXml(text)}</a:t></a:r></a:p></c:rich></c:tx><c:overlay val="0"/></c:title>`;

/** A value axis (CT_ValAx's elements in schema order); `gridlines` on the y axis only. */
function axis(id: number, cross: number, position: 'b' | 'l', name: string): string {
  return `<c:valAx><c:axId val="${id}"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/><c:axPos val="${position}"/>`
    + (position === 'l' ? '<c:majorGridlines/>' : '')
    + `${title(name, 1000)}<c:numFmt formatCode="General" sourceLinked="0"/><c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="low"/>`
    + `<c:crossAx val="${cross}"/><c:crosses val="autoZero"/><c:crossBetween val="midCat"/></c:valAx>`;
}

/** The chart part: one series, y against x, a line without markers; no legend (no <c:legend>). */
export function chartXml(chart: LayoutChart): string {
  const series = `<c:ser><c:idx val="0"/><c:order val="0"/><c:tx><c:v>${escapeXml(chart.yTitle)}</c:v></c:tx>`
    + `<c:spPr><a:ln w="22225"><a:solidFill><a:srgbClr val="1F3864"/></a:solidFill></a:ln></c:spPr><c:marker><c:symbol val="none"/></c:marker>`
    + `<c:xVal><c:numRef><c:f>${escapeXml(rangeOf(chart.x))}</c:f></c:numRef></c:xVal>`
    + `<c:yVal><c:numRef><c:f>${escapeXml(rangeOf(chart.y))}</c:f></c:numRef></c:yVal><c:smooth val="0"/></c:ser>`;
  return `${HEAD}<c:chartSpace xmlns:c="${NS.c}" xmlns:a="${NS.a}" xmlns:r="${NS.r}"><c:roundedCorners val="0"/><c:chart>${title(chart.title, 1300)}<c:autoTitleDeleted val="0"/>`
    + `<c:plotArea><c:layout/><c:scatterChart><c:scatterStyle val="lineMarker"/><c:varyColors val="0"/>${series}<c:axId val="1"/><c:axId val="2"/></c:scatterChart>`
    + `${axis(1, 2, 'b', chart.xTitle)}${axis(2, 1, 'l', chart.yTitle)}</c:plotArea><c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart></c:chartSpace>`;
}

/** The drawing part: chart k in a frame anchored over its cells (0-based columns and rows), related as rId<k+1>. */
function drawingXml(charts: LayoutChart[]): string {
  const corner = (tag: string, col: number, row: number) => `<xdr:${tag}><xdr:col>${col}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>${row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:${tag}>`;
  const frames = charts.map(({ at, title }, k) =>
    `<xdr:twoCellAnchor editAs="oneCell">${corner('from', at.col, at.row - 1)}${corner('to', at.col + at.cols, at.row - 1 + at.rows)}`
    + `<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="${k + 2}" name="${escapeXml(title, true)}"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>`
    + `<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm><a:graphic><a:graphicData uri="${NS.c}"><c:chart xmlns:c="${NS.c}" r:id="rId${k + 1}"/></a:graphicData></a:graphic>`
    + '</xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor>');
  return `${HEAD}<xdr:wsDr xmlns:xdr="${NS.xdr}" xmlns:a="${NS.a}" xmlns:r="${NS.r}">${frames.join('')}</xdr:wsDr>`;
}

const relationship = (id: string, type: string, target: string) => `<Relationship Id="${id}" Type="${NS.r}/${type}" Target="${target}"/>`;
const relationships = (rels: string[]) => `${HEAD}<Relationships xmlns="${NS.rels}">${rels.join('')}</Relationships>`;

/** Each sheet's part name (`xl/worksheets/sheet1.xml`), from xl/workbook.xml and its relationships. */
async function sheetParts(bytes: Uint8Array, entries: ZipEntry[]): Promise<Map<string, string>> {
  const read = async (name: string) => {
    const text = await partText(bytes, entries, name);
    if (text === undefined) throw new Error(`chartParts: the workbook has no ${name}`);
    return text;
  };
  const targets = new Map<string, string>();
  for (const t of xmlTags(await read('xl/_rels/workbook.xml.rels'))) {
    if (t.name === 'Relationship' && !t.closing) targets.set(t.attributes.get('Id')!, t.attributes.get('Target')!);
  }
  const parts = new Map<string, string>();
  for (const t of xmlTags(await read('xl/workbook.xml'))) {
    if (t.name !== 'sheet' || t.closing) continue;
    const target = targets.get(t.attributes.get('r:id')!)!;
    parts.set(t.attributes.get('name')!, target.startsWith('/') ? target.slice(1) : `xl/${target}`);
  }
  return parts;
}

/**
 * The elements CT_Worksheet allows after <drawing> (ECMA-376 Part 1, 18.3.1.99):
 * the drawing goes before the first of them, or at the end of the sheet.
 */
const AFTER_DRAWING = /<(?:legacyDrawing|legacyDrawingHF|drawingHF|picture|oleObjects|controls|webPublishItems|tableParts|extLst)[\s/>]|<\/worksheet>/;

/** `bytes` (an .xlsx exceljs wrote for `layout`) with the layout's charts added; the same bytes when it has none. */
export async function addCharts(bytes: Uint8Array, layout: WorkbookLayout): Promise<Uint8Array> {
  const withCharts = layout.sheets.filter((s) => s.charts?.length);
  if (!withCharts.length) return bytes;
  const entries = zipDirectory(bytes);
  const sheets = await sheetParts(bytes, entries);
  const parts = new Map<string, string>();
  const types: string[] = [];
  let drawings = 0, charts = 0;
  for (const sheet of withCharts) {
    const part = sheets.get(sheet.name);
    if (!part) throw new Error(`chartParts: the workbook has no sheet ${sheet.name}`);
    const xml = (await partText(bytes, entries, part))!;
    if (/<drawing[\s/>]/.test(xml)) throw new Error(`chartParts: ${part} has a drawing already`);
    const drawing = `xl/drawings/drawing${++drawings}.xml`;
    // The sheet's relationships (exceljs writes them for hyperlinks and the like): ours gets an Id of its own.
    const relsName = part.replace(/([^/]+)$/, '_rels/$1.rels');
    const rels = await partText(bytes, entries, relsName);
    const id = 'rIdXlgradDrawing';
    const rel = relationship(id, 'drawing', `../drawings/${drawing.split('/').pop()}`);
    parts.set(relsName, rels === undefined ? relationships([rel]) : rels.replace('</Relationships>', `${rel}</Relationships>`));
    const at = xml.search(AFTER_DRAWING);
    parts.set(part, `${xml.slice(0, at)}<drawing r:id="${id}"/>${xml.slice(at)}`);
    const chartRels: string[] = [];
    sheet.charts!.forEach((chart, k) => {
      const name = `xl/charts/chart${++charts}.xml`;
      parts.set(name, chartXml(chart));
      chartRels.push(relationship(`rId${k + 1}`, 'chart', `../charts/chart${charts}.xml`));
      types.push(`<Override PartName="/${name}" ContentType="${TYPE.chart}"/>`);
    });
    parts.set(drawing, drawingXml(sheet.charts!));
    parts.set(`xl/drawings/_rels/drawing${drawings}.xml.rels`, relationships(chartRels));
    types.push(`<Override PartName="/${drawing}" ContentType="${TYPE.drawing}"/>`);
  }
  const contentTypes = (await partText(bytes, entries, '[Content_Types].xml'))!;
  parts.set('[Content_Types].xml', contentTypes.replace('</Types>', `${types.join('')}</Types>`));
  return zipWithParts(bytes, parts);
}
