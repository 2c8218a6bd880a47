/**
 * Tables served three ways from one route (issue 18): `?format=json` (the default) answers the
 * JSON, `csv` and `xlsx` a download of the same data laid out with Chinese headers
 * (domain/reports/export), so the file's totals are computed from the JSON the route would send.
 */
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { type Sheet, sheetOf, type Table, toCsv, toXlsx } from '../../domain/reports/index.ts';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const CSV_TYPE = 'text/csv; charset=utf-8';

export const downloadFormat = z
  .enum(['json', 'csv', 'xlsx'])
  .default('json')
  .describe('json (default); csv: UTF-8 with BOM, Chinese headers; xlsx: a workbook, one sheet per table');
export type DownloadFormat = z.infer<typeof downloadFormat>;

/** The 200 answer of a route with `format`: the JSON schema, and the two file types. */
export function downloadResponse<T extends z.ZodType>(json: T) {
  return {
    description: 'The JSON, or the file asked for with format',
    content: {
      'application/json': { schema: json },
      'text/csv': { schema: z.string().describe('CSV, UTF-8 with a byte-order mark') },
      [XLSX_TYPE]: { schema: z.string().describe('XLSX workbook (binary)') },
    },
  };
}

/** Content-Disposition with an ASCII fallback and the UTF-8 name (RFC 6266, RFC 5987). */
export function attachmentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/**
 * Answers `json` as it is, or the sheets as a CSV (the first sheet: CSV has one table) or XLSX
 * file named `basename`.csv/.xlsx.
 */
export async function sendTables<T>(
  reply: FastifyReply,
  format: DownloadFormat,
  basename: string,
  json: T,
  files: TableFiles,
): Promise<T | FastifyReply> {
  if (format === 'json') return json;
  if (format === 'csv')
    return reply
      .type(CSV_TYPE)
      .header('content-disposition', attachmentDisposition(`${basename}.csv`))
      .send(files.csv());
  const file = await toXlsx(files.sheets());
  return reply
    .type(XLSX_TYPE)
    .header('content-disposition', attachmentDisposition(`${basename}.xlsx`))
    .send(file);
}

/** How to write the JSON as files: CSV holds one table, XLSX one sheet per table. */
export interface TableFiles {
  csv: () => Buffer;
  sheets: () => Sheet[];
}

/** Both files of one table. */
export function oneTable<Row>(t: Table<Row>): TableFiles {
  return { csv: () => toCsv(t), sheets: () => [sheetOf(t)] };
}
