namespace Fairway.Api;

/// <summary>
/// This validator's signature, with its settlement key, over the light client's slash report for
/// <see cref="ValidatorAccount"/> (the offender's L1 account) and <see cref="EvidenceHash"/>. Hex, 0x-prefixed.
/// </summary>
public sealed record SlashAttestation(string ValidatorAccount, string EvidenceHash, string SettlementKey, string Signature);

/// <summary>An attestation, or why there is none: an HTTP status (404, 409) with an error code and message.</summary>
public sealed record SlashAttestationAnswer(SlashAttestation? Attestation, int Status, string Code, string Message)
{
    public static SlashAttestationAnswer Of(SlashAttestation attestation) => new(attestation, 200, "", "");

    public static SlashAttestationAnswer Refused(int status, string code, string message) => new(null, status, code, message);
}
