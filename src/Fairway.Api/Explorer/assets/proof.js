// The namespace proof check of docs/PROOFS.md ("Namespace proof"), in the browser: from a node's answer for
// /v1/availability/block/{h}/namespace/{ns}, recompute every hash with WebCrypto and say which step held and which did not.
// It trusts the validator set (keys and stakes) the same node reports; see docs/EXPLORER.md.
import { Reader, concat, equal, fromBase64, fromHex, hex, sha256, u8, u32, u64 } from "./bytes.js";

const SiblingsMax = 62;
const TraceMax = 200;
const SignaturePrefix = concat(new TextEncoder().encode("FAIRWAY-SIG-v1"), new Uint8Array(2));
const VoteKind = 2;
const OutputKind = 7;

function short(bytes) {
  return hex(bytes).slice(0, 12) + "…";
}

function decodeNode(reader) {
  return { min: reader.u64(), max: reader.u64(), digest: reader.hash() };
}

function nodeBytes(node) {
  return concat(u64(node.min), u64(node.max), node.digest);
}

export function decodeNamespaceProof(bytes) {
  const r = new Reader(bytes, "namespace proof");
  const version = r.u8();
  if (version !== 2) throw new Error(`namespace proof: version ${version}, expected 2`);
  const namespace = r.u64();
  const rangeVersion = r.u8();
  if (rangeVersion !== 1) throw new Error(`range proof: version ${rangeVersion}, expected 1`);
  const leafCount = r.u32();
  const start = r.u32();
  const end = r.u32();
  if (start > end || end > leafCount) throw new Error(`range proof: range [${start}, ${end}) does not fit ${leafCount} leaves`);
  const siblingCount = r.u32();
  if (siblingCount > SiblingsMax) throw new Error(`range proof: ${siblingCount} siblings, at most ${SiblingsMax}`);
  const siblings = [];
  for (let i = 0; i < siblingCount; i++) {
    const node = decodeNode(r);
    if (node.min > node.max) throw new Error(`range proof: sibling ${i} has min namespace above max`);
    siblings.push(node);
  }
  const hashes = [];
  for (let i = start; i < end; i++) hashes.push(r.hash());
  r.end();
  return { namespace, leafCount, start, end, siblings, hashes };
}

export function decodeOutputHeader(bytes) {
  const r = new Reader(bytes, "output header");
  const version = r.u8();
  if (version !== 1 && version !== 2) throw new Error(`output header: version ${version}, expected 1 or 2`);
  const header = {
    version,
    chainId: r.hash(),
    height: r.u64(),
    blockHash: r.hash(),
    previous: r.hash(),
    transactionCount: r.u32(),
    outputRoot: r.hash(),
  };
  if (version === 2) {
    header.inboxIndex = r.u64();
    header.l1Block = r.u64();
    header.inboxFull = r.u8();
  }
  r.end();
  return header;
}

function decodeSignatures(r, what) {
  const count = r.u32();
  if (count > 1024) throw new Error(`${what}: ${count} signers, at most 1024`);
  const signers = [];
  let last = -1;
  for (let i = 0; i < count; i++) {
    const signer = r.u16();
    if (signer <= last) throw new Error(`${what}: signers not strictly ascending`);
    last = signer;
    signers.push({ signer, signature: r.take(64) });
  }
  return signers;
}

export function decodeOutputCertificate(bytes) {
  const r = new Reader(bytes, "output certificate");
  const version = r.u8();
  if (version !== 1) throw new Error(`output certificate: version ${version}, expected 1`);
  const certificate = { height: r.u64(), headerHash: r.hash(), signers: decodeSignatures(r, "output certificate") };
  r.end();
  return certificate;
}

export function decodeQc(bytes) {
  const r = new Reader(bytes, "quorum certificate");
  const version = r.u8();
  if (version !== 1) throw new Error(`quorum certificate: version ${version}, expected 1`);
  const qc = { round: r.u64(), blockHash: r.hash(), signers: decodeSignatures(r, "quorum certificate") };
  r.end();
  return qc;
}

export async function transactionHash(ns, payload) {
  return sha256(concat(u8(1), u64(ns), u32(payload.length), payload));
}

async function leaf(ns, txHash) {
  return { min: ns, max: ns, digest: await sha256(concat(u8(0), u64(ns), txHash)) };
}

async function inner(left, right) {
  return { min: left.min, max: right.max, digest: await sha256(concat(u8(1), nodeBytes(left), nodeBytes(right))) };
}

function largestPowerOfTwoBelow(n) {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** The root the proof and the hashes give, descending from [0, leaf_count) as PROOFS.md says; throws with the reason. */
export async function computeRoot(proof, ns, trace) {
  if (proof.leafCount === 0) {
    if (proof.siblings.length !== 0) throw new Error("an empty output has no siblings");
    trace.push("empty output: root = H(0x02 | u64 0)");
    return sha256(concat(u8(2), u64(0)));
  }
  let nextSibling = 0;
  let nextLeaf = 0;
  const note = (line) => {
    if (trace.length < TraceMax) trace.push(line);
  };
  const walk = async (lo, hi) => {
    if (hi <= proof.start || lo >= proof.end) {
      if (nextSibling === proof.siblings.length) throw new Error(`subtree [${lo}, ${hi}) needs a sibling; the proof has no more`);
      const node = proof.siblings[nextSibling++];
      const left = hi <= proof.start;
      if (left ? !(node.max < ns) : !(node.min > ns)) {
        throw new Error(`sibling for [${lo}, ${hi}) spans namespaces ${node.min}..${node.max}: it may hide transactions of ${ns}`);
      }
      note(`[${lo}, ${hi}) sibling, namespaces ${node.min}..${node.max} (${left ? "all below" : "all above"} ${ns}) ${short(node.digest)}`);
      return node;
    }
    if (hi - lo === 1) {
      if (nextLeaf === proof.hashes.length) throw new Error(`leaf ${lo} needs a transaction hash; the proof has no more`);
      const node = await leaf(ns, proof.hashes[nextLeaf++]);
      note(`[${lo}, ${hi}) leaf(${ns}, ${short(proof.hashes[nextLeaf - 1])}) = ${short(node.digest)}`);
      return node;
    }
    const split = lo + largestPowerOfTwoBelow(hi - lo);
    const left = await walk(lo, split);
    const right = await walk(split, hi);
    if (left.max > right.min) throw new Error(`[${lo}, ${hi}): left child's max ${left.max} is above right child's min ${right.min}`);
    const node = await inner(left, right);
    note(`[${lo}, ${hi}) inner([${lo}, ${split}), [${split}, ${hi})), namespaces ${node.min}..${node.max} = ${short(node.digest)}`);
    return node;
  };
  const top = await walk(0, proof.leafCount);
  if (nextSibling !== proof.siblings.length) throw new Error(`${proof.siblings.length - nextSibling} siblings left unused`);
  if (nextLeaf !== proof.hashes.length) throw new Error(`${proof.hashes.length - nextLeaf} transaction hashes left unused`);
  const root = await sha256(concat(u8(2), u64(proof.leafCount), nodeBytes(top)));
  note(`root = H(0x02 | u64 ${proof.leafCount} | top) = ${short(root)}`);
  return root;
}

let ed25519Support;

/** Whether this browser's WebCrypto does Ed25519 (recent ones do); without it signatures are reported as not checked. */
export async function hasEd25519() {
  if (ed25519Support === undefined) {
    try {
      await crypto.subtle.importKey("raw", new Uint8Array(32).fill(1), { name: "Ed25519" }, false, ["verify"]);
      ed25519Support = true;
    } catch {
      ed25519Support = false;
    }
  }
  return ed25519Support;
}

async function verifySignature(publicKeyHex, signature, message) {
  try {
    const key = await crypto.subtle.importKey("raw", fromHex(publicKeyHex), { name: "Ed25519" }, false, ["verify"]);
    return await crypto.subtle.verify({ name: "Ed25519" }, key, signature, message);
  } catch {
    return false;
  }
}

async function epochId(chainId, epoch) {
  return epoch === 0n ? chainId : sha256(concat(new TextEncoder().encode("FAIRWAY-EPOCH-v1"), chainId, u64(epoch)));
}

/**
 * Checks a namespace answer. context: { validators: /v1/node/validators, epochs: /v1/epochs }. Returns the steps in
 * order ({ title, ok: true | false | null (not checked), detail, trace? }) and the verdict.
 */
export async function verifyNamespaceAnswer(answer, ns, context) {
  const steps = [];
  const step = (title, ok, detail, trace) => steps.push({ title, ok, detail, trace });
  const namespace = BigInt(ns);
  try {
    const proof = decodeNamespaceProof(fromBase64(answer.proof));
    step("Decode the namespace proof", true,
      `version 2, namespace ${proof.namespace}, range [${proof.start}, ${proof.end}) of ${proof.leafCount} leaves, ${proof.siblings.length} siblings, ${proof.hashes.length} transaction hashes, no trailing bytes`);

    step("The proof is for this namespace", proof.namespace === namespace, `proof names ${proof.namespace}; asked for ${namespace}`);

    const leafLines = [];
    let leavesOk = answer.transactions.length === proof.hashes.length;
    if (!leavesOk) leafLines.push(`${answer.transactions.length} transactions returned, the proof has ${proof.hashes.length} hashes`);
    for (let i = 0; i < answer.transactions.length && i < proof.hashes.length; i++) {
      const tx = answer.transactions[i];
      const computed = await transactionHash(namespace, fromBase64(tx.payload));
      const same = hex(computed) === tx.hash && equal(computed, proof.hashes[i]);
      leavesOk &&= same;
      leafLines.push(`#${i} (block index ${proof.start + i}): H(tx) = ${short(computed)} ${same ? "= listed hash = proof hash" : "differs from the listed or the proof's hash"}`);
    }
    step("Leaf hashes: each transaction hashes to the proof's hash, in order", leavesOk,
      answer.transactions.length === 0 ? "no transactions: the proof must show the namespace is absent" : `${answer.transactions.length} transactions, each hashed as H(0x01 | u64 namespace | u32 length | payload)`, leafLines);

    const header = decodeOutputHeader(fromBase64(answer.output_header));
    step("Leaf count equals the output header's transaction count", proof.leafCount === header.transactionCount,
      `proof ${proof.leafCount}, header ${header.transactionCount}`);

    const trace = [];
    let root = null;
    try {
      root = await computeRoot(proof, namespace, trace);
      step("Path to the root: every sibling used once, namespaces outside the range are all below or all above", true,
        `recomputed root ${hex(root)}`, trace);
    } catch (e) {
      step("Path to the root: every sibling used once, namespaces outside the range are all below or all above", false, e.message, trace);
    }

    step("Root equals the output header's output_root", root !== null && equal(root, header.outputRoot),
      `header ${hex(header.outputRoot)}${root === null ? "" : `, computed ${hex(root)}`}`);

    const headerHash = await sha256(fromBase64(answer.output_header));
    const certificate = decodeOutputCertificate(fromBase64(answer.output_certificate));
    const headerCertified = equal(headerHash, certificate.headerHash) && hex(headerHash) === answer.output_hash && certificate.height === header.height;
    step("Output header hash equals the certified one", headerCertified,
      `H(output_header) = ${hex(headerHash)}; certificate names ${hex(certificate.headerHash)} at height ${certificate.height}`);

    const blockBytes = fromBase64(answer.header);
    const blockHash = await sha256(blockBytes);
    const chainId = fromHex(context.validators.chain_id);
    const sameBlock = equal(blockHash, header.blockHash) && hex(blockHash) === answer.hash && header.height === BigInt(answer.height) && equal(header.chainId, chainId);
    step("The output header orders this block, on this chain", sameBlock,
      `H(block) = ${hex(blockHash)}; header names ${hex(header.blockHash)} at height ${header.height}; chain id ${equal(header.chainId, chainId) ? "matches" : "differs from"} the node's`);

    const { stakes, epoch, note } = stakesAt(context, BigInt(answer.height));
    const total = stakes.reduce((a, b) => a + b, 0n);
    const faulty = (total - 1n) / 3n;
    const validity = faulty + 1n;
    const quorum = total - faulty;
    const stakeOf = (signers) => signers.reduce((sum, s) => sum + (s.signer < stakes.length ? stakes[s.signer] : 0n), 0n);
    const known = (signers) => signers.every((s) => s.signer < stakes.length);

    const outputStake = stakeOf(certificate.signers);
    step("Output certificate signers hold more than the faulty stake", known(certificate.signers) && outputStake >= validity,
      `signers ${certificate.signers.map((s) => s.signer).join(", ")} hold ${outputStake} of ${total} (need ${validity})${note}`);

    const qc = decodeQc(fromBase64(answer.qc));
    const qcStake = stakeOf(qc.signers);
    step("Quorum certificate certifies this block with more than two thirds of the stake",
      equal(qc.blockHash, blockHash) && qc.round === BigInt(answer.round) && known(qc.signers) && qcStake >= quorum,
      `QC round ${qc.round}, signers ${qc.signers.map((s) => s.signer).join(", ")} hold ${qcStake} of ${total} (need ${quorum})`);

    if (await hasEd25519()) {
      const keys = context.validators.validators.map((v) => v.public_key);
      const outputMessage = concat(SignaturePrefix, u8(OutputKind), chainId, u64(header.height), headerHash);
      const voteMessage = concat(SignaturePrefix, u8(VoteKind), await epochId(chainId, epoch), u64(qc.round), blockHash);
      const lines = [];
      let all = true;
      for (const [what, signers, message] of [["output", certificate.signers, outputMessage], ["vote", qc.signers, voteMessage]]) {
        for (const s of signers) {
          const ok = s.signer < keys.length && (await verifySignature(keys[s.signer], s.signature, message));
          all &&= ok;
          lines.push(`${what} signature of validator ${s.signer}: ${ok ? "valid" : "INVALID"}`);
        }
      }
      step("Every certificate signature verifies (Ed25519, WebCrypto)", all, `${lines.length} signatures checked against the node's validator keys`, lines);
    } else {
      step("Certificate signatures", null, "not checked: this browser's WebCrypto has no Ed25519; the stakes above are checked, the signatures are not");
    }
  } catch (e) {
    step("Decode the answer", false, e.message);
  }
  const pass = steps.length > 0 && steps.every((s) => s.ok !== false);
  return { pass, steps };
}

/** The stakes that certified height h: the epoch that started at or before h, or the current set when no change is recorded. */
function stakesAt(context, height) {
  const current = context.validators.validators.map((v) => BigInt(v.stake));
  const history = (context.epochs?.epochs ?? []).filter((e) => BigInt(e.first_height) <= height);
  if (history.length > 0) {
    const e = history[history.length - 1];
    return { stakes: e.stakes.map((s) => BigInt(s)), epoch: BigInt(e.epoch), note: ` (epoch ${e.epoch})` };
  }
  // Before the first recorded change the block is in epoch 0, whose stakes the node no longer reports once they changed.
  const changed = (context.epochs?.epochs ?? []).length > 0;
  return { stakes: current, epoch: 0n, note: changed ? " (current stakes: epoch 0's are not reported once they changed)" : "" };
}
