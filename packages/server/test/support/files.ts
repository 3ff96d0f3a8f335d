import { crc32, deflateSync } from 'node:zlib';

/**
 * Real, minimal files of each type an upload takes, made here rather than
 * shipped: the server reads an upload's bytes, so fixtures must be the real
 * thing, not a name with anything in it.
 */

function chunk(type: string, data: Uint8Array): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A 1×1 opaque white PNG. */
export function png(): Uint8Array {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0);
  header.writeUInt32BE(1, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.from([0, 255, 255, 255]))),
    chunk('IEND', new Uint8Array()),
  ]);
}

/** The start of a JFIF JPEG (what every JPEG begins with). */
export function jpeg(): Uint8Array {
  return Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex');
}

/** A 1×1 GIF. */
export function gif(): Uint8Array {
  return Buffer.from('47494638396101000100800000ffffff00000021f90401000000002c00000000010001000002024401003b', 'hex');
}

/** A one-page PDF with no content. */
export function pdf(): Uint8Array {
  return Buffer.from(
    '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
    'latin1',
  );
}

/** A ZIP archive of stored (uncompressed) entries. */
export function zip(entries: Record<string, string>): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const data = Buffer.from(text, 'utf8');
    const file = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    // A local header and its central-directory entry share one run of fields, from "version needed" (2.0) on:
    // flags, method (stored), time and date left 0, then the CRC-32, both sizes and the name's length.
    const header = (length: number, signature: number, versionNeededAt: number) => {
      const h = Buffer.alloc(length);
      h.writeUInt32LE(signature, 0);
      h.writeUInt16LE(20, versionNeededAt);
      h.writeUInt32LE(crc, versionNeededAt + 10);
      h.writeUInt32LE(data.length, versionNeededAt + 14);
      h.writeUInt32LE(data.length, versionNeededAt + 18);
      h.writeUInt16LE(file.length, versionNeededAt + 22);
      return h;
    };
    const local = header(30, 0x04034b50, 4);
    const central = header(46, 0x02014b50, 6);
    central.writeUInt16LE(20, 4); // version made by
    central.writeUInt32LE(offset, 42);
    locals.push(local, file, data);
    centrals.push(central, file);
    offset += local.length + file.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const contentTypes = (main: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/${main}" ContentType="application/vnd.openxmlformats-officedocument.${
    main.startsWith('word') ? 'wordprocessingml.document' : 'spreadsheetml.sheet'
  }.main+xml"/></Types>`;

/** A Word document's package: its content types and an empty body. */
export function docx(): Uint8Array {
  return zip({
    '[Content_Types].xml': contentTypes('word/document.xml'),
    'word/document.xml': '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>',
  });
}

/** An Excel workbook's package: its content types and an empty workbook. */
export function xlsx(): Uint8Array {
  return zip({
    '[Content_Types].xml': contentTypes('xl/workbook.xml'),
    'xl/workbook.xml': '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets/></workbook>',
  });
}

/** The start of a Windows executable (the "MZ" header and DOS stub). */
export function exe(): Uint8Array {
  const bytes = Buffer.alloc(128);
  bytes.write('MZ', 0, 'latin1');
  bytes.writeUInt32LE(64, 60);
  bytes.write('PE\0\0', 64, 'latin1');
  return bytes;
}

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);
