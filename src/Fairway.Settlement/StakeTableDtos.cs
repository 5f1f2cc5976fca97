using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace Fairway.Settlement;

// Nethereum's typed call messages for the stake-table views that return a struct or two values; the rest use plain calls.

[Function("pendingWithdrawal", typeof(PendingWithdrawalOutput))]
internal sealed class PendingWithdrawalFunction : FunctionMessage
{
    [Parameter("address", "", 1)]
    public string Account { get; set; } = "";
}

[FunctionOutput]
internal sealed class PendingWithdrawalOutput : IFunctionOutputDTO
{
    [Parameter("uint256", "amount", 1)]
    public BigInteger Amount { get; set; }

    [Parameter("uint256", "unlockBlock", 2)]
    public BigInteger UnlockBlock { get; set; }
}

[Function("getValidator", typeof(GetValidatorOutput))]
internal sealed class GetValidatorFunction : FunctionMessage
{
    [Parameter("address", "validator", 1)]
    public string Validator { get; set; } = "";
}

[FunctionOutput]
internal sealed class GetValidatorOutput : IFunctionOutputDTO
{
    [Parameter("tuple", "", 1)]
    public ValidatorTuple Value { get; set; } = new();
}

internal sealed class ValidatorTuple
{
    [Parameter("bytes32", "consensusKey", 1)]
    public byte[] ConsensusKey { get; set; } = [];

    [Parameter("address", "settlementKey", 2)]
    public string SettlementKey { get; set; } = "";

    [Parameter("string", "endpoints", 3)]
    public string Endpoints { get; set; } = "";

    [Parameter("uint256", "selfStake", 4)]
    public BigInteger SelfStake { get; set; }

    [Parameter("uint256", "delegatedStake", 5)]
    public BigInteger DelegatedStake { get; set; }

    [Parameter("bool", "registered", 6)]
    public bool Registered { get; set; }

    [Parameter("bool", "exited", 7)]
    public bool Exited { get; set; }

    [Parameter("bool", "jailed", 8)]
    public bool Jailed { get; set; }
}
