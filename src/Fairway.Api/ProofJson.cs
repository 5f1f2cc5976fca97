using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Core.Proofs;

namespace Fairway.Api;

/// <summary>Proofs as base64 of their canonical encoding, built from the block's batches.</summary>
internal static class ProofJson
{
    public static string? Transaction(Block block, IReadOnlyList<Batch> batches, Hash transaction) =>
        TransactionProof.Build(block, batches, transaction) is { } proof ? Convert.ToBase64String(Canonical.Encode(proof)) : null;
}
