/** "alpr, I-35 night-shift" → ['alpr', 'i-35', 'night-shift'] (the server checks each). */
export function parseTags(input: string): string[] {
  return [...new Set(input.split(/[\s,]+/).map((t) => t.replace(/^#/, '').trim().toLowerCase()).filter(Boolean))];
}
