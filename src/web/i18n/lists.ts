/** List browser words (/lists…). */
export const listsEn = {} as const;
export const listsZh: Record<keyof typeof listsEn, string> = {};
