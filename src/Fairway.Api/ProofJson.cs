using Fairway.Core.Chain;
using Fairway.Core.Crypto;

namespace Fairway.Api;

/// <summary>Proofs as base64 of their canonical encoding.</summary>
internal static class ProofJson
{
    public static string? Namespace(Block block, IReadOnlyList<Batch> batches, ulong @namespace) => null;

    public static string? Transaction(Block block, IReadOnlyList<Batch> batches, Hash transaction) => null;
}
