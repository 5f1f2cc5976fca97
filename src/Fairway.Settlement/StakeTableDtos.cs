using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace Fairway.Settlement;

// Nethereum's typed call messages for the one stake-table view that returns a struct; the rest use plain calls.

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
