/**
 * Finds every vocabulary term in a text in one pass: a character trie walked from each
 * position, so overlapping terms ("vpn" inside "vpn gateway", "加密" inside "加密机") are all
 * reported and the caller decides which wins. Cost is proportional to the text length times
 * the depth actually walked, independent of the size of the vocabulary.
 */
export interface TermHit<T> {
  readonly start: number;
  readonly end: number;
  readonly tag: T;
}

/** A term that ends at a node, with how it must be bounded. */
interface TermEnd<T> {
  tag: T;
  stem: boolean;
  caseSensitive: string | null;
  wordStart: boolean;
  endsWithDigit: boolean;
}

/** The trie as terms are added to it. */
interface Node<T> {
  /** Children by UTF-16 code unit: the scan reads char codes, so it makes no one-character strings. */
  next: Map<number, Node<T>>;
  terms: TermEnd<T>[];
}

/** More children than this, and a node's ASCII children are looked up in a table rather than scanned. */
const WIDE_NODE_CHILDREN = 4;

/**
 * The same trie laid out in a few flat arrays for the scan: a map per node puts its children in
 * objects of their own all over the heap, and a walk down them misses the processor's cache at
 * every step. Nodes are numbered depth first, so the nodes of one term lie side by side.
 */
class FlatTrie<T> {
  /** The node each UTF-16 code unit leads to from the root, -1 for none: most positions of a text start no term. */
  readonly rootChild = new Int32Array(0x10000).fill(-1);
  /** The children of node n are edgeCode/edgeChild[firstEdge[n], firstEdge[n + 1]). */
  readonly firstEdge: Int32Array;
  readonly edgeCode: Uint16Array;
  readonly edgeChild: Int32Array;
  /** The terms that end at node n are terms[firstTerm[n], firstTerm[n + 1]): most nodes end none. */
  readonly firstTerm: Int32Array;
  readonly terms: TermEnd<T>[] = [];
  /**
   * A node with many children (the first letter of many terms: "s", "c", "加") has a table of its
   * ASCII children, so the walk does not scan its edges: wideTable[n] is the table's offset in
   * wideChild, -1 for a node with few children.
   */
  readonly wideTable: Int32Array;
  readonly wideChild: Int32Array;

  constructor(root: Node<T>) {
    const nodes: Node<T>[] = [];
    const ids = new Map<Node<T>, number>();
    const numberDepthFirst = (node: Node<T>) => {
      ids.set(node, nodes.length);
      nodes.push(node);
      for (const child of node.next.values()) numberDepthFirst(child);
    };
    numberDepthFirst(root);
    this.firstEdge = new Int32Array(nodes.length + 1);
    this.edgeCode = new Uint16Array(nodes.length - 1);
    this.edgeChild = new Int32Array(nodes.length - 1);
    this.firstTerm = new Int32Array(nodes.length + 1);
    let edge = 0;
    nodes.forEach((node, id) => {
      this.firstEdge[id] = edge;
      for (const [code, child] of node.next) {
        this.edgeCode[edge] = code;
        this.edgeChild[edge] = ids.get(child) as number;
        edge++;
      }
      this.firstTerm[id] = this.terms.length;
      this.terms.push(...node.terms);
    });
    this.firstEdge[nodes.length] = edge;
    this.firstTerm[nodes.length] = this.terms.length;
    for (const [code, child] of root.next) this.rootChild[code] = ids.get(child) as number;
    this.wideTable = new Int32Array(nodes.length).fill(-1);
    const wide = nodes.filter((node) => node.next.size > WIDE_NODE_CHILDREN);
    this.wideChild = new Int32Array(wide.length * 128).fill(-1);
    wide.forEach((node, k) => {
      this.wideTable[ids.get(node) as number] = k * 128;
      for (const [code, child] of node.next) if (code < 128) this.wideChild[k * 128 + code] = ids.get(child) as number;
    });
  }

  /** The child of a node by code unit, -1 for none. Below the root most nodes have one child or two. */
  child(node: number, code: number): number {
    const table = this.wideTable[node] as number;
    if (table >= 0 && code < 128) return this.wideChild[table + code] as number;
    const end = this.firstEdge[node + 1] as number;
    for (let edge = this.firstEdge[node] as number; edge < end; edge++) if (this.edgeCode[edge] === code) return this.edgeChild[edge] as number;
    return -1;
  }
}

const isLetter = (c: number) => c >= 97 && c <= 122;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isWord = (c: number) => isLetter(c) || isDigit(c);

export class Lexicon<T> {
  private readonly root: Node<T> = { next: new Map(), terms: [] };
  /** Laid out at the first scan after terms were added. */
  private flat: FlatTrie<T> | null = null;

  /** "x*" is a stem; "=X" must match with that exact case in the cased text. */
  add(term: string, tag: T): void {
    const caseSensitive = term.startsWith("=") ? term.slice(1).replace(/\*$/, "") : null;
    const stem = term.endsWith("*");
    const body = term.replace(/^=/, "").replace(/\*$/, "").toLowerCase();
    let node = this.root;
    for (let i = 0; i < body.length; i++) {
      const code = body.charCodeAt(i);
      let child = node.next.get(code);
      if (!child) {
        child = { next: new Map(), terms: [] };
        node.next.set(code, child);
      }
      node = child;
    }
    node.terms.push({
      tag,
      stem,
      caseSensitive,
      wordStart: isWord(body.charCodeAt(0)),
      endsWithDigit: isDigit(body.charCodeAt(body.length - 1)),
    });
    this.flat = null;
  }

  /**
   * All hits in `lower` (lower-cased text); `cased` is the same text with case kept, for
   * case-sensitive terms. Latin terms must stand as words: not glued to a letter or digit
   * before, nor to a letter after (a plural "s" is allowed), so "des" is not found in "3des".
   */
  findAll(lower: string, cased: string): TermHit<T>[] {
    const trie = (this.flat ??= new FlatTrie(this.root));
    const hits: TermHit<T>[] = [];
    const n = lower.length;
    let prevIsWord = false;
    for (let i = 0; i < n; i++) {
      const code = lower.charCodeAt(i);
      const startsInsideWord = prevIsWord;
      prevIsWord = isWord(code);
      // A term whose first character is a letter or digit must start a word: inside a word
      // ("crypt" in "encryption") no term can start, so the walk is skipped.
      if (startsInsideWord && prevIsWord) continue;
      let node = trie.rootChild[code] as number;
      if (node < 0) continue;
      let j = i + 1;
      for (;;) {
        const lastTerm = trie.firstTerm[node + 1] as number;
        for (let k = trie.firstTerm[node] as number; k < lastTerm; k++) {
          const t = trie.terms[k] as TermEnd<T>;
          if (t.wordStart && startsInsideWord) continue;
          let end = j;
          if (!t.stem && t.wordStart) {
            const after = lower.charCodeAt(j); // NaN past the end
            if (isLetter(after) || (t.endsWithDigit && isDigit(after))) {
              const plural = after === 115 /* s */ && !isLetter(lower.charCodeAt(j + 1));
              if (!plural) continue;
              end = j + 1;
            }
          } else if (t.stem) {
            while (end < n && isLetter(lower.charCodeAt(end))) end++;
          }
          if (t.caseSensitive !== null && cased.slice(i, i + t.caseSensitive.length) !== t.caseSensitive) continue;
          hits.push({ start: i, end, tag: t.tag });
        }
        if (j >= n) break;
        node = trie.child(node, lower.charCodeAt(j));
        if (node < 0) break;
        j++;
      }
    }
    return hits;
  }
}

/**
 * The spellings the field writes one Latin compound in: "smart card", "smart-card" and "smartcard",
 * "side channel" and "side-channel". A vocabulary term is found in each of them, so the vocabulary
 * lists a compound once. Words are run together only where both are three letters or more ("card ic"
 * does not become "cardic"); a case-sensitive term keeps its one spelling.
 */
export function spellingVariants(term: string): string[] {
  if (term.startsWith("=")) return [term];
  const parts = term.split(/([ -])/);
  if (parts.length === 1 || parts.length > 7) return [term];
  let variants = [parts[0] as string];
  for (let i = 1; i < parts.length; i += 2) {
    const before = parts[i - 1] as string;
    const after = parts[i + 1] as string;
    const joins = /^[a-z]{3,}$/.test(before) && /^[a-z]{3,}\*?$/.test(after) ? [" ", "-", ""] : /^[a-z0-9]+$/.test(before) && /^[a-z0-9]+\*?$/.test(after) ? [" ", "-"] : [parts[i] as string];
    variants = variants.flatMap((v) => joins.map((j) => v + j + after));
  }
  return [...new Set(variants)];
}
