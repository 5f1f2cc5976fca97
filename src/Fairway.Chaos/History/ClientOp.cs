namespace Fairway.Chaos.History;

/// <summary>What a client learned about one submission by the end of the run.</summary>
public enum OpOutcome
{
    /// <summary>A clear refusal (429, busy, another 4xx): the transaction was not taken.</summary>
    Refused,

    /// <summary>Unknown (timeout, connection error): it may or may not have been taken.</summary>
    Failed,

    /// <summary>A signed receipt came back, but firm was not observed by the end.</summary>
    Received,

    /// <summary>The client saw status firm.</summary>
    Firm,
}

/// <summary>
/// One client submission. FirmHeight and FirmIndex are the position (height, index of the transaction inside the
/// namespace at that height) the client was told when it saw firm. Times are ms since campaign start.
/// </summary>
public sealed record ClientOp(
    long Id,
    string Tx,
    ulong Namespace,
    int Validator,
    long SubmittedAtMs,
    OpOutcome Outcome,
    long? ReceivedAtMs = null,
    long? FirmAtMs = null,
    ulong? FirmHeight = null,
    int? FirmIndex = null,
    string? Error = null);
