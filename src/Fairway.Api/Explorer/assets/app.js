// The explorer: one page, hash routes (#/, #/blocks, #/block/123, #/namespace/5[/123], #/tx/<hash>, #/fairness), live
// over the node's block stream. Every structure kept in memory is bounded.
import { getJson, getText, openStream, parseMetrics } from "./api.js";
import { lineChart, format } from "./chart.js";
import { decodeNamespaceProof, decodeOutputCertificate, verifyNamespaceAnswer } from "./proof.js";
import { fromBase64 } from "./bytes.js";
import { append, clear, el, facts, hashView, section, table, time } from "./ui.js";

const BlocksKept = 600;
const ChartWindowMs = 5 * 60 * 1000;
const RecentSignerBlocks = 20;
// Charts keep 5-second buckets rather than blocks: a busy chain makes many blocks a second.
const BucketMs = 5000;
const BucketsKept = (ChartWindowMs / BucketMs) + 12;

const state = {
  blocks: [],
  rate: new Map(),
  latency: new Map(),
  lastLatency: null,
  tip: 0,
  streamState: "connecting",
  config: null,
  validators: null,
  epochs: null,
  registry: null,
  listeners: new Set(),
};

const main = document.getElementById("main");

// ---- the block stream, shared by every page ----

async function startBlockStream() {
  const tip = await getJson("/v1/node/block-height");
  state.tip = tip;
  setHeight(tip);
  // About a minute of history at this devnet's pace (ten blocks a second), many minutes on a real network.
  const from = Math.max(1, tip - BlocksKept);
  openStream((next) => `/v1/stream/blocks/${next}`, from, (block) => {
    block.receivedAt = Date.now();
    block.live = block.height > tip;
    state.blocks.push(block);
    record(block);
    if (state.blocks.length > BlocksKept) state.blocks.splice(0, state.blocks.length - BlocksKept);
    state.tip = Math.max(state.tip, block.height);
    setHeight(state.tip);
    for (const listener of state.listeners) listener(block);
  }, (s) => {
    state.streamState = s;
    const status = document.getElementById("stream-state");
    if (status) status.textContent = s === "live" ? "live" : "reconnecting…";
  });
}

function record(block) {
  const bucket = (t) => Math.floor(t / BucketMs) * BucketMs + BucketMs;
  const at = bucket(block.timestamp_ms);
  state.rate.set(at, (state.rate.get(at) ?? 0) + block.transactions);
  if (block.live) {
    const seconds = Math.max(0, block.receivedAt - block.timestamp_ms) / 1000;
    const slot = bucket(block.receivedAt);
    const sum = state.latency.get(slot) ?? { total: 0, n: 0 };
    state.latency.set(slot, { total: sum.total + seconds, n: sum.n + 1 });
    state.lastLatency = seconds;
  }
  for (const map of [state.rate, state.latency]) {
    while (map.size > BucketsKept) map.delete(Math.min(...map.keys()));
  }
}

function setHeight(height) {
  for (const node of document.querySelectorAll("[data-height]")) node.textContent = String(height);
}

function onBlock(listener) {
  state.listeners.add(listener);
  return () => state.listeners.delete(listener);
}

function validatorName(index) {
  const v = state.validators?.validators?.[index];
  return v ? `${v.name} (#${index})` : `#${index}`;
}

function policyOf(ns) {
  const declared = state.registry?.namespaces?.find((n) => String(n.id) === String(ns));
  return declared ? declared.policy : state.registry?.default_policy ?? "?";
}

// ---- pages ----

function shown(value) {
  return value === null || value === undefined ? "—" : String(value);
}

function networkPage(root) {
  const heightValue = el("span", { id: "height", "data-height": "", text: String(state.tip) });
  const round = el("span", { id: "round", text: "…" });
  const leader = el("span", { id: "leader", text: "…" });
  const epoch = el("span", { id: "epoch", text: String(state.validators?.epoch ?? "…") });
  const settlement = el("span", { id: "settlement", text: "…" });
  const tps = el("div", { class: "chart-box" });
  const latency = el("div", { class: "chart-box" });
  const validators = el("div");
  const summary = facts([
    ["Firm height", heightValue],
    ["Committed tx/s (last minute)", el("span", { id: "tps", text: "…" })],
    ["Firm latency (latest)", el("span", { id: "latency", text: "…" })],
    ["Round", round],
    ["Leader", leader],
    ["Epoch", epoch],
    ["Settled on the L1", settlement],
  ]);
  append(root, [
    el("h1", { tabindex: "-1", text: "Network" }),
    summary,
    section("Committed transactions per second", tps),
    section("Firm latency", el("p", { class: "muted", text: "From a block's proposal (its timestamp) to this page receiving it as firm, averaged over 5 seconds; blocks replayed at page load are left out." }), latency),
    section("Validators", validators),
  ]);

  const renderCharts = () => {
    const now = Date.now();
    // Only whole buckets: the one filling now would read low.
    const rate = [...state.rate.entries()].filter(([t]) => t <= now).sort((a, b) => a[0] - b[0]).map(([t, n]) => ({ t, v: n / (BucketMs / 1000) }));
    const lastMinute = rate.filter((p) => p.t > now - 60000).reduce((n, p) => n + p.v, 0) / (60000 / BucketMs);
    document.getElementById("tps").textContent = `${format(lastMinute)} tx/s`;
    const live = [...state.latency.entries()].sort((a, b) => a[0] - b[0]).map(([t, s]) => ({ t: Math.min(t, now), v: s.total / s.n }));
    document.getElementById("latency").textContent = state.lastLatency === null ? "waiting for a live block" : `${format(state.lastLatency)} s`;
    clear(tps).append(lineChart("Committed transactions per second", "tx/s", rate, ChartWindowMs, now));
    clear(latency).append(lineChart("Firm latency", "s", live, ChartWindowMs, now));
    renderValidators(validators);
  };

  const poll = async () => {
    try {
      const metrics = parseMetrics(await getText("/v1/status/metrics"));
      if (metrics.has("fairway_consensus_round")) {
        round.textContent = String(metrics.get("fairway_consensus_round"));
        leader.textContent = validatorName(metrics.get("fairway_consensus_leader"));
      } else {
        round.textContent = "— (a full node takes no part in consensus)";
        leader.textContent = "—";
      }
    } catch (e) {
      round.textContent = `unavailable: ${e.message}`;
    }
    if (state.config?.settlement) {
      try {
        const s = await getJson("/v1/node/settlement");
        settlement.textContent = `height ${s.settled_height} (L1 block ${s.l1_block ?? "—"})`;
        state.settlement = s;
      } catch (e) {
        settlement.textContent = `unavailable: ${e.message}`;
      }
    } else {
      settlement.textContent = "no L1";
    }
  };

  renderCharts();
  poll();
  const timers = [setInterval(renderCharts, 2000), setInterval(poll, 3000)];
  return () => timers.forEach(clearInterval);
}

function renderValidators(container) {
  const set = state.validators;
  if (!set) return;
  const recent = state.blocks.slice(-RecentSignerBlocks);
  const signed = new Set(recent.flatMap((b) => b.signers));
  const jailed = new Set((state.settlement?.validators ?? []).filter((v) => v.jailed).map((v) => v.consensus_key.replace(/^0x/, "")));
  const rows = set.validators.map((v) => {
    let status = "voting";
    if (jailed.has(v.public_key)) status = "jailed";
    else if (v.stake === 0) status = "standby (no stake)";
    else if (recent.length > 0 && !signed.has(v.index)) status = `behind (no signature in the last ${recent.length} blocks)`;
    return [String(v.index), v.name, String(v.stake), el("span", { class: `status status-${status.split(" ")[0]}`, text: status }), hashView(v.public_key), v.address ?? "—"];
  });
  clear(container).append(
    el("p", { class: "muted", text: `Epoch ${set.epoch} (from height ${set.epoch_start_height}); total stake ${set.total_stake}, quorum ${set.quorum_stake}.` }),
    table("Validator set", ["#", "name", "stake", "status", "public key", "address"], rows));
}

function blockRow(b) {
  return [
    el("a", { href: `#/block/${b.height}`, text: String(b.height) }),
    time(b.timestamp_ms),
    hashView(b.hash, `#/block/${b.height}`),
    hashView(b.output_hash),
    validatorName(b.author),
    String(b.transactions),
    b.namespaces.length ? b.namespaces.map((ns, i) => [i ? ", " : "", el("a", { href: `#/namespace/${ns}/${b.height}`, text: String(ns) })]).flat() : "—",
    `${b.signers.length}`,
  ];
}

function blocksPage(root) {
  const list = el("div", { id: "block-list" });
  const render = () => {
    const rows = state.blocks.slice(-50).reverse().map(blockRow);
    clear(list).append(table("Latest firm blocks, newest first", ["height", "time", "block hash", "output hash", "author", "txs", "namespaces", "QC signers"], rows, "waiting for blocks"));
  };
  append(root, [el("h1", { tabindex: "-1", text: "Blocks" }), el("p", {}, "Firm blocks as the stream delivers them (", el("span", { id: "stream-state", text: state.streamState }), ")."), list]);
  render();
  let pending = false;
  const stop = onBlock(() => {
    if (pending) return;
    pending = true;
    setTimeout(() => {
      pending = false;
      render();
    }, 500);
  });
  return stop;
}

async function blockPage(root, heightText) {
  const height = Number(heightText);
  append(root, [el("h1", { tabindex: "-1", text: `Block ${heightText}` })]);
  if (!Number.isSafeInteger(height) || height < 1) {
    root.append(el("p", { class: "error", role: "alert", text: "A block height is a positive integer." }));
    return;
  }
  const b = await getJson(`/v1/availability/block/${height}`);
  const certificate = b.output_certificate ? decodeOutputCertificate(fromBase64(b.output_certificate)) : null;
  const version = fromBase64(b.header)[0];
  root.append(
    el("nav", { class: "pager", "aria-label": "Neighbouring blocks" },
      height > 1 ? el("a", { href: `#/block/${height - 1}`, text: `← block ${height - 1}` }) : null,
      el("a", { href: `#/block/${height + 1}`, text: `block ${height + 1} →` })),
    facts([
      ["Hash", hashView(b.hash)],
      ["Parent", hashView(b.parent, height > 1 ? `#/block/${height - 1}` : null)],
      ["Round", String(b.round)],
      ["Author (leader)", validatorName(b.author)],
      ["Time", time(b.timestamp_ms)],
      ["QC signers (more than two thirds of the stake)", b.signers.map(validatorName).join(", ")],
      ["Output hash", hashView(b.output_hash)],
      ["Output certificate signers", certificate ? certificate.signers.map((s) => validatorName(s.signer)).join(", ") : "— (not certified)"],
      ["Batches", String(b.batches)],
      ["Transactions", String(b.transactions)],
      ["Payload bytes", String(b.size)],
      ["Block version", `${version}${version === 2 || version === 3 ? " (carries the fair lane's candidate lists)" : ""}`],
      ["L1 block", b.l1 ? `${b.l1.number} ${b.l1.hash}` : "—"],
      ["Epoch change", b.next_epoch ? `to epoch ${b.next_epoch.epoch}, stakes ${b.next_epoch.stakes.join(", ")}` : "—"],
      ["Inbox entries", b.inbox ? `${b.inbox.entries} (up to index ${b.inbox.index})` : "—"],
    ]));

  const policies = b.namespaces.map(policyOf);
  const fair = policies.includes("fair") ? await getJson(`/v1/availability/block/${height}/fair`) : null;
  const rows = [];
  for (const ns of b.namespaces.slice(0, 32)) {
    const policy = policyOf(ns);
    const answer = await getJson(`/v1/availability/block/${height}/namespace/${ns}`);
    const proof = decodeNamespaceProof(fromBase64(answer.proof));
    let details = `positions ${proof.start}–${proof.end - 1} of ${proof.leafCount}`;
    if (policy === "fair") {
      const mine = (fair?.transactions ?? []).filter((t) => String(t.namespace) === String(ns));
      const listed = mine.filter((t) => t.listed_stake >= fair.inclusion_stake).length;
      const rest = listed < mine.length ? " (the rest came in bundles, listed by their carrier)" : "";
      details += `; included by the ${fair?.lists.length ?? 0} candidate lists this block carries: ${listed} of ${mine.length} named by lists of at least ${fair?.inclusion_stake} stake${rest}, ordered by what the lists say about each pair`;
    } else if (policy === "encrypted") {
      details += `; decrypted: ${answer.transactions.length} plaintexts at the positions their ciphertexts held (the certified output is over the plaintexts)`;
    } else if (policy === "auction") {
      details += "; records and express-lane bundles first, then the rest";
    }
    rows.push([el("a", { href: `#/namespace/${ns}/${height}`, text: String(ns) }), policy, String(answer.transactions.length), details]);
  }
  root.append(section("Namespaces", table(`Namespaces in block ${height}`, ["namespace", "policy", "transactions", "positions and ordering"], rows, "no transactions in this block")));
  if (fair) root.append(fairSection(fair));
}

/** The fair lane's inputs: each candidate list, and for each fair transaction who listed it and when. */
function fairSection(fair) {
  const lists = fair.lists.map((l) => [validatorName(l.validator), String(l.round), time(l.clock_ms), String(l.entries), hashView(l.digest)]);
  const transactions = fair.transactions.slice(0, 100).map((t) => {
    const first = Math.min(...t.listed_by.map((l) => l.received_at_ms));
    const by = t.listed_by.map((l) => `${validatorName(l.validator)} +${l.received_at_ms - first} ms`).join(", ");
    return [hashView(t.hash, `#/tx/${t.hash}`), String(t.namespace), String(t.index), by || "— (in a bundle: listed by its carrier)", `${t.listed_stake} (need ${fair.inclusion_stake})`];
  });
  return section("Fair lane: candidate lists and inclusion",
    el("p", { class: "muted", text: "Each validator signs a list of the fair transactions it has held for the fair delay, with its own receive times; a transaction is included once lists holding more than the faulty stake name it." }),
    table("Candidate lists carried by this block", ["signer", "round", "signer's clock", "entries", "digest"], lists, "this block carries no candidate lists"),
    table(`Fair transactions and who listed them (${fair.fair_transactions} in all)`, ["transaction", "namespace", "position in block", "listed by (receive time after the first)", "listed stake"], transactions, "no fair transactions in this block"));
}

async function namespacePage(root, nsText, heightText) {
  append(root, [el("h1", { tabindex: "-1", text: `Namespace ${nsText}` })]);
  if (!/^[0-9]{1,20}$/.test(nsText) || BigInt(nsText) > 18446744073709551615n) {
    root.append(el("p", { class: "error", role: "alert", text: "A namespace is an unsigned 64-bit integer." }));
    return null;
  }
  const info = await getJson(`/v1/namespaces/${nsText}`);
  root.append(facts([
    ["Name", info.name ?? "— (not declared)"],
    ["Policy", `${info.policy}${info.declared ? "" : " (the chain's default)"}`],
    ["What the policy does", info.policy_description],
  ]));

  const height = heightText ? Number(heightText) : state.tip;
  const proofBox = el("div", { id: "proof" });
  const heightInput = el("input", { id: "proof-height", type: "number", min: "1", inputmode: "numeric", value: String(height) });
  const form = el("form", { class: "inline-form" },
    el("label", { for: "proof-height", text: "Height to check" }), heightInput, el("button", { type: "submit", text: "Check proof" }));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    location.hash = `#/namespace/${nsText}/${heightInput.value}`;
  });
  root.append(section("Proof check in this browser", el("p", { class: "muted", text: "The page fetches the namespace's part of the block with its proof and recomputes every hash here (WebCrypto SHA-256), following docs/PROOFS.md." }), form, proofBox));
  checkProof(proofBox, nsText, height);

  const rows = [];
  const list = el("div");
  const render = () => clear(list).append(table(`Transactions of namespace ${nsText}, newest first`, ["height", "position in namespace", "position in block", "hash", "payload bytes"], rows.slice(0, 100), "no transactions in the heights streamed so far"));
  root.append(section("Transactions", el("p", { class: "muted", text: "The last 50 heights and then live, from the namespace stream." }), list));
  render();
  const stop = openStream((next) => `/v1/stream/transactions/${next}/namespace/${nsText}`, Math.max(1, state.tip - 50), (answer) => {
    if (answer.transactions.length === 0) return;
    const start = decodeNamespaceProof(fromBase64(answer.proof)).start;
    answer.transactions.forEach((tx, i) => rows.unshift([
      el("a", { href: `#/block/${answer.height}`, text: String(answer.height) }), String(i), String(start + i), hashView(tx.hash, `#/tx/${tx.hash}`), String(fromBase64(tx.payload).length),
    ]));
    rows.splice(200);
    render();
  });
  return stop;
}

async function checkProof(box, ns, height) {
  const verdict = el("p", { id: "proof-verdict", class: "verdict pending", role: "status", text: "checking…" });
  clear(box).append(verdict);
  if (!Number.isSafeInteger(height) || height < 1) {
    verdict.textContent = "no height to check yet";
    return;
  }
  const answer = await getJson(`/v1/availability/block/${height}/namespace/${ns}`);
  const context = { validators: state.validators ?? (await getJson("/v1/node/validators")), epochs: state.epochs };
  const result = await verifyNamespaceAnswer(answer, ns, context);
  verdict.className = `verdict ${result.pass ? "pass" : "fail"}`;
  verdict.textContent = result.pass
    ? `PASS: namespace ${ns} at height ${height} is exactly its part of the certified output (${answer.transactions.length} transactions)`
    : `FAIL: the proof for namespace ${ns} at height ${height} does not verify`;
  const steps = el("ol", { class: "steps", id: "proof-steps" });
  for (const s of result.steps) {
    const mark = s.ok === true ? "✓ checked" : s.ok === false ? "✗ failed" : "– not checked";
    const item = el("li", { class: s.ok === true ? "ok" : s.ok === false ? "bad" : "skip" },
      el("strong", { text: `${mark}: ${s.title}` }), el("div", { class: "detail", text: s.detail }));
    if (s.trace?.length) {
      item.append(el("details", {}, el("summary", { text: `${s.trace.length} lines` }), el("pre", { text: s.trace.join("\n") })));
    }
    steps.append(item);
  }
  box.append(steps);
}

const Levels = ["received", "included", "soft", "firm", "settled"];

function txPage(root, hash) {
  append(root, [el("h1", { tabindex: "-1", text: "Transaction" })]);
  if (!/^[0-9a-fA-F]{64}$/.test(hash)) {
    root.append(el("p", { class: "error", role: "alert", text: "A transaction hash is 64 hexadecimal characters." }));
    return null;
  }
  hash = hash.toLowerCase();
  const status = el("span", { id: "tx-status", text: "looking…" });
  const seen = new Map();
  const timeline = el("ol", { class: "timeline", "aria-label": "Commitment levels" });
  const where = el("div");
  root.append(facts([["Hash", hashView(hash)], ["Status at this node", status]]), section("Commitment levels", timeline), where);

  const render = (level, height) => {
    const reached = Levels.indexOf(level);
    clear(timeline);
    for (const [i, name] of Levels.entries()) {
      if (name === "included" && !seen.has("included")) continue;
      if (name === "settled" && !state.config?.settlement) {
        timeline.append(el("li", { class: "skip", text: "settled: this node has no L1" }));
        continue;
      }
      const at = seen.get(name);
      timeline.append(el("li", { class: i <= reached ? "ok" : "todo" },
        el("strong", { text: `${i <= reached ? "✓" : "…"} ${name}` }), " ",
        at ? ["first seen by this page at ", time(at)] : i <= reached ? "(reached before this page looked)" : "not yet",
        name === "soft" && height ? [" — in ", el("a", { href: `#/block/${height}`, text: `block ${height}` }), blockTime ? [", proposed at ", time(blockTime)] : null] : null));
    }
  };

  let misses = 0;
  let found = false;
  let blockTime = null;
  const poll = async () => {
    try {
      const s = await getJson(`/v1/status/tx/${hash}`);
      const reached = Levels.indexOf(s.status);
      for (let i = 0; i <= reached; i++) if (i === reached && !seen.has(Levels[i])) seen.set(Levels[i], Date.now());
      status.textContent = s.status;
      render(s.status, s.height);
      if ((s.status === "firm" || s.status === "settled") && !found) {
        found = true;
        const t = await getJson(`/v1/availability/transaction/hash/${hash}`);
        blockTime = (await getJson(`/v1/availability/header/${t.height}`)).timestamp_ms;
        render(s.status, s.height);
        clear(where).append(section("Where it is", facts([
          ["Block", el("a", { href: `#/block/${t.height}`, text: String(t.height) })],
          ["Namespace", el("a", { href: `#/namespace/${t.transaction.namespace}/${t.height}`, text: String(t.transaction.namespace) })],
          ["Position in the block's output", String(t.index)],
          ["Position in the namespace", String(t.namespace_index)],
          ["Payload bytes", String(fromBase64(t.transaction.payload).length)],
          ["Encrypted", t.sealed ? "yes: submitted as a ciphertext, decrypted at this position" : "no"],
        ])));
      }
      return s.status === "settled" || (s.status === "firm" && !state.config?.settlement);
    } catch (e) {
      if (e.status === 404) {
        misses++;
        status.textContent = "not seen by this node (yet)";
        return misses >= 10;
      }
      status.textContent = `error: ${e.message}`;
      return true;
    }
  };
  let timer = null;
  const loop = async () => {
    if (await poll()) return;
    timer = setTimeout(loop, 700);
  };
  loop();
  return () => clearTimeout(timer);
}

async function fairnessPage(root) {
  append(root, [el("h1", { tabindex: "-1", text: "Fairness and MEV" })]);
  const evidence = await getJson("/v1/evidence?limit=100");
  root.append(section("Evidence found by this node",
    table("Evidence of misbehaviour", ["kind", "validator", "round", "height", "detected", "evidence hash"],
      evidence.evidence.map((e) => [e.kind, validatorName(e.validator), String(e.round), e.height === null ? "—" : String(e.height), time(e.detected_at_ms), hashView(e.evidence_hash)]),
      "none: no validator has been caught misbehaving by this node")));

  const auctions = section("Express-lane auctions");
  root.append(auctions);
  const auctionNamespaces = (state.registry?.namespaces ?? []).filter((n) => n.policy === "auction");
  if (auctionNamespaces.length === 0 || !state.config?.auctions) {
    auctions.append(el("p", { text: state.config?.auctions ? "No namespace here is ordered by auction." : "This node runs no auction (no auction namespace, or a full node)." }));
  } else {
    const rows = [];
    for (const n of auctionNamespaces) {
      const lane = await getJson(`/v1/auction/${n.id}`);
      let result = null;
      if (lane.lane) result = await getJson(`/v1/auction/${n.id}/${lane.lane.epoch}`);
      rows.push([
        el("a", { href: `#/namespace/${n.id}`, text: `${n.id} (${n.name ?? "unnamed"})` }),
        String(lane.epoch),
        result ? String(result.epoch) : "—",
        result ? (result.winner ? hashView(result.winner) : "unsold") : "not decided yet",
        result ? String(result.price) : "—",
        result ? `${result.bids_counted} counted` : "—",
        String(lane.reserve_price),
      ]);
    }
    auctions.append(table("Auction results per namespace, latest decided epoch", ["namespace", "epoch now", "decided epoch", "winner", "price", "bids", "reserve"], rows));
  }

  const lab = section("MEV lab");
  root.append(lab);
  if (!state.config?.mev_lab) {
    lab.append(el("p", { id: "mev-lab-none", text: "This node has no MEV lab report. Run fairway mev-lab and point the node at its output (FAIRWAY_EXPLORER_MEV_LAB) to show one here." }));
    return;
  }
  const report = await getJson("/explorer/mev-lab/report.json");
  const charts = await getJson("/explorer/mev-lab/charts.json");
  lab.append(
    el("p", { class: "muted", text: `Seeds ${report.seeds}, ${report.traders} traders, ${report.minutes} minute(s) each; values in ${report.unit}.` }),
    table("Value extracted per sequencer", ["sequencer", "extracted", "user loss", "attacks succeeded", "victim delay p50 (ms)", "risk premium (bps)"],
      (report.sequencers ?? []).map((s) => [s.name, shown(s.extracted), shown(s.user_loss), `${shown(s.attacks_succeeded)} of ${shown(s.attacks_tried)}`, shown(s.victim_delay_p50_ms), shown(s.risk_premium_bps)])),
    el("div", { class: "gallery" }, charts.charts.map((name) => el("figure", {}, el("img", { src: `/explorer/mev-lab/${name}`, alt: `MEV lab chart: ${name.replace(/\.svg$/, "").replace(/-/g, " ")}` }), el("figcaption", { text: name })))));
}

// ---- routing ----

let cleanup = null;
let generation = 0;

async function route() {
  if (typeof cleanup === "function") cleanup();
  cleanup = null;
  // Each route renders into its own view: a page still loading when the route changes fills a view no longer shown.
  const mine = ++generation;
  const root = el("div");
  clear(main).append(root);
  const parts = location.hash.replace(/^#\/?/, "").split("/").filter((p) => p.length > 0).map(decodeURIComponent);
  const [page, a, b] = parts;
  for (const link of document.querySelectorAll("nav.site a")) {
    const current = (link.dataset.page ?? "") === (page ?? "");
    if (current) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  const titles = { blocks: "Blocks", block: `Block ${a}`, namespace: `Namespace ${a}`, tx: "Transaction", fairness: "Fairness and MEV" };
  document.title = `${titles[page] ?? "Network"} · Fairway explorer`;
  let stop = null;
  try {
    if (!page || page === "network") stop = networkPage(root);
    else if (page === "blocks") stop = blocksPage(root);
    else if (page === "block") stop = await blockPage(root, a);
    else if (page === "namespace") stop = await namespacePage(root, a, b);
    else if (page === "tx") stop = txPage(root, a);
    else if (page === "fairness") stop = await fairnessPage(root);
    else root.append(el("h1", { tabindex: "-1", text: "Not found" }), el("p", { text: "No such page here." }), el("a", { href: "#/", text: "Go to the network overview" }));
  } catch (e) {
    root.append(el("p", { class: "error", role: "alert", text: `Could not load this page: ${e.message}` }));
  }
  if (mine !== generation) {
    // The route changed while this page loaded: stop what it started.
    if (typeof stop === "function") stop();
    return;
  }
  cleanup = stop;
  if (document.activeElement === document.body || !document.activeElement) root.querySelector("h1")?.focus({ preventScroll: true });
}

function setUpSearch() {
  // The skip link's own #main would be taken for a route: move focus instead.
  document.querySelector(".skip").addEventListener("click", (event) => {
    event.preventDefault();
    main.focus();
  });
  const form = document.getElementById("search-form");
  const input = document.getElementById("search");
  const message = document.getElementById("search-message");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim().replace(/^0x/, "");
    message.textContent = "";
    if (/^[0-9a-fA-F]{64}$/.test(text)) location.hash = `#/tx/${text.toLowerCase()}`;
    else if (/^[0-9]{1,15}$/.test(text) && Number(text) > 0) location.hash = `#/block/${text}`;
    else message.textContent = "Enter a transaction hash (64 hex characters) or a block height.";
  });
}

async function start() {
  setUpSearch();
  const [config, validators, epochs, registry] = await Promise.all([
    getJson("/explorer/node.json"), getJson("/v1/node/validators"), getJson("/v1/epochs"), getJson("/v1/namespaces"),
  ]);
  Object.assign(state, { config, validators, epochs, registry });
  document.getElementById("chain-id").textContent = `chain ${validators.chain_id.slice(0, 12)}…`;
  await startBlockStream();
  window.addEventListener("hashchange", () => {
    document.activeElement?.blur?.();
    route();
  });
  await route();
}

start().catch((e) => {
  main.append(el("p", { class: "error", role: "alert", text: `The explorer could not reach this node's API: ${e.message}` }));
});
