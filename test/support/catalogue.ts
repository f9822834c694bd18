import fs from "node:fs";

/** Crypto specs and ordinary goods in turn: what a catalogue export looks like, made without ../shared. */
export const SAMPLE_PRODUCTS = [
  "服务器密码机，SM4加解密速率 20Gbps，SM2签名速率 8万次/秒",
  "IPsec VPN gateway, AES-256, IPsec throughput 40 Gbps",
  "Next-generation firewall with IPsec VPN, AES",
  "Stainless steel kitchen knife set, 5 pieces",
  "5G 智能手机，文件加密，消费类零售",
  "Cotton T-shirt, men's, size L",
  "密钥管理系统，可管理1万个密钥对象，支持SM2/SM4",
  "Wooden dining chair, oak",
] as const;

/** Rows `SKU-n,"<product> #k",` after a header, each row a little different from the last. */
export function catalogueLines(rows: number, from = 0): string[] {
  const lines: string[] = [];
  for (let i = from; i < from + rows; i++) lines.push(`SKU-${i},"${SAMPLE_PRODUCTS[i % SAMPLE_PRODUCTS.length]} #${i % 5003}",`);
  return lines;
}

/** A whole catalogue CSV (UTF-8 with BOM, CRLF), in memory. */
export function catalogueCsv(rows: number): Buffer {
  return Buffer.from(`\ufeffSKU,品名,HS code\r\n${catalogueLines(rows).join("\r\n")}\r\n`);
}

/** A large catalogue CSV on disk, written in blocks so memory stays small. */
export function writeCatalogue(file: string, rows: number): void {
  const out = fs.openSync(file, "w");
  fs.writeSync(out, "\ufeffSKU,品名,HS code\r\n");
  for (let from = 0; from < rows; from += 10_000) fs.writeSync(out, `${catalogueLines(Math.min(10_000, rows - from), from).join("\r\n")}\r\n`);
  fs.closeSync(out);
}
