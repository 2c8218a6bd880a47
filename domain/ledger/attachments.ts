/**
 * Files kept with a ledger event (photos of a new meter, a calibration certificate as PDF): at most
 * 20 MB each, JPEG, PNG or PDF judged by their content (the magic bytes), never by the name or the
 * declared type, which the sender controls. Stored in PostgreSQL with the event (migration 0010
 * says why), served to whoever may read the item.
 *
 * The three signatures are checked here rather than with the `file-type` package: three fixed
 * prefixes need no dependency tree, and an unknown format is simply refused.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Db, DbTransaction } from '../../platform/db/database.ts';
import type { Principal } from '../access/index.ts';
import { LedgerTransitionError } from './errors.ts';
import { ledgerId } from './schemas.ts';
import { scopePrefix, visibleItems } from './scope.ts';

export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;
export const MAX_ATTACHMENTS_PER_EVENT = 10;

export const ATTACHMENT_TYPES = ['image/jpeg', 'image/png', 'application/pdf'] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];

export interface AttachmentInput {
  filename: string;
  content: Buffer;
}

export interface CheckedAttachment extends AttachmentInput {
  mediaType: AttachmentType;
}

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The type the content's first bytes say, or null when it is none of the three. */
export function sniffType(content: Buffer): AttachmentType | null {
  if (content.length >= 3 && content[0] === 0xff && content[1] === 0xd8 && content[2] === 0xff) return 'image/jpeg';
  if (content.subarray(0, 8).equals(PNG)) return 'image/png';
  // PDF readers accept the header within the first 1024 bytes; so do we.
  if (content.subarray(0, 1024).includes('%PDF-')) return 'application/pdf';
  return null;
}

/** A file name safe to keep and to send back in Content-Disposition: no path, no control characters. */
function cleanName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    // eslint-disable-next-line no-control-regex -- control characters are what is removed
    .replace(/[\u0000-\u001f\u007f"]/g, '')
    .trim()
    .slice(0, 255);
  return cleaned === '' ? 'attachment' : cleaned;
}

/** Checks size and type of each file before anything is written; throws LedgerTransitionError. */
export function checkAttachments(files: readonly AttachmentInput[]): CheckedAttachment[] {
  if (files.length > MAX_ATTACHMENTS_PER_EVENT)
    throw new LedgerTransitionError('invalid_payload', `at most ${MAX_ATTACHMENTS_PER_EVENT} attachments per transition`);
  return files.map((f) => {
    if (f.content.length === 0) throw new LedgerTransitionError('invalid_payload', `attachment ${cleanName(f.filename)} is empty`);
    if (f.content.length > MAX_ATTACHMENT_BYTES) {
      throw new LedgerTransitionError(
        'attachment_too_large',
        `attachment ${cleanName(f.filename)} is ${f.content.length} bytes; at most ${MAX_ATTACHMENT_BYTES} (20 MB)`,
      );
    }
    const mediaType = sniffType(f.content);
    if (mediaType === null)
      throw new LedgerTransitionError(
        'attachment_type',
        `attachment ${cleanName(f.filename)} is not a JPEG, PNG or PDF file (judged by its content)`,
      );
    return { filename: cleanName(f.filename), content: f.content, mediaType };
  });
}

/** Writes checked files for one event inside the transition's transaction; returns their ids. */
export async function storeAttachments(
  trx: DbTransaction,
  to: { itemId: string; eventId: string; uploadedBy: string },
  files: readonly CheckedAttachment[],
): Promise<string[]> {
  const ids: string[] = [];
  // One at a time: each row may be 20 MB, and one statement of several would hold them all at once.
  for (const f of files) {
    const row = await trx
      .insertInto('ledger_attachments')
      .values({
        item_id: to.itemId,
        event_id: to.eventId,
        filename: f.filename,
        media_type: f.mediaType,
        size_bytes: f.content.length,
        sha256: createHash('sha256').update(f.content).digest(),
        content: f.content,
        uploaded_by: to.uploadedBy,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.push(row.id);
  }
  return ids;
}

export const attachmentDownload = z.object({
  id: ledgerId,
  itemId: ledgerId,
  filename: z.string(),
  mediaType: z.enum(ATTACHMENT_TYPES),
  sizeBytes: z.number().int(),
});

export interface AttachmentDownload extends z.infer<typeof attachmentDownload> {
  content: Buffer;
}

/** The file, when the principal may read its item; undefined otherwise (or when there is none). */
export async function getAttachment(db: Db, p: Principal, attachmentId: string): Promise<AttachmentDownload | undefined> {
  if (!ledgerId.safeParse(attachmentId).success) return undefined;
  const prefix = scopePrefix(p);
  if (prefix === null) return undefined;
  const row = await db
    .selectFrom('ledger_attachments as a')
    .innerJoin('ledger_items', 'ledger_items.id', 'a.item_id')
    .select(['a.id', 'a.item_id', 'a.filename', 'a.media_type', 'a.size_bytes', 'a.content'])
    .where('a.id', '=', attachmentId)
    .where((eb) => visibleItems(eb, p, prefix))
    .executeTakeFirst();
  return (
    row && {
      id: row.id,
      itemId: row.item_id,
      filename: row.filename,
      mediaType: row.media_type,
      sizeBytes: row.size_bytes,
      content: row.content,
    }
  );
}
