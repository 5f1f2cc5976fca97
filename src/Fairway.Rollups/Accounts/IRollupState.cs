using Fairway.Core.Crypto;

namespace Fairway.Rollups.Accounts;

/// <summary>
/// What every demo rollup's state offers an executor: apply one payload of its namespace's stream (never throwing on
/// what a client sent), its canonical encoding (what an executor persists; each state has a static Decode that
/// inverts it) and the root, the SHA-256 of that encoding.
/// </summary>
public interface IRollupState
{
    ulong Namespace { get; }

    RollupReceipt Apply(ReadOnlySpan<byte> payload, ISignatureVerifier verifier);

    byte[] Encode();

    Hash StateRoot();
}
