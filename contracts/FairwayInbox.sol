// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.24;

/// @title FairwayInbox: forced inclusion into Fairway's stream, through the L1.
/// Anyone posts (namespace, payload) with a fee. Each entry gets the next index (from 1) and a deadline, the block it
/// was posted in plus `deadlineBlocks`. Validators watch the inbox at their confirmation depth and must include every
/// entry that is final and past its deadline, in inbox order; the payload itself travels in the `Posted` event, the
/// contract keeps its hash, so what validators include can be checked against the L1.
contract FairwayInbox {
    struct Entry {
        uint64 namespaceId;
        uint64 postedBlock;
        uint64 deadlineBlock;
        address sender;
        bytes32 payloadHash;
    }

    error FeeTooLow(uint256 paid, uint256 fee);
    error PayloadTooLarge(uint256 size, uint256 max);
    error EmptyPayload();
    error NoSuchEntry(uint64 index);
    error NotOwner();
    error TransferFailed();
    error InvalidParameters();

    event Posted(uint64 indexed index, uint64 indexed namespaceId, address indexed sender, bytes payload, uint64 postedBlock, uint64 deadlineBlock);
    event FeesWithdrawn(address indexed to, uint256 amount);

    address public immutable owner;
    uint64 public immutable deadlineBlocks;
    uint256 public immutable fee;
    uint256 public immutable maxPayloadBytes;

    /// The index of the newest entry; 0 while the inbox is empty.
    uint64 public latestIndex;

    mapping(uint64 => Entry) private _entries;

    constructor(uint64 deadlineBlocks_, uint256 fee_, uint256 maxPayloadBytes_) {
        if (deadlineBlocks_ == 0 || maxPayloadBytes_ == 0) revert InvalidParameters();
        owner = msg.sender;
        deadlineBlocks = deadlineBlocks_;
        fee = fee_;
        maxPayloadBytes = maxPayloadBytes_;
    }

    /// Posts an entry; returns its index. A fee above `fee` is kept as paid.
    function post(uint64 namespaceId, bytes calldata payload) external payable returns (uint64 index) {
        if (msg.value < fee) revert FeeTooLow(msg.value, fee);
        if (payload.length == 0) revert EmptyPayload();
        if (payload.length > maxPayloadBytes) revert PayloadTooLarge(payload.length, maxPayloadBytes);
        index = latestIndex + 1;
        latestIndex = index;
        uint64 posted = uint64(block.number);
        uint64 deadline = posted + deadlineBlocks;
        _entries[index] = Entry(namespaceId, posted, deadline, msg.sender, keccak256(payload));
        emit Posted(index, namespaceId, msg.sender, payload, posted, deadline);
    }

    function entry(uint64 index) external view returns (Entry memory) {
        if (index == 0 || index > latestIndex) revert NoSuchEntry(index);
        return _entries[index];
    }

    /// Sends the fees collected to `to`; only the deployer.
    function withdrawFees(address to) external {
        if (msg.sender != owner) revert NotOwner();
        uint256 amount = address(this).balance;
        emit FeesWithdrawn(to, amount);
        (bool ok,) = to.call{value: amount}("");
        if (!ok) revert TransferFailed();
    }
}
