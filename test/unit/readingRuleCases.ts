import type { Verdict } from "../../src/core/result.ts";

type Expect = [Verdict, string | null];

/**
 * The reading rules of the lists, each as specs written from the rule's own words (not from any
 * labelled case): [rule, text, import, export]. A rule the verdict depends on is named in its reasons.
 */
export const CASES: [string, string, Expect, Expect][] = [
  ["1: a cluster's total is not the unit's figure", "IPsec VPN gateway cluster of 3 nodes, 12 Gbps together, 4 Gbps each, AES-256", ["below_threshold", "I-4"], ["below_threshold", "5A002.c"]],
  ["1: a cluster's total alone leaves the unit's figure unknown", "IPsec VPN网关集群 12 Gbps，SM4", ["needs_info", "I-4"], ["needs_info", "5A002.c"]],
  ["7: a verification rate is not a signature rate", "Signing server, RSA-2048 signing 25,000 ops/s, verify 80,000 ops/s, AES-256 12 Gbps", ["licence_required", "I-3"], ["licence_required", "5A002.b"]],
  ["7: verification alone leaves the signature rate unknown", "签名验签服务器，SM2验签速率 8万次/秒，SM4", ["needs_info", "I-3"], ["needs_info", "5A002.b"]],
  ["20: a label with a digit in it still labels its figure", "密码卡，对称加密性能：SM4 15Gbps", ["licence_required", "I-3"], ["licence_required", "5A002.b"]],
  ["5: a family spanning the threshold asks which model", "IPsec VPN gateway family, 2–20 Gbps IPsec throughput depending on model, AES-256", ["needs_info", "I-4"], ["needs_info", "5A002.c"]],
  ["5: a family wholly above the threshold", "IPsec VPN网关系列，IPsec吞吐量 12~40Gbps（视型号），SM4", ["licence_required", "I-4"], ["licence_required", "5A002.c"]],
  ["5: a family wholly below the threshold", "IPsec VPN gateway series: IPsec throughput 1-4 Gbps by model, AES-256", ["below_threshold", "I-4"], ["below_threshold", "5A002.c"]],
  ["6: a tender minimum below the threshold is unknown, not below", "IPsec VPN网关采购：IPsec VPN吞吐量不低于3Gbps，支持SM2/SM4", ["needs_info", "I-4"], ["needs_info", "5A002.c"]],
  ["6: a tender minimum that meets the threshold passes", "IPsec VPN gateway, IPsec VPN throughput at least 20 Gbps, AES-256", ["licence_required", "I-4"], ["licence_required", "5A002.c"]],
  ["6: a stated figure below the threshold still clears", "IPsec VPN gateway, IPsec VPN throughput 3 Gbps, AES-256", ["below_threshold", "I-4"], ["below_threshold", "5A002.c"]],
  ["8: 10^5 is 100,000", "密码卡，SM2签名速率 10^5次/秒，SM4", ["needs_info", "I-3"], ["licence_required", "5A002.b"]],
  ["8: W is 万", "服务器密码机，SM2签名速率 6W次/秒，SM4", ["needs_info", "I-3"], ["licence_required", "5A002.b"]],
  ["8: a bare G right after what it measures is Gbps", "VPN网关，IPsec 12G，SM4", ["licence_required", "I-4"], ["licence_required", "5A002.c"]],
  ["8: a bare G that is a capacity is not a rate", "PCIe密码卡，SM4，板载存储 64G", ["needs_info", "I-3"], ["needs_info", "5A002.b"]],
  ["19: a figure belongs to its key", "品名:VPN网关|VPN吞吐量:12G|算法:SM4", ["licence_required", "I-4"], ["licence_required", "5A002.c"]],
  ["10/17: a published paper is public-domain technology", "Conference paper: a correlation power analysis attack recovering AES keys from a smart card", ["not_listed", null], ["not_listed", null]],
  ["11: a DPU with inline IPsec asks for its main function", "DPU, 2x100GbE, inline IPsec offload, AES-GCM-256", ["needs_info", "I-3"], ["needs_info", "5A002.b"]],
  ["11: a storage array with encryption asks for its main function", "全闪存存储阵列，双控，支持AES-256数据加密", ["needs_info", "I-3"], ["needs_info", "5A002.b"]],
  ["15: a radio for the police is read as a phone, not as sector equipment", "TETRA radio for police, AES-256 end-to-end encryption", ["needs_info", "I-1"], ["not_listed", null]],
  ["sector: a product that exists only for a sector is dedicated to it", "税控盘，SM4加密", ["not_listed", null], ["licence_required", "5A002.e"]],
  ["16: a consumer product named as what a part goes into is not the item", "Security chip for hardware wallets, AES-256, ECC P-256", ["not_listed", null], ["needs_info", "5A002.a"]],
  ["10: a fax that names its paper is not a publication", "Plain paper fax machine, A4 paper tray, AES-256 encrypted transmission", ["needs_info", "I-2"], ["not_listed", null]],
  ["10: key-injection tooling named for HSMs is production equipment, not an HSM", "Key injection station for HSM production lines, AES-256", ["not_listed", null], ["needs_info", "5B002.a"]],
  ["10: the head of a Chinese product name is its last word", "品名:安全芯片密钥注入系统|用途:安全芯片量产|是否有加密功能:有", ["not_listed", null], ["needs_info", "5B002.a"]],
  ["10: software named last in a product's name is its head", "Luna HSM firmware 7.7 upgrade package, for HSMs with 20 Gbps AES-256", ["not_listed", null], ["licence_required", "5D002"]],
  ["15: a radio with encryption stated after it is an encrypted phone", "P25 portable radios configured with AES-256 encryption for a public-safety network", ["licence_required", "I-1"], ["not_listed", null]],
  ["sector: a tax-control product carries its crypto in its name", "税控收款机，含税控IC卡，10台", ["not_listed", null], ["needs_info", "5A002.e"]],
  ["10: tooling for a sector's items is tooling, not sector equipment", "品名:金融IC卡芯片密码检测系统|用途:检测金融IC卡芯片的密码安全性", ["not_listed", null], ["needs_info", "5B002.b"]],
  ["10: a cipher machine's spec table that never names the product asks what it is", "Symmetric algorithm | SM1/SM4/AES | Asymmetric algorithm | SM2/RSA-2048 | SM4 encryption rate | 12 Gbps | SM2 signature rate | 30,000 /s", ["needs_info", "I-3"], ["needs_info", "5A002.b"]],
  ["10/17: a document ending the product's name is a publication", "Please send the customer the Acme X9 network encryptor FIPS 140-3 non-proprietary security policy (v1.2)", ["not_listed", null], ["not_listed", null]],
  ["10: a product named as external to the item is what it works with", "全闪存存储阵列，支持自加密盘AES-256，密钥由外部密钥管理服务器提供", ["needs_info", "I-3"], ["needs_info", "5A002.b"]],
  ["14/17: code published on GitHub is public-domain software", "GitHub repository: SM4-CTR encryption on GPUs with CUDA, 20 Gbps", ["not_listed", null], ["exempt", "5D002"]],
  ["10/11: a general microcontroller with an AES block is not a security chip", "32-bit Cortex-M4 MCU with hardware AES-128 accelerator and TRNG, 512 KB flash, for industrial control", ["not_listed", null], ["not_listed", null]],
  ["10/14: firmware for a listed item is software", "Firmware upgrade package for our 40 Gbps IPsec VPN gateway, AES-256", ["not_listed", null], ["licence_required", "5D002"]],
  ["13: protective words are not cryptanalysis", "硬件加密U盘，AES-256，防暴力破解，连续输错10次自动销毁数据", ["not_listed", null], ["not_listed", null]],
  ["13: an attack the product resists is protective wherever the text names it again", "Secure element: resistant to fault injection and side-channel attacks; glitch sensors against voltage glitching, EM fault injection", ["not_listed", null], ["needs_info", "5A002.a"]],
  ["11: a microcontroller with an AES accelerator is not a security chip", "品名:微控制器(MCU)|用途:工业控制|是否有加密功能:有(AES硬件加速)|数量:1000", ["not_listed", null], ["not_listed", null]],
  ["11: a secure MCU is named as a security chip", "Secure MCU with AES-256 and ECC P-256, tamper resistant, for payment terminals", ["not_listed", null], ["needs_info", "5A002.a"]],
  ["10: a key manager that works with cipher machines is a key manager", "密钥管理系统：支持对接第三方服务器密码机，管理对象数不少于1万个，SM4/SM2", ["not_listed", null], ["licence_required", "5A002.d"]],
  ["10: a product word inside a longer one is part of it (云服务 in 云服务器密码机)", "云服务器密码机 1套，支持虚拟密码机划分，SM2/SM4", ["needs_info", "I-3"], ["needs_info", "5A002.b"]],
  ["13: a side-channel analysis platform is cryptanalysis", "Side-channel analysis platform for smart cards: power analysis and fault injection to recover AES keys", ["not_listed", null], ["licence_required", "5A004"]],
  ["sector as the field names it: a smart-meter ESAM", "智能电能表用ESAM安全芯片，SM1/SM4算法", ["not_listed", null], ["licence_required", "5A002.a"]],
  ["21: a cloud service is not goods", "阿里云 云服务器密码机服务，SM4加解密，按年订阅", ["not_listed", null], ["not_listed", null]],
];
