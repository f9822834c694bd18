import type { Request } from "express";
import { commonEn, commonZh } from "./common.ts";
import { classifyEn, classifyZh } from "./classify.ts";
import { listsEn, listsZh } from "./lists.ts";
import { worksheetEn, worksheetZh } from "./worksheet.ts";
import { bulkEn, bulkZh } from "./bulk.ts";
import { recheckEn, recheckZh } from "./recheck.ts";
import { usersEn, usersZh } from "./users.ts";
import { precedentsEn, precedentsZh } from "./precedents.ts";

export const LANGS = ["en", "zh"] as const;
export type Lang = (typeof LANGS)[number];

const en = { ...commonEn, ...classifyEn, ...listsEn, ...worksheetEn, ...bulkEn, ...recheckEn, ...usersEn, ...precedentsEn };
export type MessageKey = keyof typeof en;
const zh: Record<MessageKey, string> = { ...commonZh, ...classifyZh, ...listsZh, ...worksheetZh, ...bulkZh, ...recheckZh, ...usersZh, ...precedentsZh };
const catalogues: Record<Lang, Record<string, string>> = { en, zh };

/** Shown instead of a missing message so the page-walking test can find it. */
export const MISSING_MARK = "⟦missing:";

export type Translate = (key: string, params?: Record<string, string | number>) => string;

export function translator(lang: Lang): Translate {
  const catalogue = catalogues[lang];
  return (key, params) => {
    const message = catalogue[key];
    if (message === undefined) return `${MISSING_MARK}${key}⟧`;
    return params ? message.replace(/\{(\w+)\}/g, (m, name: string) => String(params[name] ?? m)) : message;
  };
}

export const LANG_COOKIE = "lang";

/** The cookie set by the language link wins; otherwise the browser's Accept-Language; otherwise English. */
export function chooseLang(req: Request): Lang {
  const cookie = (req.cookies as Record<string, unknown> | undefined)?.[LANG_COOKIE];
  if (cookie === "en" || cookie === "zh") return cookie;
  const accepted = req.acceptsLanguages("en", "zh", "zh-CN", "zh-Hans");
  return typeof accepted === "string" && accepted.startsWith("zh") ? "zh" : "en";
}
