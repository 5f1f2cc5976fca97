// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.24;

/// Recovery of Fairway's secp256k1 settlement signatures: 65 bytes r || s || v, v in {27, 28}, s in the lower
/// half of the curve order (no malleable twin). The digest is signed as is (no EIP-191 prefix); every digest
/// Fairway signs is domain-separated (a tag, the chain id and the verifying contract).
library FairwaySignatures {
    uint256 internal constant HALF_CURVE_ORDER =
        0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0;

    /// The signer of `digest`, or address(0) when the signature is malformed or does not recover.
    function recover(bytes32 digest, bytes calldata sig) internal view returns (address signer) {
        if (sig.length != 65) return address(0);
        // In assembly because this runs once per signer of every settled header: calldata is read without the
        // bounds checks of slicing (the length is checked above) and the precompile is called on scratch memory.
        assembly ("memory-safe") {
            let r := calldataload(sig.offset)
            let s := calldataload(add(sig.offset, 32))
            let v := byte(0, calldataload(add(sig.offset, 64)))
            if and(iszero(gt(s, HALF_CURVE_ORDER)), or(eq(v, 27), eq(v, 28))) {
                let ptr := mload(0x40)
                mstore(ptr, digest)
                mstore(add(ptr, 32), v)
                mstore(add(ptr, 64), r)
                mstore(add(ptr, 96), s)
                // The precompile returns nothing when the signature does not recover.
                mstore(0x00, 0)
                if staticcall(gas(), 1, ptr, 128, 0x00, 32) { signer := mload(0x00) }
            }
        }
    }
}

/// Fairway's stake table on the L1.
///
/// A validator is an L1 account that registers its Ed25519 consensus key, the address of its secp256k1
/// settlement key (with a signature by that key, proving possession) and its endpoints, with a deposit of at
/// least `minStake`. Anyone can delegate to a registered validator. A validator's weight is its own stake plus
/// the stake delegated to it, and zero once it has asked to exit or has been jailed.
///
/// Epochs: epoch e covers L1 blocks [startBlock + e * epochBlocks, startBlock + (e + 1) * epochBlocks). Every
/// change of weight made during epoch e takes effect in epoch e + 1, so the weights of epoch e and of every
/// earlier epoch are final once epoch e has begun: `stakeAt` and `totalStakeAt` read that per-epoch history
/// (checkpoints), which is what the light client and the network's validator set are derived from.
///
/// Unbonding: stake that leaves (exit, undelegation) is withdrawable `unbondingBlocks` after the request, and
/// slashable until then. `unbondingBlocks` is more than two epochs, because stake removed during epoch e still
/// counts in epoch e and the light client accepts headers of the current or the previous epoch.
///
/// Slashing: the `slasher` is the contract that checks evidence (FairwayLightClient). It cannot be a constructor
/// argument because the light client is deployed after the stake table it reads, so the deployer (`owner`) sets
/// it once with `setSlasher`; after that nobody, the owner included, can change who slashes. A slash takes
/// `slashBps` of what the validator still has at stake (its own bonded stake plus its pending withdrawal, the
/// bonded part first), pays `rewardBps` of that to the reporter (so that someone bothers to submit evidence) and
/// keeps the rest locked in this contract (`slashedTotal`). The validator is jailed: its weight is zero from the
/// next epoch (the current epoch's snapshot is final) and what is left of its own stake unbonds like an exit.
/// A jailed validator stays slashable, for other evidence, until its stake has unbonded: the offences of one
/// epoch may be reported one by one. Delegations are not slashed in this version.
///
/// Not in this version: changing keys or endpoints, staking rewards, unjailing, a cap on the number of
/// validators, checking the Ed25519 key's possession on-chain (the network checks it when it reads the table).
contract FairwayStakeTable {
    struct Validator {
        bytes32 consensusKey;   // Ed25519 public key
        address settlementKey;  // address of the secp256k1 settlement key
        string endpoints;
        uint256 selfStake;
        uint256 delegatedStake;
        bool registered;
        bool exited;
        bool jailed;            // appended, so the fields before it keep their ABI positions
    }

    /// One storage slot per checkpoint.
    struct Checkpoint {
        uint64 epoch;    // the first epoch this value holds for
        uint192 value;
    }

    /// A settlement key's last two checkpoints in one slot. The light client only asks for the current or the
    /// previous epoch, which these answer unless the weight changed in each of the last two epochs; reading one
    /// cold slot per signer instead of the checkpoint array's length and an element saves 2,100 gas a signature.
    struct RecentWeights {
        uint32 newEpoch;   // the last checkpoint's first epoch; 0 when there is none (effective epochs start at 1)
        uint96 newValue;
        uint32 oldEpoch;   // the checkpoint before it; 0 when there is none
        uint96 oldValue;
    }

    struct Withdrawal {
        uint256 amount;
        uint256 unlockBlock;
    }

    bytes32 public constant SETTLEMENT_KEY_TAG = keccak256("FAIRWAY_SETTLEMENT_KEY_V1");
    uint256 public constant MAX_ENDPOINTS_LENGTH = 1024;
    uint256 public constant BPS = 10_000;

    uint256 public immutable minStake;
    uint256 public immutable epochBlocks;
    uint256 public immutable unbondingBlocks;
    uint256 public immutable startBlock;
    uint16 public immutable slashBps;   // share of the validator's stake a slash takes
    uint16 public immutable rewardBps;  // share of the slashed amount paid to the reporter
    address public immutable owner;

    address public slasher;

    mapping(address => Validator) private _validators;
    mapping(address => address) public validatorOfSettlementKey;
    mapping(bytes32 => address) public validatorOfConsensusKey;
    mapping(address => mapping(address => uint256)) public delegation; // delegator => validator => amount
    mapping(address => Withdrawal) public pendingWithdrawal;
    mapping(address => Checkpoint[]) private _weights; // by settlement key (fixed per validator)
    mapping(address => RecentWeights) private _recentWeights; // by settlement key; the tail of _weights
    Checkpoint[] private _totals;
    address[] private _validatorList;
    uint256 public slashedTotal;

    event ValidatorRegistered(
        address indexed validator, bytes32 consensusKey, address indexed settlementKey, string endpoints,
        uint256 stake, uint64 effectiveEpoch);
    event Delegated(address indexed delegator, address indexed validator, uint256 amount, uint64 effectiveEpoch);
    event Undelegated(
        address indexed delegator, address indexed validator, uint256 amount, uint64 effectiveEpoch,
        uint256 unlockBlock);
    event ExitRequested(address indexed validator, uint256 amount, uint64 effectiveEpoch, uint256 unlockBlock);
    event Withdrawn(address indexed account, uint256 amount);
    event Slashed(address indexed validator, uint256 amount, bytes32 evidence, uint64 effectiveEpoch);
    event WeightChanged(address indexed validator, uint256 weight, uint256 totalWeight, uint64 effectiveEpoch);
    event Jailed(address indexed validator, uint64 effectiveEpoch);
    event ReporterRewarded(address indexed reporter, uint256 amount);
    event SlasherSet(address indexed slasher);

    error InvalidParameters();
    error AlreadyRegistered();
    error NotRegistered();
    error ValidatorExited();
    error StakeBelowMinimum(uint256 sent, uint256 minimum);
    error InvalidKey();
    error KeyInUse();
    error BadProofOfPossession();
    error EndpointsTooLong();
    error ZeroAmount();
    error InsufficientDelegation(uint256 delegated, uint256 requested);
    error NothingToWithdraw();
    error StillUnbonding(uint256 unlockBlock);
    error NotSlasher();
    error TransferFailed();
    error NotOwner();
    error SlasherAlreadySet();

    constructor(uint256 minStake_, uint256 epochBlocks_, uint256 unbondingBlocks_, uint16 slashBps_, uint16 rewardBps_) {
        if (minStake_ == 0 || epochBlocks_ == 0 || unbondingBlocks_ <= 2 * epochBlocks_ || slashBps_ > BPS
            || rewardBps_ > BPS) {
            revert InvalidParameters();
        }
        minStake = minStake_;
        epochBlocks = epochBlocks_;
        unbondingBlocks = unbondingBlocks_;
        startBlock = block.number;
        slashBps = slashBps_;
        rewardBps = rewardBps_;
        owner = msg.sender;
    }

    /// Names the evidence-checking contract, once (see the contract comment for why not in the constructor).
    function setSlasher(address slasher_) external {
        if (msg.sender != owner) revert NotOwner();
        if (slasher != address(0)) revert SlasherAlreadySet();
        if (slasher_ == address(0)) revert InvalidParameters();
        slasher = slasher_;
        emit SlasherSet(slasher_);
    }

    // ---- views ----

    function currentEpoch() public view returns (uint64) {
        return uint64((block.number - startBlock) / epochBlocks);
    }

    /// The digest a settlement key signs to prove possession when `validator` registers it.
    function settlementKeyDigest(address validator) public view returns (bytes32) {
        return keccak256(abi.encode(SETTLEMENT_KEY_TAG, block.chainid, address(this), validator));
    }

    function getValidator(address validator) external view returns (Validator memory) {
        return _validators[validator];
    }

    function isJailed(address validator) external view returns (bool) {
        return _validators[validator].jailed;
    }

    function validatorCount() external view returns (uint256) {
        return _validatorList.length;
    }

    function validatorAt(uint256 index) external view returns (address) {
        return _validatorList[index];
    }

    /// The weight of `validator` in `epoch` (final only for epochs up to `currentEpoch()`).
    function weightAt(address validator, uint64 epoch) public view returns (uint256) {
        return _valueAt(_weights[_validators[validator].settlementKey], epoch);
    }

    /// The weight, in `epoch`, of the validator whose settlement key has address `settlementKey`; zero if none.
    function stakeAt(address settlementKey, uint64 epoch) external view returns (uint256) {
        // Read into a local rather than a memory struct: this runs once per signer of every settled header.
        RecentWeights storage r = _recentWeights[settlementKey];
        (uint32 newEpoch, uint96 newValue, uint32 oldEpoch, uint96 oldValue) =
            (r.newEpoch, r.newValue, r.oldEpoch, r.oldValue);
        if (epoch >= newEpoch) return newValue;
        if (oldEpoch == 0) return 0;             // before the first checkpoint
        if (epoch >= oldEpoch) return oldValue;
        return _valueAt(_weights[settlementKey], epoch);
    }

    /// The total weight of all validators in `epoch` (final only for epochs up to `currentEpoch()`).
    function totalStakeAt(uint64 epoch) external view returns (uint256) {
        return _valueAt(_totals, epoch);
    }

    // ---- validators and delegators ----

    function register(
        bytes32 consensusKey, address settlementKey, string calldata endpoints, bytes calldata settlementKeyProof)
        external payable
    {
        Validator storage v = _validators[msg.sender];
        if (v.registered) revert AlreadyRegistered();
        if (msg.value < minStake) revert StakeBelowMinimum(msg.value, minStake);
        if (consensusKey == bytes32(0) || settlementKey == address(0)) revert InvalidKey();
        if (validatorOfSettlementKey[settlementKey] != address(0) || validatorOfConsensusKey[consensusKey] != address(0)) {
            revert KeyInUse();
        }
        if (bytes(endpoints).length > MAX_ENDPOINTS_LENGTH) revert EndpointsTooLong();
        if (FairwaySignatures.recover(settlementKeyDigest(msg.sender), settlementKeyProof) != settlementKey) {
            revert BadProofOfPossession();
        }

        v.consensusKey = consensusKey;
        v.settlementKey = settlementKey;
        v.endpoints = endpoints;
        v.selfStake = msg.value;
        v.registered = true;
        validatorOfSettlementKey[settlementKey] = msg.sender;
        validatorOfConsensusKey[consensusKey] = msg.sender;
        _validatorList.push(msg.sender);

        uint64 effective = _updateWeight(msg.sender);
        emit ValidatorRegistered(msg.sender, consensusKey, settlementKey, endpoints, msg.value, effective);
    }

    function delegate(address validator) external payable {
        Validator storage v = _validators[validator];
        if (!v.registered) revert NotRegistered();
        if (v.exited || v.jailed) revert ValidatorExited();
        if (msg.value == 0) revert ZeroAmount();
        v.delegatedStake += msg.value;
        delegation[msg.sender][validator] += msg.value;
        uint64 effective = _updateWeight(validator);
        emit Delegated(msg.sender, validator, msg.value, effective);
    }

    function undelegate(address validator, uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        uint256 delegated = delegation[msg.sender][validator];
        if (delegated < amount) revert InsufficientDelegation(delegated, amount);
        delegation[msg.sender][validator] = delegated - amount;
        _validators[validator].delegatedStake -= amount;
        uint64 effective = _updateWeight(validator);
        uint256 unlock = _queueWithdrawal(msg.sender, amount);
        emit Undelegated(msg.sender, validator, amount, effective, unlock);
    }

    /// The caller (a validator) leaves: its weight is zero from the next epoch and its own stake unbonds.
    /// Its delegators take their stake back with `undelegate`.
    function requestExit() external {
        Validator storage v = _validators[msg.sender];
        if (!v.registered) revert NotRegistered();
        // A jailed validator's stake is already unbonding; exiting would only restart that.
        if (v.exited || v.jailed) revert ValidatorExited();
        v.exited = true;
        uint256 amount = v.selfStake;
        v.selfStake = 0;
        uint64 effective = _updateWeight(msg.sender);
        uint256 unlock = _queueWithdrawal(msg.sender, amount);
        emit ExitRequested(msg.sender, amount, effective, unlock);
    }

    function withdraw() external {
        Withdrawal memory w = pendingWithdrawal[msg.sender];
        if (w.amount == 0) revert NothingToWithdraw();
        if (block.number < w.unlockBlock) revert StillUnbonding(w.unlockBlock);
        delete pendingWithdrawal[msg.sender];
        emit Withdrawn(msg.sender, w.amount);
        (bool ok,) = msg.sender.call{value: w.amount}("");
        if (!ok) revert TransferFailed();
    }

    // ---- slashing ----

    /// Slashes and jails `validator` for the offence `evidence` (an id the slasher has checked and not used
    /// before), rewarding `reporter`. See the contract comment for the rules.
    function slash(address validator, bytes32 evidence, address reporter) external {
        if (msg.sender != slasher) revert NotSlasher();
        Validator storage v = _validators[validator];
        if (!v.registered) revert NotRegistered();
        Withdrawal storage w = pendingWithdrawal[validator];

        // The share is of everything still at stake, so a validator cannot shrink its penalty by exiting (or
        // being jailed for something else) first: what is unbonding is still reachable.
        uint256 taken = (v.selfStake + w.amount) * slashBps / BPS;
        uint256 fromBonded = taken < v.selfStake ? taken : v.selfStake;
        v.selfStake -= fromBonded;
        w.amount -= taken - fromBonded;
        uint256 reward = taken * rewardBps / BPS;
        slashedTotal += taken - reward;

        bool newlyJailed = !v.jailed;
        v.jailed = true;
        uint64 effective = _updateWeight(validator);
        // What is left of its own stake leaves the validator set like an exit, and stays slashable while it
        // unbonds. Queued only when there is something, so a further slash does not restart the unbonding.
        uint256 rest = v.selfStake;
        if (rest > 0) {
            v.selfStake = 0;
            _queueWithdrawal(validator, rest);
        }
        emit Slashed(validator, taken, evidence, effective);
        if (newlyJailed) emit Jailed(validator, effective);
        if (reward > 0) {
            emit ReporterRewarded(reporter, reward);
            (bool ok,) = reporter.call{value: reward}("");
            if (!ok) revert TransferFailed();
        }
    }

    // ---- internals ----

    /// One pending withdrawal per account: a new request adds to it and restarts the unbonding of the whole
    /// amount. A validator's pending withdrawal is what `slash` can still reach, including any undelegation
    /// the same account made from other validators (accounts that validate should not also delegate).
    function _queueWithdrawal(address account, uint256 amount) private returns (uint256 unlock) {
        Withdrawal storage w = pendingWithdrawal[account];
        unlock = block.number + unbondingBlocks;
        w.amount += amount;
        w.unlockBlock = unlock;
    }

    /// Records `validator`'s current weight, and the new total, as of the next epoch.
    function _updateWeight(address validator) private returns (uint64 effective) {
        effective = currentEpoch() + 1;
        Validator storage v = _validators[validator];
        uint256 weight = v.exited || v.jailed ? 0 : v.selfStake + v.delegatedStake;
        Checkpoint[] storage history = _weights[v.settlementKey];
        uint256 previous = history.length == 0 ? 0 : history[history.length - 1].value;
        uint256 total = _totals.length == 0 ? 0 : _totals[_totals.length - 1].value;
        total = total - previous + weight;
        _record(history, effective, weight);
        _recordRecent(_recentWeights[v.settlementKey], effective, weight);
        _record(_totals, effective, total);
        emit WeightChanged(validator, weight, total, effective);
    }

    function _record(Checkpoint[] storage history, uint64 epoch, uint256 value) private {
        // Far above all the ether there is; checked rather than truncated all the same.
        if (value > type(uint192).max) revert InvalidParameters();
        uint256 n = history.length;
        if (n > 0 && history[n - 1].epoch == epoch) {
            history[n - 1].value = uint192(value);
        } else {
            history.push(Checkpoint({epoch: epoch, value: uint192(value)}));
        }
    }

    function _recordRecent(RecentWeights storage r, uint64 epoch, uint256 value) private {
        // Both far beyond any real chain (4 billion epochs, 79 billion ether); checked rather than truncated.
        if (epoch > type(uint32).max || value > type(uint96).max) revert InvalidParameters();
        if (r.newEpoch != epoch) {
            r.oldEpoch = r.newEpoch;
            r.oldValue = r.newValue;
            r.newEpoch = uint32(epoch);
        }
        r.newValue = uint96(value);
    }

    /// The value of the last checkpoint at or before `epoch` (binary search; checkpoints are in epoch order).
    function _valueAt(Checkpoint[] storage history, uint64 epoch) private view returns (uint256) {
        uint256 low = 0;
        uint256 high = history.length;
        while (low < high) {
            uint256 mid = (low + high) / 2;
            if (history[mid].epoch <= epoch) low = mid + 1;
            else high = mid;
        }
        return low == 0 ? 0 : history[low - 1].value;
    }
}
