// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.24;

import {FairwayStakeTable, FairwaySignatures} from "./FairwayStakeTable.sol";
import {FairwayInbox} from "./FairwayInbox.sol";

/// Fairway's light client on the L1: the chain of settled output headers, and the slashing evidence checker.
///
/// What is signed: a settlement statement (height, parent, outputHash), where `outputHash` is the hash of
/// Fairway's output header at `height` and `parent` is the header hash of the statement before it. Its header hash
/// is `headerDigest(...)` (domain-separated by a tag, the chain id and this contract's address), which validators
/// sign with their secp256k1 settlement keys as is. Not every output must be settled: a statement may skip
/// heights, but it must extend the last accepted one (parent and a greater height).
///
/// The epoch is not part of the statement. If it were, the statement chain would depend on which stake-table epoch
/// happened to be current when each statement was posted, so a statement signed but posted late (after an epoch
/// boundary) could not be settled as signed, and validators could not agree on a statement before knowing when it
/// lands. Without it the chain of statements is a function of Fairway's outputs alone, and one statement per
/// height is all an honest validator ever signs; two different statements for the same height by one settlement
/// key are therefore an offence this contract checks itself (`slashConflictingHeaders`).
///
/// Whose signatures count (the stake source): this contract keeps no validator set of its own. It reads the
/// stake table's per-epoch history, `FairwayStakeTable.stakeAt(signer, epoch)` and `totalStakeAt(epoch)`, which
/// is final for every epoch up to the current one. `submitHeader`'s `epoch` only chooses that snapshot: it must be
/// the stake table's current epoch or the one before (so its signers' stake is still bonded; see the stake
/// table's unbonding rule) and not below the last accepted epoch, and the signers' weight in it must be more than
/// two thirds of its total weight.
///
/// Signatures: 65 bytes each (r || s || v), concatenated, in strictly ascending order of signer address (which
/// rules out counting a signer twice). Every signature must recover to a signer with weight in the epoch; a
/// malformed signature or one by a signer without weight refuses the whole statement.
///
/// The output header itself: `submitHeader` also takes the bytes of Fairway's output header at `height`, and
/// refuses them unless their SHA-256 (the precompile) is `outputHash`. They are not part of what is signed: the
/// statement stays (height, parent, outputHash), a function of Fairway's outputs alone, and signatures and slashing
/// evidence are what they were. Passing the bytes lets this contract read what the signed hash commits to, and
/// check it itself rather than take the relayer's word for it.
///
/// Forced inclusion (when deployed with an inbox; with the zero address nothing below applies and any header
/// bytes that hash to `outputHash` will do): the header must be version 2 (158 bytes), which ends with the inbox
/// index the output has included up to and the L1 block the Fairway block named, each a little-endian uint64, and a
/// byte saying whether the block was full (added as many entries as a block may; 0 or 1). The
/// index may not be beyond the inbox's newest entry, the L1 block must already be mined, and the entry after the
/// index must not have reached its deadline at that L1 block unless the block was full: a header that leaves out an entry validators were
/// bound to include by then is never settled, whoever signed it. The deadline is measured at the header's own L1
/// block, not at the block the header is submitted in, so a header made before a deadline still settles when it
/// is relayed after it.
///
/// Slashing: this contract is the stake table's `slasher`. Evidence it can check (conflicting statements) anyone
/// may submit; evidence it cannot check (e.g. Ed25519 double votes in consensus) must be attested by more than two
/// thirds of an epoch's stake (`slashByAttestation`), the same quorum that settles headers. Each piece of evidence
/// slashes once; the submitter is the reporter the stake table rewards.
contract FairwayLightClient {
    bytes32 public constant HEADER_TAG = keccak256("FAIRWAY_SETTLEMENT_HEADER_V1");
    bytes32 public constant SLASH_TAG = keccak256("FAIRWAY_SLASH_REPORT_V1");

    /// Output header version 2 (the one that commits to the inbox): its size and where its inbox fields start.
    uint8 public constant INBOX_HEADER_VERSION = 2;
    uint256 public constant INBOX_HEADER_SIZE = 158;
    uint256 private constant INBOX_INDEX_OFFSET = 141;
    uint256 private constant L1_BLOCK_OFFSET = 149;
    uint256 private constant INBOX_FULL_OFFSET = 157;

    FairwayStakeTable public immutable stakeTable;
    /// The forced-inclusion inbox settled headers are checked against; the zero address for none.
    FairwayInbox public immutable inbox;

    uint64 public lastHeight;
    uint64 public lastEpoch;
    bytes32 public lastHeaderHash;
    mapping(uint64 => bytes32) public headerHashAt;      // settled height => header hash
    mapping(uint64 => bytes32) public outputHashAt;      // settled height => Fairway output header hash
    mapping(uint64 => uint64) public inboxIndexAt;       // settled height => inbox index its output included up to
    mapping(bytes32 => bool) public evidenceUsed;        // evidence id => already slashed for

    event HeaderAccepted(
        uint64 indexed height, uint64 indexed epoch, bytes32 headerHash, bytes32 outputHash, uint64 inboxIndex,
        uint256 signedStake, uint256 totalStake);
    event SlashReported(address indexed validator, bytes32 evidenceId, address indexed reporter);

    error NotExtending(uint64 lastHeight, bytes32 lastHeaderHash);
    error EpochNotAccepted(uint64 epoch, uint64 lastEpoch, uint64 currentEpoch);
    error NoStakeInEpoch(uint64 epoch);
    error BadSignatureLength(uint256 length);
    error BadSignature(uint256 index);
    error SignersNotAscending(uint256 index);
    error SignerWithoutStake(uint256 index, address signer);
    error NotEnoughStake(uint256 signedStake, uint256 totalStake);
    error NotConflicting();
    error DifferentSigners();
    error UnknownSigner(address signer);
    error EvidenceAlreadyUsed();
    error OutputHeaderMismatch(bytes32 outputHash, bytes32 headerHash);
    error NoInboxCommitment(uint256 length);
    error InboxIndexAhead(uint64 inboxIndex, uint64 latestIndex);
    error L1BlockNotMined(uint64 l1Block, uint256 blockNumber);
    error InboxEntrySkipped(uint64 index, uint64 deadlineBlock, uint64 l1Block);

    constructor(FairwayStakeTable stakeTable_, FairwayInbox inbox_, uint64 genesisHeight, bytes32 genesisHeaderHash) {
        stakeTable = stakeTable_;
        inbox = inbox_;
        lastHeight = genesisHeight;
        lastHeaderHash = genesisHeaderHash;
        headerHashAt[genesisHeight] = genesisHeaderHash;
    }

    /// The header hash of a settlement statement; the digest validators sign.
    function headerDigest(uint64 height, bytes32 parent, bytes32 outputHash) public view returns (bytes32) {
        return keccak256(abi.encode(HEADER_TAG, block.chainid, address(this), height, parent, outputHash));
    }

    /// The digest validators sign to attest that `validator` committed the offence identified by `evidenceHash`.
    function slashDigest(address validator, bytes32 evidenceHash) public view returns (bytes32) {
        return keccak256(abi.encode(SLASH_TAG, block.chainid, address(this), validator, evidenceHash));
    }

    /// Settles the statement (height, parent, outputHash); `outputHeader` is the output header whose SHA-256 is
    /// `outputHash` (see the contract's comment for what is checked in it).
    function submitHeader(
        uint64 height, uint64 epoch, bytes32 parent, bytes32 outputHash, bytes calldata outputHeader,
        bytes calldata signatures) external
    {
        if (height <= lastHeight || parent != lastHeaderHash) revert NotExtending(lastHeight, lastHeaderHash);
        uint64 current = stakeTable.currentEpoch();
        if (epoch < lastEpoch || epoch > current || epoch + 1 < current) {
            revert EpochNotAccepted(epoch, lastEpoch, current);
        }
        uint64 inboxIndex = _checkOutputHeader(outputHash, outputHeader);
        bytes32 digest = headerDigest(height, parent, outputHash);
        (uint256 signed, uint256 total) = _checkQuorum(digest, epoch, signatures);

        lastHeight = height;
        lastEpoch = epoch;
        lastHeaderHash = digest;
        headerHashAt[height] = digest;
        outputHashAt[height] = outputHash;
        if (inboxIndex != 0) inboxIndexAt[height] = inboxIndex;
        emit HeaderAccepted(height, epoch, digest, outputHash, inboxIndex, signed, total);
    }

    /// Slashes the holder of a settlement key that signed two different statements for the same height.
    /// Whether either statement was ever submitted does not matter: signing both is the offence.
    function slashConflictingHeaders(
        uint64 height, bytes32 parentA, bytes32 outputA, bytes calldata sigA, bytes32 parentB, bytes32 outputB,
        bytes calldata sigB) external
    {
        bytes32 digestA = headerDigest(height, parentA, outputA);
        bytes32 digestB = headerDigest(height, parentB, outputB);
        if (digestA == digestB) revert NotConflicting();
        address signer = FairwaySignatures.recover(digestA, sigA);
        if (signer == address(0)) revert BadSignature(0);
        address signerB = FairwaySignatures.recover(digestB, sigB);
        if (signerB == address(0)) revert BadSignature(1);
        if (signer != signerB) revert DifferentSigners();
        address validator = stakeTable.validatorOfSettlementKey(signer);
        if (validator == address(0)) revert UnknownSigner(signer);
        // Ordered, so the same pair submitted as (B, A) is the same evidence.
        bytes32 evidenceId = digestA < digestB
            ? keccak256(abi.encode(digestA, digestB))
            : keccak256(abi.encode(digestB, digestA));
        _slash(validator, evidenceId);
    }

    /// Slashes `validator` for an offence this contract cannot check itself, attested (signed over
    /// `slashDigest(validator, evidenceHash)`) by more than two thirds of the stake of `epoch`, which must be the
    /// stake table's current epoch or the one before. `lastEpoch` does not apply: slashing is not part of the
    /// statement chain.
    function slashByAttestation(address validator, bytes32 evidenceHash, uint64 epoch, bytes calldata signatures)
        external
    {
        uint64 current = stakeTable.currentEpoch();
        if (epoch > current || epoch + 1 < current) revert EpochNotAccepted(epoch, lastEpoch, current);
        bytes32 evidenceId = slashDigest(validator, evidenceHash);
        _checkQuorum(evidenceId, epoch, signatures);
        _slash(validator, evidenceId);
    }

    // ---- internals ----

    /// Reverts unless `outputHeader` hashes to `outputHash` and, with an inbox, commits to it without leaving out an
    /// entry past its deadline; returns the inbox index it commits to (0 without an inbox).
    function _checkOutputHeader(bytes32 outputHash, bytes calldata outputHeader) private view returns (uint64 inboxIndex) {
        bytes32 hashed = sha256(outputHeader);
        if (hashed != outputHash) revert OutputHeaderMismatch(outputHash, hashed);
        if (address(inbox) == address(0)) return 0;
        if (outputHeader.length != INBOX_HEADER_SIZE || uint8(outputHeader[0]) != INBOX_HEADER_VERSION
            || uint8(outputHeader[INBOX_FULL_OFFSET]) > 1) {
            revert NoInboxCommitment(outputHeader.length);
        }
        inboxIndex = _u64le(outputHeader, INBOX_INDEX_OFFSET);
        uint64 l1Block = _u64le(outputHeader, L1_BLOCK_OFFSET);
        if (l1Block >= block.number) revert L1BlockNotMined(l1Block, block.number);
        uint64 latest = inbox.latestIndex();
        if (inboxIndex > latest) revert InboxIndexAhead(inboxIndex, latest);
        // A full block (as many entries as a block may add) owes no more: a flood of posts is congestion, which the
        // next blocks work through in inbox order, not censorship.
        if (inboxIndex < latest && uint8(outputHeader[INBOX_FULL_OFFSET]) == 0) {
            // Entries after the next one were posted no earlier, so their deadlines are no earlier either.
            uint64 deadline = inbox.entry(inboxIndex + 1).deadlineBlock;
            if (deadline <= l1Block) revert InboxEntrySkipped(inboxIndex + 1, deadline, l1Block);
        }
    }

    /// The little-endian uint64 at `offset` of `data` (which must hold 8 bytes there).
    function _u64le(bytes calldata data, uint256 offset) private pure returns (uint64 v) {
        v = uint64(bytes8(data[offset:offset + 8]));
        v = ((v & 0xFF00FF00FF00FF00) >> 8) | ((v & 0x00FF00FF00FF00FF) << 8);
        v = ((v & 0xFFFF0000FFFF0000) >> 16) | ((v & 0x0000FFFF0000FFFF) << 16);
        v = (v >> 32) | (v << 32);
    }

    function _slash(address validator, bytes32 evidenceId) private {
        if (evidenceUsed[evidenceId]) revert EvidenceAlreadyUsed();
        // Marked before the call: the stake table pays the reporter, who could call back in.
        evidenceUsed[evidenceId] = true;
        emit SlashReported(validator, evidenceId, msg.sender);
        stakeTable.slash(validator, evidenceId, msg.sender);
    }

    /// Reverts unless the signers of `digest` hold more than two thirds of the stake of `epoch`.
    function _checkQuorum(bytes32 digest, uint64 epoch, bytes calldata signatures)
        private view returns (uint256 signed, uint256 total)
    {
        total = stakeTable.totalStakeAt(epoch);
        if (total == 0) revert NoStakeInEpoch(epoch);
        if (signatures.length % 65 != 0) revert BadSignatureLength(signatures.length);
        signed = _signedStake(digest, epoch, signatures);
        // More than two thirds, in integers: 3 * signed > 2 * total.
        if (3 * signed <= 2 * total) revert NotEnoughStake(signed, total);
    }

    /// The summed weight, in `epoch`, of the signers of `digest`; reverts on any bad or weightless signature.
    function _signedStake(bytes32 digest, uint64 epoch, bytes calldata signatures) private view returns (uint256 signed) {
        uint256 count = signatures.length / 65;
        address previous = address(0);
        // Unchecked: i < count and the offsets are below signatures.length; a stake sum cannot overflow (it is at
        // most the total weight, which the stake table keeps in 192 bits).
        unchecked {
            for (uint256 i = 0; i < count; ++i) {
                uint256 offset = i * 65;
                address signer = FairwaySignatures.recover(digest, signatures[offset:offset + 65]);
                if (signer == address(0)) revert BadSignature(i);
                if (signer <= previous) revert SignersNotAscending(i);
                previous = signer;
                uint256 stake = stakeTable.stakeAt(signer, epoch);
                if (stake == 0) revert SignerWithoutStake(i, signer);
                signed += stake;
            }
        }
    }
}
