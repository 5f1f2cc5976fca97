using Fairway.Core.Crypto;

namespace Fairway.Core.Validators;

/// <summary>One member of the validator set: who it is, the key it signs with, and its voting weight.</summary>
public sealed record Validator(string Name, PublicKey PublicKey, ulong Stake);
