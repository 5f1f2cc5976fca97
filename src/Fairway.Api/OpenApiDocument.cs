using System.Text.Json;
using System.Text.Json.Nodes;
using Fairway.Core.Encoding;

namespace Fairway.Api;

/// <summary>The OpenAPI 3.1 description of the v1 API, served at <c>/v1/openapi.json</c>.</summary>
internal static class OpenApiDocument
{
    public static readonly string Json = Build().ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    private static JsonObject Build()
    {
        var paths = new JsonObject
        {
            ["/v1/submit"] = Post("Submit one transaction", "SubmitRequest", "Receipt", "400, 405, 413, 415, 429, 503"),
            ["/v1/submit/batch"] = WithBinaryBatch(Post("Submit up to the configured number of transactions; results in order, each a hash or an error (no receipts). "
                + $"Also in a binary form ({SubmitBatchFormat.RequestContentType}), answered in {SubmitBatchFormat.ResultContentType}; there a bad record refuses the whole batch", "SubmitBatchRequest", "SubmitBatchResult", "400, 405, 413, 415, 429, 503")),
            ["/v1/submit/encrypted"] = Post("Submit one ciphertext to an encrypted namespace, sealed by the client to the key set of /v1/node/encryption-key with the label fairway/ns/{namespace}; "
                + "the validator checks only that it is well formed, to the current key and for this namespace (400 malformed_ciphertext, wrong_key_set, wrong_label, invalid_ciphertext, not_encrypted_namespace; 409 key_not_ready)", "SubmitEncryptedRequest", "Receipt", "400, 405, 409, 413, 415, 429, 503"),
            ["/v1/submit/bundle"] = Post("Submit an atomic bundle: 1 to 16 legs {namespace, payload (base64)}; the output places every leg in one height, each namespace's legs "
                + "contiguous and in the given order, or none of them. The bundle is one unit of ordering (de-duplicated by its hash; under fair ordering it ranks once, in every namespace it touches). "
                + "400 empty_bundle, too_many_legs, duplicate_leg, encrypted_namespace_in_bundle, or a leg's own error prefixed \"leg i: \"; 413 bundle_too_large when the legs encode above the payload limit; nothing is kept on error",
                "SubmitBundleRequest", "BundleReceipt", "400, 405, 413, 415, 429, 503"),
            ["/v1/status/tx/{hash}"] = Get("Commitment level of a transaction: received, included (fair namespaces: a proposal's candidate lists from more than a third of the stake name it), soft (in a certified block) or firm (committed, ordered, output certified)", "TxStatus", "hash"),
            ["/v1/sync/block/{height}"] = FirmBlockPath(),
            ["/v1/availability/header/{height}"] = Get("A firm block's header and QC, with its certified output header", "Header", "height"),
            ["/v1/availability/block/{height}"] = Get("A firm block: header, QC, certified output header, namespaces, transaction count, size", "Block", "height"),
            ["/v1/availability/block/{height}/namespace/{ns}"] = Get("A namespace's part of a block's certified output, with a completeness proof against the output header", "NamespaceBlock", "height", "ns"),
            ["/v1/availability/block/{height}/fair"] = Get("The fair lane's inputs in a firm block: the candidate lists it carries (signer, round, clock, entry count, digest) and, for each transaction of its fair namespaces (at most 1,000 described), "
                + "its output index and which lists named it with each signer's receive time, and the stake they hold (included once above the faulty stake). A reading of the block's certified lists, not a proof", "FairBlock", "height"),
            ["/v1/availability/block/{from}/{until}/namespace/{ns}"] = Get("The namespace for heights from..until-1 (bounded length)", "NamespaceRange", "from", "until", "ns"),
            ["/v1/availability/transaction/hash/{hash}"] = Get("A firm transaction with its height, index, inclusion proof and namespace proof against the certified output header", "TransactionWithProof", "hash"),
            ["/v1/stream/blocks/{from}"] = Stream("WebSocket: one Block message per height from `from` on, history then live", "Block", "from"),
            ["/v1/stream/transactions/{from}/namespace/{ns}"] = Stream("WebSocket: one NamespaceBlock message per height from `from` on (empty list when the namespace had nothing)", "NamespaceBlock", "from", "ns"),
            ["/v1/node/block-height"] = Get("The firm height: the highest height whose output is certified and indexed", "Height"),
            ["/v1/namespaces"] = Get("The namespace registry: the default ordering policy, the namespaces genesis declares with their policies, and every policy this build knows", "Namespaces"),
            ["/v1/namespaces/{ns}"] = Get("One namespace's ordering policy (declared, or the default)", "Namespace", "ns"),
            ["/v1/node/validators"] = Get("The validator set of the current epoch: keys, stakes (0 for a member without stake this epoch), addresses", "Validators"),
            ["/v1/epochs"] = Get("The current epoch and the recent epochs after genesis: each with the height of the previous epoch's last block (the block carrying the change, whose certified output hands the set over) and the stakes by validator index", "Epochs"),
            ["/v1/inbox"] = Get("The L1 inbox for forced inclusion: its address, the index the committed chain includes up to, the newest index this validator read from a final L1 block, and the L1 block it read through (404 on a chain without an inbox or a validator without an L1)", "Inbox"),
            ["/v1/inbox/{index}"] = Get("One inbox entry by its inbox index: final (read from a final L1 block, not yet in a block), soft (in a committed block), firm or settled (with its height and output position); 404 inbox_entry_unknown until this validator reads it", "InboxEntry", "index"),
            ["/v1/auction/bid"] = Post("A sealed bid for an auction namespace's express lane in the epoch after the current one: a threshold ciphertext (label of the bid namespace) of a signed bid, "
                + "read by nobody before bidding closes. 400 not_auction_namespace, wrong_epoch (not the next epoch), malformed_ciphertext, wrong_key_set, wrong_label, invalid_ciphertext; 409 bid_after_close, key_not_ready",
                "BidRequest", "Receipt", "400, 405, 409, 413, 415, 429, 503"),
            ["/v1/express/bundle"] = Post("The express-lane controller's priority bundle (base64 of its encoding): output first in the namespace, in sequence order from 0, one past a gap waiting for it. "
                + "400 bad_bundle, bad_signature, sequence_gap (more than 64 ahead of the next due), not_auction_namespace; 403 not_controller; 409 wrong_epoch, sequence_taken",
                "ExpressBundleRequest", "ExpressReceipt", "400, 403, 405, 409, 413, 415, 429, 503"),
            ["/v1/express/transfer"] = Post("The controller hands the lane of the current epoch to another key (base64 of a signed transfer). 400 bad_transfer, bad_signature; 403 not_controller; 409 wrong_epoch",
                "ExpressTransferRequest", "Receipt", "400, 403, 405, 409, 413, 415, 429, 503"),
            ["/v1/auction/{ns}"] = Get("An auction namespace's settings (auction_epoch_ms, reserve_price, rebate_to), the epoch now, the epoch taking bids and when bidding for it closes, and the express lane (controller, next sequence due)", "ExpressLane", "ns"),
            ["/v1/auction/{ns}/{epoch}"] = Get("A decided auction: winner, price (second highest valid bid, or the reserve), bids counted and valid, and every bid with why it did not count; 404 before the epoch's first height", "AuctionResult", "ns", "epoch"),
            ["/v1/node/settlement"] = Get("Settlement on the L1 as this validator's watcher read it at a final L1 block: the contracts, the settled height, the stake table's epoch and validators (404 when the validator runs without an L1)", "Settlement"),
            ["/v1/node/encryption-key"] = Get("The chain's threshold encryption key from the key generation at genesis: pending, ready (with the key set to encrypt to), failed or disabled", "EncryptionKey"),
            ["/v1/evidence/receipts"] = Post("Report receipts for a transaction, to be watched for censorship: a signer whose later committed list leaves the transaction out while listing one it received after it becomes censorship evidence", "ReceiptReportRequest", "ReceiptReportResult", "400, 405, 413, 415"),
            ["/v1/evidence/attest"] = Post("Sign a slash report for a record in this validator's evidence log (by its evidence_hash) with its settlement key, naming the offender's L1 account from the stake table: one attestation toward the light client's slashByAttestation (404 without an L1 or for unknown evidence; 409 before the first stake-table read or when the offender is not in the stake table)", "EvidenceAttestRequest", "EvidenceAttestation", "400, 404, 405, 409, 413, 415"),
            ["/v1/evidence"] = Get("Evidence of misbehaviour this validator found (conflicting proposals, votes or candidate lists for one round; output headers signed against its own; decryption shares that do not verify), oldest first; query from (index) and limit (1..1000)", "Evidence"),
            ["/v1/status/metrics"] = GetText("Prometheus text metrics"),
            ["/v1/openapi.json"] = GetText("This document"),
        };

        return new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject
            {
                ["title"] = "Fairway validator API",
                ["version"] = "1",
                ["description"] = "Hashes are lowercase hex; payloads, headers, QCs and proofs are base64 of their canonical encoding. Errors are {\"error\": {\"code\", \"message\"}}.",
            },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = Schemas() },
        };
    }

    private static JsonObject Schemas()
    {
        // JSON nodes belong to one parent each, so every use gets a fresh copy.
        JsonObject hash() => Str("lowercase hex, 64 characters");
        JsonObject b64() => Str("base64");
        JsonObject tx() => Obj(("hash", hash()), ("payload", b64()));
        return new JsonObject
        {
            ["SubmitRequest"] = Obj(("namespace", Int("u64 namespace id")), ("payload", b64())),
            ["SubmitEncryptedRequest"] = Obj(("namespace", Int("u64 namespace id of an encrypted namespace")), ("ciphertext", b64())),
            ["BidRequest"] = Obj(("namespace", Int("u64 id of an auction namespace")), ("epoch", Int("the epoch after the current one")), ("ciphertext", b64())),
            ["ExpressBundleRequest"] = Obj(("bundle", b64())),
            ["ExpressTransferRequest"] = Obj(("transfer", b64())),
            ["ExpressReceipt"] = Obj(("hash", hash()), ("duplicate", new JsonObject { ["type"] = "boolean" }), ("next_due", Int("the sequence number the lane waits for"))),
            ["ExpressLane"] = Obj(("namespace", Int("")), ("auction_epoch_ms", Int("")), ("reserve_price", Int("")), ("rebate_to", Str("hex key or null")), ("epoch", Int("the epoch now")),
                ("bidding_epoch", Int("the epoch bids are taken for")), ("bidding_closes_ms", Int("unix ms")),
                ("lane", Obj(("epoch", Int("")), ("controller", Str("hex key, null when nobody won")), ("next_sequence", Int("")), ("waiting", Int("bundles waiting behind a gap"))))),
            ["AuctionResult"] = Obj(("namespace", Int("")), ("epoch", Int("")), ("winner", Str("hex key or null")), ("price", Int("")), ("bids_counted", Int("")), ("bids_valid", Int("")),
                ("bids", new JsonObject { ["type"] = "array", ["items"] = Obj(("bidder", Str("hex key")), ("amount", Int("")), ("carrier", hash()), ("counted", new JsonObject { ["type"] = "boolean" }),
                    ("refusal", Str("bad_signature, wrong_auction, below_reserve, above_deposit, outbid; null when counted"))) })),
            ["SubmitBatchRequest"] = new JsonObject { ["type"] = "array", ["items"] = Ref("SubmitRequest") },
            ["Receipt"] = Obj(("hash", hash()), ("duplicate", new JsonObject { ["type"] = "boolean" }),
                ("receipt", Obj(("validator", Int("validator index")), ("received_at_ms", Int("unix ms")), ("signature", Str("hex Ed25519 signature over the receipt statement"))))),
            ["SubmitBundleRequest"] = Obj(("legs", new JsonObject { ["type"] = "array", ["items"] = Ref("SubmitRequest") })),
            ["BundleReceipt"] = Obj(("hash", Str("the bundle's hash (its carrier transaction's, which the receipt signs); lowercase hex")),
                ("legs", new JsonObject { ["type"] = "array", ["items"] = Str("each leg's transaction hash, in the given order: how the legs are found and proven once firm") }),
                ("duplicate", new JsonObject { ["type"] = "boolean" }),
                ("receipt", Obj(("validator", Int("validator index")), ("received_at_ms", Int("unix ms")), ("signature", Str("hex Ed25519 signature over the receipt statement"))))),
            ["SubmitBatchResult"] = new JsonObject
            {
                ["type"] = "array",
                ["items"] = new JsonObject { ["oneOf"] = new JsonArray(Obj(("hash", hash()), ("duplicate", new JsonObject { ["type"] = "boolean" })), Ref("Error")) },
            },
            ["ReceiptReportRequest"] = Obj(("transaction", hash()), ("receipts", new JsonObject { ["type"] = "array", ["items"] = Obj(("validator", Int("validator index")), ("received_at_ms", Int("unix ms")), ("signature", Str("hex Ed25519 signature"))) })),
            ["ReceiptReportResult"] = Obj(("watched", Int("receipts now watched"))),
            ["Evidence"] = Obj(
                ("evidence", new JsonObject
                {
                    ["type"] = "array",
                    ["items"] = Obj(
                        ("kind", new JsonObject { ["enum"] = new JsonArray("conflicting_proposals", "conflicting_votes", "conflicting_lists", "censorship", "output_mismatch", "bad-decryption-share", "conflicting_settlement") }),
                        ("validator", Int("the validator it proves against")),
                        ("round", Int("the round, for conflicting statements and censorship (the list's round)")),
                        ("height", Int("the height, for an output mismatch, or of the committed block whose list showed censorship")),
                        ("detected_at_ms", Int("unix ms")),
                        ("first", Str("hex of the first signed statement (for censorship, the receipt: transaction hash, validator u16, received_at_ms u64, signature)")),
                        ("second", Str("hex of the second signed statement, or this validator's output header hash")),
                        ("evidence_hash", Str("0x + 64 hex: keccak256 of UTF-8 kind + \"\\n\" + min(first, second) + \"\\n\" + max(first, second) (ordinal); what POST /v1/evidence/attest and the light client's slash reports name"))),
                }),
                ("next", Int("the index to ask from next"))),
            ["EvidenceAttestRequest"] = Obj(("evidence_hash", Str("64 hex characters, 0x optional: a record's evidence_hash from GET /v1/evidence"))),
            ["EvidenceAttestation"] = Obj(("validator_account", Str("0x address: the offender's account in the stake table")), ("evidence_hash", Str("0x + 64 hex")),
                ("settlement_key", Str("0x address of this validator's settlement key, the signer")), ("signature", Str("0x + 130 hex: r || s || v over the light client's slashDigest(validator_account, evidence_hash)"))),
            ["FairBlock"] = Obj(("height", Int("")), ("inclusion_stake", Int("stake of lists that must name a transaction for it to be included: more than the faulty stake")),
                ("lists", new JsonObject { ["type"] = "array", ["items"] = Obj(("validator", Int("the list's signer")), ("round", Int("")), ("clock_ms", Int("the signer's clock, unix ms")), ("entries", Int("")), ("digest", hash())) }),
                ("fair_transactions", Int("transactions of fair namespaces in the block's output")),
                ("transactions", new JsonObject { ["type"] = "array", ["items"] = Obj(("hash", hash()), ("namespace", Int("")), ("index", Int("position in the block's output")),
                    ("listed_by", new JsonObject { ["type"] = "array", ["items"] = Obj(("validator", Int("")), ("received_at_ms", Int("the signer's receive time, unix ms"))) }),
                    ("listed_stake", Int("stake of the lists naming it; a bundle leg is listed through its carrier and shows none"))) })),
            ["TxStatus"] = Obj(("status", new JsonObject { ["enum"] = new JsonArray("received", "included", "soft", "firm", "settled") }), ("height", Int("when soft or firm, else null")), ("index", Int("position in the block's ordered output when firm, else null"))),
            ["Header"] = Obj(("height", Int("")), ("hash", hash()), ("parent", hash()), ("round", Int("")), ("author", Int("")), ("timestamp_ms", Int("")), ("l1", Obj(("number", Int("the final L1 block the block names; null on a chain without an L1")), ("hash", Str("0x hex")))),
                ("signers", Arr(Int("validator index"))), ("next_epoch", Obj(("epoch", Int("the epoch that starts after this block; next_epoch is null except on an epoch's last block")), ("stakes", Arr(Int("stake by validator index"))))),
                ("inbox", Obj(("index", Int("the L1 inbox index included up to after this block; inbox is null on a chain without one")), ("first_index", Int("the first entry this block adds")), ("entries", Int("entries this block adds, output first in their namespaces")))),
                ("header", b64()), ("qc", b64()), ("output_hash", hash()),
                ("output_header", b64()), ("output_certificate", b64())),
            ["Block"] = Obj(("height", Int("")), ("hash", hash()), ("header", b64()), ("qc", b64()), ("namespaces", new JsonObject { ["type"] = "array", ["items"] = Int("") }),
                ("transactions", Int("count")), ("size", Int("payload bytes")), ("batches", Int("count")), ("output_hash", hash()), ("output_header", b64()),
                ("output_certificate", b64())),
            ["NamespaceBlock"] = Obj(("height", Int("")), ("hash", hash()), ("namespace", Int("")), ("transactions", new JsonObject { ["type"] = "array", ["items"] = tx() }),
                ("proof", b64()), ("header", b64()), ("qc", b64()), ("output_hash", hash()), ("output_header", b64()), ("output_certificate", b64())),
            ["NamespaceRange"] = Obj(("from", Int("")), ("until", Int("exclusive")), ("namespace", Int("")), ("blocks", new JsonObject { ["type"] = "array", ["items"] = Ref("NamespaceBlock") })),
            ["TransactionWithProof"] = Obj(("transaction", Obj(("hash", hash()), ("namespace", Int("")), ("payload", b64()))), ("height", Int("")), ("index", Int("position in the block's ordered output; proven by proof")), ("proof", b64()), ("namespace_index", Int("position within its namespace at that height; proven by namespace_proof")), ("namespace_proof", b64()), ("header", b64()), ("qc", b64()),
                ("output_hash", hash()), ("output_header", b64()), ("output_certificate", b64()),
                ("sealed", Obj(("hash", hash()), ("namespace", Int("")), ("payload", b64()))),
                ("opening", Str("encrypted namespaces: base64 of the decryption shares that opened the sealed ciphertext (a count, then each share), empty when none were made"))),
            ["Namespace"] = Obj(("id", Int("u64")), ("name", Str("null when not declared")), ("policy", Str("fcfs")), ("declared", new JsonObject { ["type"] = "boolean" }), ("policy_description", Str("what the policy guarantees and what a client needs to know"))),
            ["Namespaces"] = Obj(("default_policy", Str("the policy of every namespace not declared")), ("namespaces", new JsonObject { ["type"] = "array", ["items"] = Ref("Namespace") }),
                ("policies", new JsonObject { ["type"] = "array", ["items"] = Obj(("name", Str("")), ("description", Str(""))) })),
            ["Height"] = Int("committed height"),
            ["Epochs"] = Obj(("epoch", Int("the current epoch")), ("epoch_start_height", Int("its first height")),
                ("epochs", Arr(Obj(("epoch", Int("")), ("previous", Int("the epoch it follows")), ("last_block_height", Int("the previous epoch's last block")),
                    ("first_height", Int("")), ("stakes", Arr(Int("stake by validator index"))))))),
            ["Validators"] = Obj(("chain_id", hash()), ("epoch", Int("the current epoch")), ("epoch_start_height", Int("its first height")), ("total_stake", Int("")), ("quorum_stake", Int("")),
                ("validators", new JsonObject { ["type"] = "array", ["items"] = Obj(("index", Int("")), ("name", Str("")), ("public_key", hash()), ("stake", Int("")), ("address", Str("host:port"))) })),
            ["Settlement"] = Obj(("l1_url", Str("")), ("contracts", new JsonObject { ["type"] = "object", ["additionalProperties"] = Str("0x address") }),
                ("interval_heights", Int("every interval-th height is settled")), ("settlement_key", Str("this validator's settlement key address")),
                ("settled_height", Int("the light client's last accepted height at the final L1 block")), ("attested_height", Int("the last height this validator signed")),
                ("l1_block", Int("the final L1 block read; null before the first read")), ("epoch", Int("the stake table's epoch at that block")),
                ("total_stake_wei", Str("decimal")), ("l1_failures", Int("consecutive failed polls of the L1")),
                ("validators", new JsonObject { ["type"] = "array", ["items"] = Obj(("account", Str("")), ("consensus_key", hash()), ("settlement_key", Str("")), ("weight_wei", Str("decimal, in the epoch read")), ("exited", new JsonObject { ["type"] = "boolean" }), ("jailed", new JsonObject { ["type"] = "boolean" })) }),
                ("epoch_set", Obj(("epoch", Int("")), ("members", new JsonObject { ["type"] = "array", ["items"] = Obj(("account", Str("")), ("consensus_key", hash()), ("stake_gwei", Int("")), ("p2p", Str("host:port")), ("api", Str("URL or null"))) }),
                    ("refused", new JsonObject { ["type"] = "array", ["items"] = Str("a stake-table entry left out, and why") })))),
            ["EncryptionKey"] = Obj(("state", Str("pending, ready, failed or disabled")), ("completes_at_height", Int("the height whose commit finishes the key generation")),
                ("key_set_id", hash()), ("threshold", Int("decryption shares needed")), ("public_key", Str("ristretto255, hex")),
                ("verification_keys", new JsonObject { ["type"] = "array", ["items"] = Str("ristretto255, hex; share index i+1") }),
                ("qualified", new JsonObject { ["type"] = "array", ["items"] = Int("validator index") }), ("key_set", b64()), ("failure", Str("why there is no key"))),
            ["Inbox"] = Obj(("contract", Str("0x address")), ("included_index", Int("the committed chain includes every entry up to this index")),
                ("latest_index", Int("the newest entry read")), ("read_through_l1_block", Int("every post in L1 blocks up to this one is read"))),
            ["InboxEntry"] = Obj(("index", Int("")), ("status", Str("final, soft, firm or settled")), ("namespace", Int("")), ("transaction", hash()),
                ("height", Int("firm or settled: the height whose output holds it")), ("position", Int("its position in that output")),
                ("posted_l1_block", Int("while this validator holds the entry")), ("deadline_l1_block", Int("the L1 block by which the chain must include it"))),
            ["Error"] = Obj(("error", Obj(("code", Str("machine-readable")), ("message", Str("for people"))))),
        };
    }

    private static JsonObject Get(string summary, string schema, params string[] parameters) => GetWith(summary, schema, "400, 404, 405, 429", parameters);

    /// <summary>A WebSocket path takes any method (an HTTP/2 upgrade is a CONNECT, not a GET), so it has no 405.</summary>
    private static JsonObject Stream(string summary, string schema, params string[] parameters) => GetWith(summary, schema, "400, 404, 429", parameters);

    private static JsonObject GetWith(string summary, string schema, string errors, string[] parameters) => new()
    {
        ["get"] = new JsonObject
        {
            ["summary"] = summary,
            ["parameters"] = new JsonArray(parameters.Select(p => (JsonNode)new JsonObject { ["name"] = p, ["in"] = "path", ["required"] = true, ["schema"] = Str("") }).ToArray()),
            ["responses"] = Responses(schema, errors),
        },
    };

    private static JsonObject Post(string summary, string request, string schema, string errors) => new()
    {
        ["post"] = new JsonObject
        {
            ["summary"] = summary,
            ["requestBody"] = new JsonObject { ["required"] = true, ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = Ref(request) } } },
            ["responses"] = Responses(schema, errors),
        },
    };

    /// <summary>Adds the binary request and answer types of <see cref="SubmitBatchFormat"/> next to the JSON ones.</summary>
    private static JsonObject WithBinaryBatch(JsonObject path)
    {
        var post = path["post"]!.AsObject();
        post["requestBody"]!["content"]!.AsObject()[SubmitBatchFormat.RequestContentType] = new JsonObject
        {
            ["schema"] = Binary("zero or more records: u64 namespace (little-endian) | u32 payload length (little-endian) | payload bytes; "
                + "a truncated record (400 malformed_batch), a payload above the limit (413 payload_too_large), too many records "
                + "(413 batch_too_large) or a body above the limit (413 too_large) refuses the whole batch and submits nothing"),
        };
        post["responses"]!["200"]!["content"]!.AsObject()[SubmitBatchFormat.ResultContentType] = new JsonObject
        {
            ["schema"] = Binary("one 33-byte record per transaction, in request order: u8 status (0 accepted, 1 duplicate, 2 busy: mempool full, retry) | 32-byte transaction hash"),
        };
        return path;
    }

    /// <summary>What a full node reads: one firm height whole, binary; <c>wait_ms</c> long-polls for a height not firm yet.</summary>
    private static JsonObject FirmBlockPath()
    {
        var path = Get("One firm height whole, for full nodes that follow this node: block, QC, output header and layout, output certificate, the block's batches. "
            + "A height not firm yet answers 404 not_firm_yet, after waiting up to wait_ms (0..10000) for it", "Error", "height");
        var get = path["get"]!.AsObject();
        get["parameters"]!.AsArray().Add(new JsonObject { ["name"] = "wait_ms", ["in"] = "query", ["required"] = false, ["schema"] = Str("0..10000") });
        get["responses"]!["200"] = new JsonObject
        {
            ["description"] = "the height",
            ["content"] = new JsonObject
            {
                [Storage.FirmBlock.ContentType] = new JsonObject
                {
                    ["schema"] = Binary("u8 version 1 | block | quorum certificate | output header | output layout | output certificate (each u32 length-prefixed canonical encoding) | u32 count | that many batches (each u32 length-prefixed)"),
                },
            },
        };
        return path;
    }

    private static JsonObject Binary(string description) => new() { ["type"] = "string", ["format"] = "binary", ["description"] = description };

    private static JsonObject GetText(string summary) => new()
    {
        ["get"] = new JsonObject
        {
            ["summary"] = summary,
            ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = summary }, ["405"] = Error("405"), ["429"] = Error("429") },
        },
    };

    private static JsonObject Responses(string schema, string errors)
    {
        var responses = new JsonObject
        {
            ["200"] = new JsonObject { ["description"] = "OK", ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = Ref(schema) } } },
        };
        foreach (var status in errors.Split(", "))
        {
            responses[status] = Error(status);
        }

        return responses;
    }

    private static JsonObject Error(string status) => new()
    {
        ["description"] = status switch
        {
            "400" => "bad request; codes include malformed_json (with line and position), empty_body, bad_request (an unreadable body), missing_field (\"missing field: <name>\"), unknown_field, "
                + "bad_namespace, bad_payload, bad_base64, not_an_object, not_an_array, malformed_batch, bad_height, bad_hash, bad_range, range_too_long, websocket_required, bad_evidence_hash",
            "404" => "not_found: no such endpoint, or the node does not have it (unknown_evidence: no record with that evidence hash)",
            "409" => "the node cannot answer this yet or at all: no_l1_snapshot (it has not read the stake table yet), not_in_stake_table",
            "405" => "method_not_allowed: the Allow header lists the methods this path takes",
            "413" => "too_large, payload_too_large or batch_too_large",
            "415" => "unsupported_media_type: no Content-Type, or one this endpoint does not take",
            "429" => "rate_limited (every path: too many requests from this client address), or busy on submit (admission control: the mempool is full, the backlog not yet ordered is too large or has waited too long, or the index is behind; the message says which): retry after the Retry-After header's seconds, with backoff",
            "503" => "disk_full on submit: this validator's data directory has less free space than its disk_reserve_bytes, so it takes no new work (it keeps following consensus) until an operator frees space; the message names the directory, the free bytes and the reserve. Submit to another validator",
            _ => "error",
        },
        ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = Ref("Error") } },
    };

    private static JsonObject Ref(string name) => new() { ["$ref"] = "#/components/schemas/" + name };

    private static JsonObject Str(string description) => new() { ["type"] = "string", ["description"] = description };

    private static JsonObject Int(string description) => new() { ["type"] = "integer", ["description"] = description };

    private static JsonObject Arr(JsonObject items) => new() { ["type"] = "array", ["items"] = items };

    private static JsonObject Obj(params (string Name, JsonNode Schema)[] properties)
    {
        var props = new JsonObject();
        foreach (var (name, schema) in properties)
        {
            props[name] = schema;
        }

        return new JsonObject { ["type"] = "object", ["properties"] = props };
    }
}
