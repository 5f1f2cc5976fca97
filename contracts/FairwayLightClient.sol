// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.24;

import {FairwayStakeTable, FairwaySignatures} from "./FairwayStakeTable.sol";

/// Fairway's light client on the L1: the chain of settled output headers.
///
/// What is signed: a settlement statement (height, epoch, parent, outputHash), where `outputHash` is the hash of
/// Fairway's output header at `height` and `parent` is the header hash of the last statement this contract
/// accepted. Its header hash is `headerDigest(...)` (domain-separated by a tag, the chain id and this contract's
/// address), which validators sign with their secp256k1 settlement keys as is. Not every output must be settled:
/// a statement may skip heights, but it must extend the last accepted one (parent and a greater height).
///
/// Whose signatures count (the stake source): this contract keeps no validator set of its own. It reads the
/// stake table's per-epoch history, `FairwayStakeTable.stakeAt(signer, epoch)` and `totalStakeAt(epoch)`, which
/// is final for every epoch up to the current one. A statement of epoch e is accepted when e is the stake
/// table's current epoch or the one before (so its signers' stake is still bonded; see the stake table's
/// unbonding rule), e is not below the last accepted epoch, and the signers' weight in epoch e is more than two
/// thirds of the total weight of epoch e.
///
/// Signatures: 65 bytes each (r || s || v), concatenated, in strictly ascending order of signer address (which
/// rules out counting a signer twice). Every signature must recover to a signer with weight in epoch e; a
/// malformed signature or one by a signer without weight refuses the whole statement.
contract FairwayLightClient {
    bytes32 public constant HEADER_TAG = keccak256("FAIRWAY_SETTLEMENT_HEADER_V1");

    FairwayStakeTable public immutable stakeTable;

    uint64 public lastHeight;
    uint64 public lastEpoch;
    bytes32 public lastHeaderHash;
    mapping(uint64 => bytes32) public headerHashAt;      // settled height => header hash
    mapping(uint64 => bytes32) public outputHashAt;      // settled height => Fairway output header hash

    event HeaderAccepted(
        uint64 indexed height, uint64 indexed epoch, bytes32 headerHash, bytes32 outputHash, uint256 signedStake,
        uint256 totalStake);

    error NotExtending(uint64 lastHeight, bytes32 lastHeaderHash);
    error EpochNotAccepted(uint64 epoch, uint64 lastEpoch, uint64 currentEpoch);
    error NoStakeInEpoch(uint64 epoch);
    error BadSignatureLength(uint256 length);
    error BadSignature(uint256 index);
    error SignersNotAscending(uint256 index);
    error SignerWithoutStake(uint256 index, address signer);
    error NotEnoughStake(uint256 signedStake, uint256 totalStake);

    constructor(FairwayStakeTable stakeTable_, uint64 genesisHeight, bytes32 genesisHeaderHash) {
        stakeTable = stakeTable_;
        lastHeight = genesisHeight;
        lastHeaderHash = genesisHeaderHash;
        headerHashAt[genesisHeight] = genesisHeaderHash;
    }

    /// The header hash of a settlement statement; the digest validators sign.
    function headerDigest(uint64 height, uint64 epoch, bytes32 parent, bytes32 outputHash)
        public view returns (bytes32)
    {
        return keccak256(abi.encode(HEADER_TAG, block.chainid, address(this), height, epoch, parent, outputHash));
    }

    function submitHeader(
        uint64 height, uint64 epoch, bytes32 parent, bytes32 outputHash, bytes calldata signatures) external
    {
        if (height <= lastHeight || parent != lastHeaderHash) revert NotExtending(lastHeight, lastHeaderHash);
        uint64 current = stakeTable.currentEpoch();
        if (epoch < lastEpoch || epoch > current || epoch + 1 < current) {
            revert EpochNotAccepted(epoch, lastEpoch, current);
        }
        uint256 total = stakeTable.totalStakeAt(epoch);
        if (total == 0) revert NoStakeInEpoch(epoch);
        if (signatures.length % 65 != 0) revert BadSignatureLength(signatures.length);

        bytes32 digest = headerDigest(height, epoch, parent, outputHash);
        uint256 signed = _signedStake(digest, epoch, signatures);
        // More than two thirds, in integers: 3 * signed > 2 * total.
        if (3 * signed <= 2 * total) revert NotEnoughStake(signed, total);

        lastHeight = height;
        lastEpoch = epoch;
        lastHeaderHash = digest;
        headerHashAt[height] = digest;
        outputHashAt[height] = outputHash;
        emit HeaderAccepted(height, epoch, digest, outputHash, signed, total);
    }

    /// The summed weight, in `epoch`, of the signers of `digest`; reverts on any bad or weightless signature.
    function _signedStake(bytes32 digest, uint64 epoch, bytes calldata signatures) private view returns (uint256 signed) {
        uint256 count = signatures.length / 65;
        address previous = address(0);
        for (uint256 i = 0; i < count; i++) {
            address signer = FairwaySignatures.recover(digest, signatures[i * 65:(i + 1) * 65]);
            if (signer == address(0)) revert BadSignature(i);
            if (signer <= previous) revert SignersNotAscending(i);
            previous = signer;
            uint256 stake = stakeTable.stakeAt(signer, epoch);
            if (stake == 0) revert SignerWithoutStake(i, signer);
            signed += stake;
        }
    }
}
