/** Example specs one click away on the classify page: typical things people paste, in both languages. */
export interface Example {
  readonly id: string;
  readonly labelEn: string;
  readonly labelZh: string;
  readonly description: string;
  readonly hsCode?: string;
}

export const EXAMPLES: readonly Example[] = [
  {
    id: "cipher-machine-zh",
    labelEn: "Server cipher machine (Chinese)",
    labelZh: "服务器密码机",
    description: "服务器密码机，支持SM2/SM3/SM4，SM4加解密速率 20Gbps，SM2签名速率 8万次/秒，19英寸机架式，面向政务与金融数据中心。",
    hsCode: "8543709950",
  },
  {
    id: "hsm-en",
    labelEn: "Network HSM (English)",
    labelZh: "网络硬件安全模块（英文）",
    description:
      "Network-attached hardware security module (HSM), FIPS 140-3 Level 3, RSA up to 4096-bit, ECC P-256/P-384, AES-256; partitioned for enterprise key storage.",
  },
  {
    id: "vpn-gateway-en",
    labelEn: "IPsec VPN gateway, 40 Gbps",
    labelZh: "IPsec VPN 网关（英文）",
    description: "IPsec VPN gateway appliance, AES-256-GCM, IKEv2 with RSA-3072 certificates; IPsec VPN throughput 40 Gbps.",
    hsCode: "8517622920",
  },
  {
    id: "firewall-en",
    labelEn: "Firewall that also offers VPN",
    labelZh: "附带 VPN 功能的防火墙（英文）",
    description: "Next-generation firewall, firewall throughput 30 Gbps, threat protection 8 Gbps, supports IPsec and SSL VPN with AES.",
  },
  {
    id: "smartphone-zh",
    labelEn: "Consumer smartphone (Chinese)",
    labelZh: "消费类智能手机",
    description: "5G 智能手机，文件级数据加密，指纹解锁，消费类零售产品。",
    hsCode: "8517130000",
  },
  {
    id: "hs-only",
    labelEn: "HS code only",
    labelZh: "仅 HS 编码",
    description: "",
    hsCode: "8543709950",
  },
];
