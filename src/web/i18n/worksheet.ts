/** Licence-application worksheet words (/c/:id/worksheet). */
export const worksheetEn = {} as const;
export const worksheetZh: Record<keyof typeof worksheetEn, string> = {};
