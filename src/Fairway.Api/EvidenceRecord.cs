namespace Fairway.Api;

/// <summary>
/// Misbehaviour this validator detected, with what proves it: two statements one validator signed that cannot both be
/// honest (two proposals, votes or candidate lists for one round), or an output header signed for a height that differs
/// from the one this validator computed. <paramref name="First"/> and <paramref name="Second"/> are the canonical bytes
/// (hex) of the signed statements, or of the statement and this validator's header hash; anyone holding the validator
/// set can check them.
/// </summary>
public sealed record EvidenceRecord(string Kind, int Validator, ulong? Round, ulong? Height, long DetectedAtMs, string First, string Second);
