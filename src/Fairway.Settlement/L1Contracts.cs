using System.Numerics;
using Nethereum.RPC.Eth.DTOs;

namespace Fairway.Settlement;

/// <summary>Where Fairway's contracts live on one L1.</summary>
public sealed record L1Addresses(string StakeTable, string LightClient, string? Inbox = null)
{
    /// <summary>The contract addresses by contract name, as <c>fairway devnet --json</c> prints them.</summary>
    public IReadOnlyDictionary<string, string> ByName
    {
        get
        {
            var byName = new Dictionary<string, string> { [ContractArtifact.StakeTable] = StakeTable, [ContractArtifact.LightClient] = LightClient };
            if (Inbox is not null)
            {
                byName[ContractArtifact.Inbox] = Inbox;
            }

            return byName;
        }
    }
}

/// <summary>The parameters a deployment fixes for good.</summary>
public sealed record StakeTableParameters(BigInteger MinStakeWei, ulong EpochBlocks, ulong UnbondingBlocks, ushort SlashBps, ushort RewardBps)
{
    /// <summary>Development values: 10 ether minimum, 20-block epochs, 50-block unbonding, 10% slashed, a tenth of it to the reporter.</summary>
    public static StakeTableParameters Devnet { get; } = new(BigInteger.Pow(10, 19), 20, 50, 1_000, 1_000);
}

/// <summary>Typed calls to Fairway's stake table and light client over one <see cref="L1Connection"/> (the inbox: <see cref="InboxContract"/>).</summary>
public sealed class L1Contracts(L1Connection l1, L1Addresses addresses)
{
    /// <summary>Validators read from the stake table at most: the consensus layer's own cap.</summary>
    public const int ValidatorsMax = Core.Validators.ValidatorSet.CountMax;

    public L1Connection Connection => l1;

    public L1Addresses Addresses => addresses;

    private Nethereum.Contracts.Contract StakeTable => l1.Contract(ContractArtifact.StakeTable, addresses.StakeTable);

    private Nethereum.Contracts.Contract LightClient => l1.Contract(ContractArtifact.LightClient, addresses.LightClient);

    /// <summary>
    /// Deploys the inbox (<paramref name="inbox"/>; <see cref="InboxParameters.Devnet"/> when null), the stake table and
    /// the light client, which checks settled headers against that inbox, and makes the light client the stake table's slasher.
    /// </summary>
    public static async Task<L1Contracts> DeployAsync(
        L1Connection l1, StakeTableParameters parameters, InboxParameters? inbox = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(l1);
        ArgumentNullException.ThrowIfNull(parameters);
        var inboxAddress = (await InboxContract.DeployAsync(l1, inbox ?? InboxParameters.Devnet, cancel).ConfigureAwait(false)).Address;
        var stakeTable = await l1.DeployAsync(
            ContractArtifact.StakeTable, cancel,
            parameters.MinStakeWei, new BigInteger(parameters.EpochBlocks), new BigInteger(parameters.UnbondingBlocks),
            parameters.SlashBps, parameters.RewardBps).ConfigureAwait(false);
        var lightClient = await l1.DeployAsync(ContractArtifact.LightClient, cancel, stakeTable, inboxAddress, 0UL, new byte[32]).ConfigureAwait(false);
        var contracts = new L1Contracts(l1, new L1Addresses(stakeTable, lightClient, inboxAddress));
        await l1.SendAsync(contracts.StakeTable, "setSlasher", 0, cancel, lightClient).ConfigureAwait(false);
        return contracts;
    }

    /// <summary>Registers the sending account as a validator with <paramref name="stakeWei"/>; the settlement key proves possession by signing the stake table's digest for the sender.</summary>
    public async Task<TransactionReceipt> RegisterAsync(
        byte[] consensusKey, SettlementKey settlementKey, string endpoints, BigInteger stakeWei, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(settlementKey);
        var sender = l1.Sender ?? throw new L1Exception("registering needs a signing L1 connection");
        var proof = settlementKey.Sign(SettlementDigests.SettlementKeyProof(l1.ChainId, addresses.StakeTable, sender));
        return await l1.SendAsync(StakeTable, "register", stakeWei, cancel, consensusKey, settlementKey.Address, endpoints, proof).ConfigureAwait(false);
    }

    public Task<TransactionReceipt> DelegateAsync(string validator, BigInteger amountWei, CancellationToken cancel = default) =>
        l1.SendAsync(StakeTable, "delegate", amountWei, cancel, validator);

    public Task<TransactionReceipt> UndelegateAsync(string validator, BigInteger amountWei, CancellationToken cancel = default) =>
        l1.SendAsync(StakeTable, "undelegate", 0, cancel, validator, amountWei);

    public Task<TransactionReceipt> RequestExitAsync(CancellationToken cancel = default) => l1.SendAsync(StakeTable, "requestExit", 0, cancel);

    public Task<TransactionReceipt> WithdrawAsync(CancellationToken cancel = default) => l1.SendAsync(StakeTable, "withdraw", 0, cancel);

    public async Task<ulong> CurrentEpochAsync(BlockParameter? block = null) =>
        await l1.CallAsync<ulong>(StakeTable, "currentEpoch", block).ConfigureAwait(false);

    /// <summary>An account's unbonding stake: <c>pendingWithdrawal(account)</c>, the amount and the block it unlocks at.</summary>
    public async Task<(BigInteger AmountWei, ulong UnlockBlock)> PendingWithdrawalAsync(string account)
    {
        var output = await l1.QueryAsync<PendingWithdrawalFunction, PendingWithdrawalOutput>(
            new PendingWithdrawalFunction { Account = account }, addresses.StakeTable, null).ConfigureAwait(false);
        return (output.Amount, (ulong)output.UnlockBlock);
    }

    /// <summary>The L1 block the stake table's epoch 0 starts at (its deployment block).</summary>
    public async Task<ulong> StartBlockAsync() => (ulong)await l1.CallAsync<BigInteger>(StakeTable, "startBlock", null).ConfigureAwait(false);

    public async Task<ulong> EpochBlocksAsync() => (ulong)await l1.CallAsync<BigInteger>(StakeTable, "epochBlocks", null).ConfigureAwait(false);

    /// <summary>The stake table and the light client's tip at L1 block <paramref name="l1Block"/> (whose hash the caller read).</summary>
    public async Task<StakeSnapshot> SnapshotAsync(ulong l1Block, string l1BlockHash)
    {
        var at = new BlockParameter(l1Block);
        var epoch = await CurrentEpochAsync(at).ConfigureAwait(false);
        var count = await l1.CallAsync<BigInteger>(StakeTable, "validatorCount", at).ConfigureAwait(false);
        if (count > ValidatorsMax)
        {
            throw new L1Exception($"the stake table lists {count} validators, more than the {ValidatorsMax} a Fairway network holds");
        }

        var validators = new List<StakeTableEntry>((int)count);
        for (var i = 0; i < (int)count; i++)
        {
            var address = await l1.CallAsync<string>(StakeTable, "validatorAt", at, new BigInteger(i)).ConfigureAwait(false);
            var v = (await l1.QueryAsync<GetValidatorFunction, GetValidatorOutput>(
                new GetValidatorFunction { Validator = address }, addresses.StakeTable, at).ConfigureAwait(false)).Value;
            var weight = await l1.CallAsync<BigInteger>(StakeTable, "weightAt", at, address, epoch).ConfigureAwait(false);
            validators.Add(new StakeTableEntry(
                address, Convert.ToHexStringLower(v.ConsensusKey), v.SettlementKey, v.Endpoints, v.SelfStake, v.DelegatedStake, v.Exited, v.Jailed, weight));
        }

        var total = await l1.CallAsync<BigInteger>(StakeTable, "totalStakeAt", at, epoch).ConfigureAwait(false);
        var settled = await l1.CallAsync<ulong>(LightClient, "lastHeight", at).ConfigureAwait(false);
        var settledHash = await l1.CallAsync<byte[]>(LightClient, "lastHeaderHash", at).ConfigureAwait(false);
        return new StakeSnapshot(l1Block, l1BlockHash, epoch, validators, total, settled, settledHash);
    }

    public async Task<(ulong Height, byte[] HeaderHash)> SettledTipAsync()
    {
        var height = await l1.CallAsync<ulong>(LightClient, "lastHeight", null).ConfigureAwait(false);
        var hash = await l1.CallAsync<byte[]>(LightClient, "lastHeaderHash", null).ConfigureAwait(false);
        return (height, hash);
    }

    /// <summary>The Fairway output header hash the light client settled at <paramref name="height"/>; zero bytes if none.</summary>
    public Task<byte[]> SettledOutputHashAsync(ulong height) => l1.CallAsync<byte[]>(LightClient, "outputHashAt", null, height);

    /// <summary>The stake epoch of the last statement the light client accepted.</summary>
    public Task<ulong> LastSettledEpochAsync() => l1.CallAsync<ulong>(LightClient, "lastEpoch", null);

    /// <summary>The inbox index the output the light client settled at <paramref name="height"/> included up to; 0 if none (or no inbox).</summary>
    public Task<ulong> SettledInboxIndexAsync(ulong height) => l1.CallAsync<ulong>(LightClient, "inboxIndexAt", null, height);

    /// <summary>
    /// Submits a statement with its signatures; <paramref name="outputHeader"/> is the canonical output header whose
    /// SHA-256 is <paramref name="outputHash"/>, which the light client hashes and, with an inbox, checks the inbox commitment of.
    /// </summary>
    public Task<TransactionReceipt> SubmitHeaderAsync(
        ulong height, ulong epoch, byte[] parent, byte[] outputHash, byte[] outputHeader, byte[] signatures, CancellationToken cancel = default) =>
        l1.SendAsync(LightClient, "submitHeader", 0, cancel, height, epoch, parent, outputHash, outputHeader, signatures);

    public Task<TransactionReceipt> SlashConflictingHeadersAsync(
        ulong height, byte[] parentA, byte[] outputA, byte[] sigA, byte[] parentB, byte[] outputB, byte[] sigB, CancellationToken cancel = default) =>
        l1.SendAsync(LightClient, "slashConflictingHeaders", 0, cancel, height, parentA, outputA, sigA, parentB, outputB, sigB);

    public Task<TransactionReceipt> SlashByAttestationAsync(string validator, byte[] evidenceHash, ulong epoch, byte[] signatures, CancellationToken cancel = default) =>
        l1.SendAsync(LightClient, "slashByAttestation", 0, cancel, validator, evidenceHash, epoch, signatures);
}
