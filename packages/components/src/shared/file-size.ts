import { msg, str } from '@lit/localize';
import { formatNumber, intlLocale } from './localization.js';

/** "2.4 MB", "830 KB", "12 bytes", in the widgets' language (or `locale`). */
export function fileSize(bytes: number, locale = intlLocale()): string {
  const nf = (n: number, digits = 0) => formatNumber(n, digits, locale);
  if (bytes < 1024) return bytes === 1 ? msg('1 byte') : msg(str`${nf(bytes)} bytes`);
  if (bytes < 1024 * 1024) return msg(str`${nf(bytes / 1024)} KB`);
  return msg(str`${nf(bytes / (1024 * 1024), 1)} MB`);
}
